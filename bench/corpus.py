"""Fetch benchmark corpora from the package registries into bench/.corpus/ (git-ignored).

    python bench/corpus.py                 # every corpus below
    python bench/corpus.py django numpy    # some of them

Each corpus is real source that nobody here wrote, fetched with the registry's own client:
source distributions from PyPI (`pip download --no-deps --no-binary :all:`) and package
tarballs from npm (`npm pack`), unpacked under `bench/.corpus/<name>/`. Prints, per corpus,
its files and bytes, and how many of them have a grammar (what the benchmarks parse).

Nothing is fetched while a benchmark runs: the bench scripts only read what this left.

pip and sdists whose metadata needs a build: pip prepares an sdist's metadata before it
saves the file, which for a meson (numpy) or maturin (pydantic-core) build means compiling
the package (or fetching Rust crates, which this machine cannot). `pip download` is run
with `--no-build-isolation --no-clean`, so that preparing metadata fails at once instead,
after pip has downloaded and unpacked the sdist into its temporary folder; that unpacked
tree is the corpus (its PKG-INFO is checked against the requested version). See
pypa/pip#1884 ("Avoid generating metadata in pip download --no-deps").
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".corpus"


@dataclass(frozen=True)
class Source:
    registry: str  # "pypi" or "npm"
    spec: str  # pip requirement (name==version) or npm spec (name@version)
    keep: str = ""  # npm: the folder of the package that is the corpus
    what: str = ""


CORPORA: dict[str, Source] = {
    "django": Source("pypi", "django==5.2.8", what="Python web framework"),
    "sympy": Source("pypi", "sympy==1.14.0", what="Python, large"),
    "numpy": Source("pypi", "numpy==2.4.6", what="C and C++ sources, Python, vendored meson"),
    "pydantic-core": Source("pypi", "pydantic-core==2.50.4", what="Rust sources and Python tests"),
    "typescript": Source("npm", "typescript@5.9.3", keep="lib",
                         what="typescript's lib/: .d.ts and bundled .js"),
    "effect": Source("npm", "effect@4.1.0", keep="src", what="TypeScript sources (src/)"),
}
# The corpora `make bench` runs on, smallest first.
DEFAULT = ["pydantic-core", "effect", "typescript", "django", "numpy", "sympy"]


def fetch(name: str) -> Path:
    """The corpus folder to index, fetched if missing."""
    source = CORPORA[name]
    target = CACHE / name
    if not (target.is_dir() and any(target.iterdir())):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        try:
            (_pypi if source.registry == "pypi" else _npm)(source, target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
    return root_of(name)


def root_of(name: str) -> Path:
    """Where a fetched corpus lives (without fetching)."""
    source = CORPORA[name]
    target = CACHE / name
    if source.registry == "npm":
        return target / "package" / source.keep
    if not target.is_dir():
        return target
    # Hidden folders (a Treewright cache left by running it on the corpus) are not the source.
    children = [p for p in target.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return children[0] if len(children) == 1 else target


def _pypi(source: Source, target: Path) -> None:
    name, _, version = source.spec.partition("==")
    with tempfile.TemporaryDirectory() as tmp:
        saved, work = Path(tmp, "saved"), Path(tmp, "work")
        saved.mkdir()
        work.mkdir()
        out = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--no-build-isolation", "--no-clean", source.spec, "-d", str(saved)],
            env={**os.environ, "TMPDIR": str(work)}, capture_output=True, text=True, check=False,
        )
        archives = sorted(saved.glob("*.tar.gz"))
        if archives:
            with tarfile.open(archives[0]) as tar:
                tar.extractall(target, filter="data")
            return
        # Metadata could not be prepared without a build; the sdist pip unpacked is kept.
        key = re.sub(r"[-_.]+", "_", name).lower()
        trees = [p for p in work.glob("pip-download-*/*")
                 if p.is_dir() and re.sub(r"[-_.]+", "_", p.name).lower().startswith(key + "_")]
        if len(trees) != 1 or not (trees[0] / "PKG-INFO").is_file():
            sys.stderr.write(out.stdout + out.stderr)
            raise RuntimeError(f"pip download {source.spec} left no sdist")
        info = (trees[0] / "PKG-INFO").read_text("utf-8", "replace")
        found = re.search(r"^Version: (\S+)", info, re.M)
        if not found or found.group(1) != version:
            raise RuntimeError(f"pip download {source.spec} unpacked version {found and found.group(1)}")
        shutil.move(str(trees[0]), target / f"{name}-{version}")


def _npm(source: Source, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, source.spec],
                       check=True, capture_output=True, text=True)
        archive = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    if not (target / "package" / source.keep).is_dir():
        raise RuntimeError(f"npm pack {source.spec}: no {source.keep}/ in the package")


def describe(path: Path) -> str:
    """Files and bytes; and those with a grammar, which the benchmarks parse, by language."""
    files = [p for p in path.rglob("*") if p.is_file() and ".treewright" not in p.parts
             and not any(part.startswith(".aider") for part in p.parts)]
    size = sum(p.stat().st_size for p in files)
    try:
        from treewright.index.languages import language_for_path
    except ImportError:
        return f"{path}: {len(files)} files, {size / 1e6:.1f} MB"
    langs: Counter[str] = Counter()
    lang_bytes = 0
    for p in files:
        lang = language_for_path(p.name)
        if lang:
            langs[lang] += 1
            lang_bytes += p.stat().st_size
    top = ", ".join(f"{lang} {n}" for lang, n in langs.most_common(5))
    return (f"{path}: {len(files)} files, {size / 1e6:.1f} MB; {sum(langs.values())} with a grammar, "
            f"{lang_bytes / 1e6:.1f} MB ({top})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"any of {', '.join(DEFAULT)} (default: all)")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in CORPORA]
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}; choose from {', '.join(DEFAULT)}")
    for name in args.names or DEFAULT:
        print(f"{name}: {describe(fetch(name))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
