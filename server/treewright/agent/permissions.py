"""Whether the agent may run a command: policy, remembered allowances, and asking.

A command runs when the policy is `allow`, when it matches an allowed prefix, or when
the user approves it; `deny` refuses without asking. An allowed prefix covers a command
only when the command is a plain word list: any shell syntax that could chain another
command onto an allowed one (`;`, `&&`, `|`, `$(…)`, backticks, redirections, newlines)
means the user is asked about that very command.
"""

from __future__ import annotations

import enum
import json
import logging
import re
import shlex
from collections.abc import Awaitable, Callable
from pathlib import Path

log = logging.getLogger(__name__)

# Anything a shell would treat as more than one simple command, or as an expansion.
_SHELL_SYNTAX = re.compile(r"[;&|`$<>(){}\n\r\\*?\[\]~!#]")


class Decision(enum.Enum):
    ALLOW_ONCE = "allow-once"
    ALLOW_ALWAYS = "allow-always"
    DENY = "deny"


# (command, suggested prefix) → the user's decision. No answer must mean DENY.
Asker = Callable[[str, str], Awaitable[Decision]]


def words(command: str | list[str]) -> list[str] | None:
    """The command as plain words, or None when it uses shell syntax beyond words."""
    if isinstance(command, list):
        return [str(w) for w in command] if command else None
    if _SHELL_SYNTAX.search(command):
        return None
    try:
        parts = shlex.split(command)
    except ValueError:
        return None
    return parts or None


# Programs whose first argument names what they do (`npm test`, `git status`): an
# allowance covers that subcommand, not the whole program.
_DISPATCHERS = frozenset({
    "npm", "yarn", "pnpm", "npx", "git", "cargo", "go", "make", "uv", "poetry", "pip", "pip3",
    "docker", "kubectl", "bundle", "rake", "dotnet", "mvn", "gradle", "deno", "bun",
})
_SUBCOMMAND = re.compile(r"[a-z][a-z0-9:_-]*")


def suggested_prefix(command: str | list[str]) -> str:
    """What "Always allow" would cover: `npm test`, `python -m pytest`, or the program."""
    parts = words(command)
    if not parts:
        return command if isinstance(command, str) else " ".join(command)
    program = parts[0].rsplit("/", 1)[-1]
    if program.startswith("python") and len(parts) > 2 and parts[1] == "-m":
        return " ".join(parts[:3])
    if program in _DISPATCHERS and len(parts) > 1 and _SUBCOMMAND.fullmatch(parts[1]):
        return " ".join(parts[:2])
    return parts[0]


def matches_prefix(command: str | list[str], prefix: str) -> bool:
    parts = words(command)
    wanted = words(prefix)
    return bool(parts and wanted) and parts[: len(wanted)] == wanted


class Permissions:
    """The run-command policy of one workspace, with "Always" answers kept on disk."""

    @classmethod
    def for_workspace(cls, root: Path, policy: str, allow: tuple[str, ...], asker: Asker | None):
        return cls(policy, allow, root / ".treewright" / "permissions.json", asker)

    def __init__(self, policy: str, allow: tuple[str, ...], store: Path | None, asker: Asker | None):
        self.policy = policy
        self.allow = tuple(allow)
        self.store = store
        self.asker = asker
        self.remembered = self._load()

    def _load(self) -> list[str]:
        if self.store is None:
            return []
        try:
            data = json.loads(self.store.read_text("utf-8"))
            return [p for p in data.get("allow", []) if isinstance(p, str)]
        except (OSError, ValueError, AttributeError):
            return []

    def _remember(self, prefix: str) -> None:
        self.remembered.append(prefix)
        if self.store is None:
            return
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            self.store.write_text(json.dumps({"allow": self.remembered}, indent=2) + "\n", "utf-8")
        except OSError as e:
            log.warning("cannot remember the allowance for %r: %s", prefix, e)

    def allowed_without_asking(self, command: str | list[str]) -> bool:
        return any(matches_prefix(command, p) for p in self.allow + tuple(self.remembered))

    async def check(self, command: str | list[str]) -> tuple[bool, str]:
        """(may run, how it was decided: "allowed", "asked", "denied", "policy")."""
        if self.policy == "deny":
            return False, "policy"
        if self.policy == "allow" or self.allowed_without_asking(command):
            return True, "allowed"
        if self.asker is None:
            return False, "denied"
        prefix = suggested_prefix(command)
        try:
            decision = await self.asker(command if isinstance(command, str) else shlex.join(command), prefix)
        except Exception as e:  # an asker that fails has not said yes
            log.warning("asking for permission failed: %s", e)
            decision = Decision.DENY
        if decision == Decision.ALLOW_ALWAYS:
            if words(command) is not None:
                self._remember(prefix)
            return True, "asked"
        if decision == Decision.ALLOW_ONCE:
            return True, "asked"
        return False, "denied"
