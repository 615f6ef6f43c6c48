"""`treewright serve | map | ask | sessions | doctor`: the command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from treewright import __version__


def _serve(args: argparse.Namespace) -> int:
    from treewright.long_lived import importing_long_lived
    from treewright.lsp.code_cache import cached_compile, default_path

    # Compiled code kept between starts: a quarter second off every start; no full
    # collector passes while the imports run: another 40 ms.
    with cached_compile(default_path()), importing_long_lived():
        from treewright.lsp.server import run
    run(tcp=args.tcp)
    return 0


def _map(args: argparse.Namespace) -> int:
    from treewright.index.repomap import RepoMapper
    from treewright.index.workspace import WorkspaceIndex

    root = Path(args.directory).resolve()
    if not root.is_dir():
        print(f"treewright map: not a directory: {root}", file=sys.stderr)
        return 2
    index = WorkspaceIndex(root)
    try:
        index.build()
        focus = [rel for f in args.focus if (rel := index.relative(Path(f))) is not None]
        result = RepoMapper(index).build(tokens=args.tokens, focus=focus, mentions=args.mention)
    finally:
        index.close()
    sys.stdout.write(result.text)
    print(f"# {result.files} files, ~{result.tokens} tokens", file=sys.stderr)
    return 0


def _ask(args: argparse.Namespace) -> int:
    from treewright.agent.headless import ask

    return ask(Path(args.workspace), args.prompt, args.session, args.apply, args.json, args.yes)


def _sessions(args: argparse.Namespace) -> int:
    from treewright.agent.headless import list_sessions

    return list_sessions(Path(args.workspace))


def _doctor(args: argparse.Namespace) -> int:
    import importlib.metadata as md

    from treewright.index.languages import grammars_dir, specs, tags_query

    print(f"treewright {__version__} (Python {sys.version.split()[0]})")
    for package in ("pygls", "lsprotocol", "tree-sitter", "tree-sitter-language-pack", "anthropic"):
        try:
            print(f"  {package} {md.version(package)}")
        except md.PackageNotFoundError:
            print(f"  {package} MISSING")
    print(f"grammars: {grammars_dir()}")
    ok = True
    for name in specs():
        try:
            tags_query(name)
            print(f"  {name}: ok")
        except Exception as e:  # a broken query must be reported, whatever it raised
            ok = False
            print(f"  {name}: BROKEN ({e})")
    root = Path(args.directory).resolve()
    print(f"cache: {root / '.treewright' / 'index.sqlite'}")
    print(f"ANTHROPIC_API_KEY set: {'yes' if os.environ.get('ANTHROPIC_API_KEY') else 'no'}")
    if os.environ.get("ANTHROPIC_BASE_URL"):
        print(f"ANTHROPIC_BASE_URL: {os.environ['ANTHROPIC_BASE_URL']}")
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="treewright", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.set_defaults(func=_serve)

    map_ = sub.add_parser("map", help="print the repo map of a workspace")
    map_.add_argument("directory", nargs="?", default=".")
    map_.add_argument("--tokens", type=int, default=1024, help="token budget (default 1024)")
    map_.add_argument("--focus", action="append", default=[], metavar="FILE",
                      help="rank toward this file (repeatable)")
    map_.add_argument("--mention", action="append", default=[], metavar="NAME",
                      help="rank toward this identifier (repeatable)")
    map_.set_defaults(func=_map)

    ask = sub.add_parser("ask", help="run one agent turn on a workspace, headless")
    ask.add_argument("prompt")
    ask.add_argument("--workspace", default=".", help="workspace folder (default: .)")
    ask.add_argument("--session", help="continue this session")
    ask.add_argument("--apply", action="store_true", help="write the proposal to disk")
    ask.add_argument("--json", action="store_true", help="print one JSON object at the end")
    ask.add_argument("--yes", action="store_true", help="allow every command the agent runs")
    ask.set_defaults(func=_ask)

    sessions = sub.add_parser("sessions", help="list the stored sessions of a workspace")
    sessions.add_argument("--workspace", default=".")
    sessions.set_defaults(func=_sessions)

    doctor = sub.add_parser("doctor", help="check the installation")
    doctor.add_argument("directory", nargs="?", default=".")
    doctor.set_defaults(func=_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        # pygls and the SDK's HTTP client log every message at INFO: too much for a log.
        for noisy in ("pygls", "httpx", "httpx2"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    return args.func(args)
