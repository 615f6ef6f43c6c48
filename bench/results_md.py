"""Write a generated table into its own section of a Markdown file (bench/RESULTS.md).

A section is the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; everything
around it (headings, notes written by hand) is left as it is. A missing section is
appended at the end of the file.
"""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, name: str, text: str) -> None:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    content = path.read_text("utf-8") if path.is_file() else ""
    i, j = content.find(begin), content.find(end)
    if i != -1 and j > i:
        content = content[:i] + block + content[j + len(end):]
    else:
        content = content.rstrip("\n") + ("\n\n" if content else "") + block + "\n"
    path.write_text(content, "utf-8")


def machine() -> str:
    """The machine and interpreter, for a table's heading."""
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
