"""User settings (PROTOCOL.md's table): defaults, and checking what the editor sends.

Unknown keys are ignored; a value of the wrong type or out of range is replaced by the
default and reported, so the caller can warn the user naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# The newest Sonnet the anthropic SDK lists; the one place the default model is named.
DEFAULT_MODEL = "claude-sonnet-5-5"


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    max_tokens: int = 8192
    max_turns: int = 25
    budget_usd: float = 0.50
    preview_edits: bool = True
    run_commands: str = "ask"
    allow: tuple[str, ...] = ()
    index_exclude: tuple[str, ...] = ()
    index_max_file_bytes: int = 1 << 20


def _string(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError("a non-empty string")
    return v.strip()


def _positive_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ValueError("a positive whole number")
    return v


def _positive_number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
        raise ValueError("a positive number")
    return float(v)


def _boolean(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("true or false")
    return v


def _policy(v: Any) -> str:
    if v not in ("ask", "allow", "deny"):
        raise ValueError('one of "ask", "allow", "deny"')
    return v


def _strings(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
        raise ValueError("a list of strings")
    return tuple(v)


# setting key → (field, check); a check returns the value to use, or raises ValueError.
_KEYS: dict[str, tuple[str, Any]] = {
    "model": ("model", _string),
    "maxTokens": ("max_tokens", _positive_int),
    "maxTurns": ("max_turns", _positive_int),
    "budgetUsd": ("budget_usd", _positive_number),
    "previewEdits": ("preview_edits", _boolean),
    "permissions.runCommands": ("run_commands", _policy),
    "permissions.allow": ("allow", _strings),
    "index.exclude": ("index_exclude", _strings),
    "index.maxFileBytes": ("index_max_file_bytes", _positive_int),
}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"index": {"exclude": [...]}} and {"index.exclude": [...]} mean the same."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in _KEYS:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def parse_settings(data: Any) -> tuple[Settings, list[str]]:
    """Settings from an editor's JSON object, and one warning per rejected key."""
    if not isinstance(data, dict):
        return Settings(), [] if data is None else ["Treewright settings must be an object"]
    values: dict[str, Any] = {}
    warnings: list[str] = []
    defaults = Settings()
    for key, value in _flatten(data).items():
        if key not in _KEYS or value is None:
            continue
        name, check = _KEYS[key]
        try:
            values[name] = check(value)
        except ValueError as e:
            warnings.append(
                f"Treewright setting '{key}' must be {e}; using the default "
                f"({getattr(defaults, name)!r})."
            )
    return replace(defaults, **values), warnings


