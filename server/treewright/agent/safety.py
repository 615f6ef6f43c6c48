"""What the agent's tools may touch: paths inside the workspace, and never secrets.

The model's output and the workspace's content are untrusted (a README can carry a
prompt injection), so every path a tool is given is resolved, symlinks included, and
must land inside a workspace folder; secret files are refused whatever the path says.
"""

from __future__ import annotations

import fnmatch
import unicodedata
from pathlib import Path, PurePosixPath

# File-name patterns that are never read, searched, listed to the model or sent.
SECRET_PATTERNS: tuple[str, ...] = (
    ".env", ".env.*", "*.env", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
    "*.p12", "*.pfx", "*.jks", "*.keystore", ".npmrc", ".pypirc", ".netrc", "credentials.json",
)


class PathError(ValueError):
    """A path a tool may not use; the message is meant for the model."""


def is_secret(rel: str, extra: tuple[str, ...] = ()) -> bool:
    name = PurePosixPath(rel).name.lower()
    patterns = SECRET_PATTERNS + tuple(p.lower() for p in extra)
    return any(fnmatch.fnmatchcase(name, p) for p in patterns) or any(
        fnmatch.fnmatchcase(rel.lower(), p) for p in extra
    )


def resolve(root: Path, path: str, extra_secrets: tuple[str, ...] = ()) -> tuple[Path, str]:
    """(absolute path, POSIX path relative to root) for a path a tool was given.

    Relative paths are taken from the workspace root. Raises PathError when the path,
    after resolving `..` and symlinks, is outside the root, or names a secret file.
    """
    if not isinstance(path, str) or not path.strip():
        raise PathError("A path is required.")
    if "\0" in path:
        raise PathError("A path may not contain NUL characters.")
    # NFC so that look-alike compositions of the same name resolve to the same file.
    text = unicodedata.normalize("NFC", path.strip())
    root = root.resolve()
    candidate = Path(text)
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = candidate.resolve(strict=False)
    try:
        rel = resolved.relative_to(root).as_posix()
    except ValueError:
        raise PathError(f"File is outside the workspace: {path}") from None
    if rel == ".":
        rel = ""
    if rel and is_secret(rel, extra_secrets):
        raise PathError(f"Refused: {rel} looks like a secrets file; it is never read or sent.")
    return resolved, rel
