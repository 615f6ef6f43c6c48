"""The prompts behind code actions: fix, explain, document, write tests, edit.

An editor (or any caller) says which action, on which code; this module turns that into
the request the agent gets, with the code itself quoted so the model needs no extra read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACTIONS = ("fix", "explain", "document", "test", "edit")
_TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*$|[^/]*_test\.[a-z]+$|[^/]*\.(test|spec)\.[a-z]+$)")


@dataclass(frozen=True)
class Target:
    """The code an action is about: a named definition, or a bare selection."""

    path: str
    start_line: int  # 1-based, inclusive
    end_line: int
    code: str
    symbol: str | None = None  # "Parent.name" or "name"
    kind: str | None = None


def title(action: str, target_name: str, diagnostic: str | None = None) -> str:
    if action == "fix":
        return f'Fix "{diagnostic}"'
    return {
        "explain": f"Explain {target_name}",
        "document": f"Document {target_name}",
        "test": f"Write tests for {target_name}",
        "edit": f"Edit {target_name}",
    }[action]


def test_files(paths: list[str], near: str, limit: int = 3) -> list[str]:
    """Existing test files, those sharing the most leading folders with `near` first."""
    found = [p for p in paths if _TEST_FILE.search(p)]
    near_parts = near.split("/")

    def shared(p: str) -> int:
        n = 0
        for a, b in zip(p.split("/"), near_parts, strict=False):
            if a != b:
                break
            n += 1
        return n

    found.sort(key=lambda p: (-shared(p), len(p), p))
    return found[:limit]


def prompt(
    action: str,
    target: Target,
    *,
    instruction: str | None = None,
    diagnostic: str | None = None,
    tests: list[tuple[str, str]] = (),
) -> str:
    """The request for one action. `tests` is (path, first lines) of existing test files."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.")
    if action == "edit" and not (instruction and instruction.strip()):
        raise ValueError("The edit action needs an instruction: say what to change.")
    if action == "fix" and not diagnostic:
        raise ValueError("The fix action needs the diagnostic to fix.")
    what = f"the {target.kind or 'definition'} `{target.symbol}`" if target.symbol else "the selected code"
    where = f"{target.path}, lines {target.start_line}-{target.end_line}"
    quoted = f"```\n{target.code}\n```"
    if action == "fix":
        ask = (f"Fix this problem reported at {where}:\n\n    {diagnostic}\n\nThe code around it is {what}:\n"
               f"\n{quoted}\n\nMake the smallest change that fixes it.")
    elif action == "explain":
        ask = (f"Explain {what} in {where}: what it does, how, and anything surprising. Do not "
               f"change any file.\n\n{quoted}")
    elif action == "document":
        ask = (f"Add or improve the documentation of {what} in {where}, in the style the file "
               f"already uses (docstring or doc comment). Change nothing else.\n\n{quoted}")
    elif action == "test":
        ask = f"Write tests for {what} in {where}.\n\n{quoted}\n\n"
        if tests:
            shown = "\n\n".join(f"{path}:\n```\n{head}\n```" for path, head in tests)
            ask += ("The project's tests live in files like these; follow their framework, "
                    f"layout and style, adding to one of them or creating a sibling:\n\n{shown}")
        else:
            ask += "The project has no tests yet: create a test file in its language's usual place."
    else:
        ask = f"In {where}, change {what} as follows: {instruction.strip()}\n\n{quoted}"
    return ask
