"""Fetch benchmark corpora from the package registries into bench/.corpus/ (git-ignored).

    python bench/corpus.py django        # the django sdist from PyPI, unpacked

Nothing is fetched while a benchmark runs: the bench scripts only read what this left.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".corpus"

# name → pip requirement of a source distribution
PYPI = {"django": "django==5.2.8"}


def fetch(name: str) -> Path:
    """The unpacked corpus folder (the sdist's single top folder), fetched if missing."""
    target = CACHE / name
    if not (target.is_dir() and any(target.iterdir())):
        _download(name, target)
    children = [p for p in target.iterdir() if p.is_dir()]
    return children[0] if len(children) == 1 else target


def _download(name: str, target: Path) -> None:
    requirement = PYPI[name]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", requirement, "-d", tmp],
            check=True,
        )
        archive = next(Path(tmp).glob("*.tar.gz"))
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")


def describe(path: Path) -> str:
    files = [p for p in path.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    return f"{path}: {len(files)} files, {size / 1e6:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("names", nargs="*", default=sorted(PYPI), choices=sorted(PYPI))
    args = parser.parse_args()
    for name in args.names:
        print(describe(fetch(name)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
