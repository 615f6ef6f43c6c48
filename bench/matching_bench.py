"""Edit matching under drift, side by side with Aider's matcher (issue 6, §2).

    python bench/matching_bench.py                     # ≥ 2,000 cases from every corpus
    python bench/matching_bench.py --corpus DIR --per-category 5   # a tiny run (make test)

Cases come from real files of the corpora: a real definition, or a block of 3-12 lines
inside one, gets the edit a model would make (insert a comment line, rename an identifier
in the block, delete a line, change a number), and the `old_string` / `new_string` pair is
written the way models get it wrong, one category at a time:

- exact: the block as the file has it;
- indentation shifted: the common indentation removed, or one level added;
- tabs↔spaces: a tab-indented file quoted with spaces, or a space-indented one with tabs;
- trailing whitespace: spaces added at line ends, or (half the cases) the file's lines end in
  spaces that the quote lacks (those spaces are put into the file for the case);
- blank line dropped / blank line added inside the block;
- CRLF: the file with CRLF line breaks (as a Windows checkout has it), the quote with LF;
- elided: a run of ≥ 2 lines away from the edit replaced by one `...` line, in both strings;
- ambiguous: the block occurs twice (a copy is put right after it); the intended copy is
  picked at random, and there is no unique right answer, so refusing is what we want;
- stale: one line of the quote differs from the file (the model remembers an older
  version); the right answer is to refuse.

Blocks whose non-blank lines occur twice in the file are skipped (no unique answer).
Both matchers get the same (file text, old_string, new_string) and nothing else:
Treewright's `locate` + `splice`, and Aider's `do_replace` from
`aider.coders.editblock_coder` (the function its EditBlockCoder applies each SEARCH/REPLACE
block with), run under bench/.aider-venv's Python.

Scores per category: correct (the result equals the intended file, ignoring trailing
whitespace and blank lines; line breaks must match), refused (no change; "pointing" counts
refusals whose message points at the intended lines), wrong (anything else: applied at the
wrong place, or the file changed in a way that was not intended).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE / ".results"

CATEGORIES = ["exact", "indentation shifted", "tabs↔spaces", "trailing whitespace", "blank line dropped",
              "blank line added", "CRLF", "elided ...", "ambiguous", "stale"]
UNIQUE = [c for c in CATEGORIES if c not in ("ambiguous", "stale")]  # a unique right answer exists
LANGS = {"python": "#", "c": "//", "cpp": "//", "rust": "//", "typescript": "//", "javascript": "//",
         "tsx": "//", "go": "//", "java": "//"}
MARKERS = {"...", "# ...", "// ...", "/* ... */"}
_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]{2,}\b")
_NUMBER = re.compile(r"\b\d+\b")
_KEYWORDS = {"def", "class", "return", "self", "for", "while", "if", "else", "elif", "import", "from",
             "const", "let", "var", "function", "static", "struct", "impl", "pub", "int", "void", "char",
             "None", "True", "False", "null", "true", "false", "this", "new", "not", "and", "with", "try",
             "except", "raise", "yield", "async", "await", "lambda", "pass", "break", "continue", "in",
             "is", "export", "interface", "type", "readonly", "declare", "extends", "implements", "fn",
             "mut", "use", "mod", "match", "where", "unsafe", "enum", "union", "typedef", "sizeof",
             "switch", "case", "default", "do", "goto", "extern", "inline", "unsigned", "signed", "long",
             "short", "double", "float", "bool", "auto", "register", "volatile", "string", "number",
             "boolean", "any", "unknown", "never", "object", "symbol", "undefined", "of", "as", "get",
             "set", "super", "delete", "typeof", "instanceof", "finally", "catch", "throw"}


# ---- scoring (shared by both sides; stdlib only) -----------------------------------------------


def norm(text: str) -> list[str]:
    """Non-blank lines without trailing whitespace; a line's CR is kept, so line breaks count."""
    out = []
    for line in text.split("\n"):
        cr = line.endswith("\r")
        body = (line[:-1] if cr else line).rstrip(" \t")
        if body.strip():
            out.append(body + ("\r" if cr else ""))
    return out


def score(case: dict, result: str | None) -> str:
    if result is None or result == case["text"]:
        return "refused"
    if case["expected"] is not None and norm(result) == norm(case["expected"]):
        return "correct"
    return "wrong"


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


# ---- building cases (Treewright's tags pick the definitions) -----------------------------------


class Builder:
    def __init__(self, roots: dict[str, Path], seed: int = 6):
        from treewright.index.languages import language_for_path
        from treewright.index.walk import walk

        self.rng = random.Random(seed)
        self.pools: dict[str, list[tuple[Path, str, str]]] = {}
        self.tab_files: list[tuple[str, Path, str, str]] = []
        for name, root in roots.items():
            pool = []
            for f in walk(root):
                lang = language_for_path(f.rel)
                if lang in LANGS and 500 <= f.size <= 200_000:
                    pool.append((root, f.rel, lang))
            self.rng.shuffle(pool)
            self.pools[name] = pool
        self._defs: dict[tuple[Path, str], list] = {}
        self._texts: dict[tuple[Path, str], str | None] = {}

    def text(self, root: Path, rel: str) -> str | None:
        key = (root, rel)
        if key not in self._texts:
            try:
                t = (root / rel).read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                t = None
            if t is not None and ("\r" in t or "\0" in t or max(map(len, t.split("\n"))) > 300):
                t = None  # not LF-only text, or minified
            self._texts[key] = t
        return self._texts[key]

    def definitions(self, root: Path, rel: str, lang: str) -> list:
        from treewright.index.analyze import parse_tags

        key = (root, rel)
        if key not in self._defs:
            text = self.text(root, rel)
            self._defs[key] = [] if text is None else parse_tags(lang, text.encode()).definitions
        return self._defs[key]

    def find_tab_files(self) -> None:
        for name, pool in self.pools.items():
            for root, rel, lang in pool:
                try:
                    t = (root / rel).read_text("utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if "\r" not in t and re.search(r"^\t+\S", t, re.M) and not re.search(r"^ {2,}\S", t, re.M):
                    self.tab_files.append((name, root, rel, lang))

    # -- one case ------------------------------------------------------------------------------

    def case(self, category: str, corpus: str) -> dict | None:
        if category == "tabs↔spaces" and self.tab_files and self.rng.random() < 0.5:
            corpus, root, rel, lang = self.rng.choice(self.tab_files)
        else:
            if not self.pools[corpus]:
                return None
            root, rel, lang = self.rng.choice(self.pools[corpus])
        text = self.text(root, rel)
        if text is None:
            return None
        lines = text.split("\n")
        defs = [d for d in self.definitions(root, rel, lang) if 3 <= d.end[0] - d.start[0] + 1 <= 60]
        if not defs:
            return None
        d = self.rng.choice(defs)
        first, last = d.start[0], d.end[0]
        if self.rng.random() < 0.5 or last - first + 1 > 40 or category in ("blank line dropped",):
            a, b = first, last + 1
        else:
            size = self.rng.randint(3, 12)
            a = self.rng.randint(first, max(first, last + 1 - size))
            b = min(last + 1, a + size)
        while a < b and not lines[a].strip():
            a += 1
        while b > a and not lines[b - 1].strip():
            b -= 1
        if b - a < 3 or b > len(lines):
            return None
        block = lines[a:b]
        if any(line.strip() in MARKERS for line in block):
            return None
        if category == "blank line dropped" and not any(not line.strip() for line in block):
            return None
        if category == "elided ..." and b - a < 7:
            return None
        if category == "tabs↔spaces" and not any(line[:1] in (" ", "\t") and line.strip() for line in block):
            return None
        if category == "stale" and not _stale_line(block, self.rng, dry=True):
            return None
        if not _unique(lines, a, b):
            return None
        comment = LANGS[lang]
        edited = _edit(block, comment, self.rng)
        if edited is None:
            return None
        case = {"category": category, "corpus": corpus, "path": rel, "lang": lang}
        return _drift(case, category, lines, a, b, edited, self.rng)


def _unique(lines: list[str], a: int, b: int) -> bool:
    """The block's non-blank stripped lines occur once in the file, as a run of non-blank lines."""
    bodies = [line.strip() for line in lines]
    nonblank = [i for i, s in enumerate(bodies) if s]
    seq = [bodies[i] for i in range(a, b) if bodies[i]]
    flat = [bodies[i] for i in nonblank]
    count, n = 0, len(seq)
    for i in range(len(flat) - n + 1):
        if flat[i] == seq[0] and flat[i : i + n] == seq:
            count += 1
            if count > 1:
                return False
    return count == 1


Tagged = list[tuple[str, int | None]]  # a line and its index in the original block (None: new)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _edit(block: list[str], comment: str, rng: random.Random) -> Tagged | None:
    """The edit a model makes, in the file's own formatting."""
    tagged: Tagged = [(line, i) for i, line in enumerate(block)]
    ops = ["insert", "rename", "delete", "number"]
    rng.shuffle(ops)
    for op in ops:
        if op == "insert":
            k = rng.randrange(0, len(block) - 1)
            if not block[k].strip():
                continue
            below = next((line for line in block[k + 1 :] if line.strip()), block[k])
            indent = max(_indent(block[k]), _indent(below), key=len) if block[k].rstrip().endswith(
                (":", "{", "(")) else _indent(block[k])
            new = f"{indent}{comment} NOTE: checked by the caller"
            return tagged[: k + 1] + [(new, None)] + tagged[k + 1 :]
        if op == "rename":
            words = [w for w in _WORD.findall("\n".join(block)) if w not in _KEYWORDS]
            if not words:
                continue
            word = rng.choice(words)
            pattern = re.compile(rf"\b{re.escape(word)}\b")
            return [(pattern.sub(word + "_v2", line), None if pattern.search(line) else i)
                    for line, i in tagged]
        if op == "delete":
            inner = [i for i in range(1, len(block) - 1) if block[i].strip()]
            if not inner:
                continue
            k = rng.choice(inner)
            return tagged[:k] + tagged[k + 1 :]
        if op == "number":
            hits = [i for i, line in enumerate(block) if _NUMBER.search(line)]
            if not hits:
                continue
            k = rng.choice(hits)
            m = _NUMBER.search(block[k])
            line = block[k][: m.start()] + str(int(m.group()) + 1) + block[k][m.end() :]
            return tagged[:k] + [(line, None)] + tagged[k + 1 :]
    return None


def _stale_line(block: list[str], rng: random.Random, dry: bool = False) -> list[str] | None:
    """The block as an older version had it: one identifier renamed in one line."""
    hits = [(i, w) for i, line in enumerate(block) for w in _WORD.findall(line) if w not in _KEYWORDS]
    if not hits:
        return None
    if dry:
        return block
    i, word = rng.choice(hits)
    old = list(block)
    old[i] = re.sub(rf"\b{re.escape(word)}\b", word + "Old", block[i], count=1)
    return old


def _unit(lines: list[str]) -> int:
    g = 0
    for line in lines:
        ind = _indent(line)
        if line.strip() and ind and not ind.strip(" "):
            g = math.gcd(g, len(ind))
    return g if g in (2, 4, 8) else 4


def _drift(case: dict, category: str, lines: list[str], a: int, b: int, edited: Tagged,
           rng: random.Random) -> dict | None:
    """Write old_string / new_string with the category's drift; the file text; the expected file."""
    old: Tagged = [(line, i) for i, line in enumerate(lines[a:b])]
    new: Tagged = list(edited)
    file_lines = list(lines)
    target = (a, b)  # 0-based, end exclusive, in the final file

    def each(fn) -> None:
        nonlocal old, new
        old = [(fn(line), i) for line, i in old]
        new = [(fn(line), i) for line, i in new]

    if category == "indentation shifted":
        indents = [_indent(line) for line, _ in old if line.strip()]
        common = os.path.commonprefix(indents)
        if common and rng.random() < 0.6:
            each(lambda s: s[len(common):] if s.startswith(common) else s.lstrip(" \t"))
        else:
            step = "\t" if common.startswith("\t") else " " * _unit(lines)
            each(lambda s: step + s if s.strip() else s)
    elif category == "tabs↔spaces":
        if any(_indent(line).startswith("\t") for line, _ in old):
            each(lambda s: _indent(s).replace("\t", "    ") + s.lstrip(" \t"))
        else:
            unit = _unit(lines)
            each(lambda s: _indent(s).replace(" " * unit, "\t") + s.lstrip(" \t"))
    elif category == "trailing whitespace":
        picks = rng.sample(range(len(old)), k=min(len(old), rng.randint(1, 3)))
        picked = {old[k][1] for k in picks}
        if rng.random() < 0.5:  # the quote has spaces the file lacks
            pad = rng.choice([" ", "  ", "\t"])
            each_tag = {t for t in picked if t is not None}
            old = [(line + pad if i in each_tag else line, i) for line, i in old]
            new = [(line + pad if i in each_tag else line, i) for line, i in new]
        else:  # the file has spaces the quote lacks
            for t in picked:
                if t is not None and lines[a + t].strip():
                    file_lines[a + t] = lines[a + t] + "  "
    elif category == "blank line dropped":
        blanks = [i for line, i in old if not line.strip()]
        drop = rng.choice(blanks)
        old = [(line, i) for line, i in old if i != drop]
        new = [(line, i) for line, i in new if i != drop]
    elif category == "blank line added":
        spots = [k for k in range(len(old) - 1) if old[k][0].strip() and old[k + 1][0].strip()]
        if not spots:
            return None
        after = old[rng.choice(spots)][1]
        old = [x for line, i in old for x in ([(line, i), ("", None)] if i == after else [(line, i)])]
        if not any(i == after for _, i in new):
            return None
        new = [x for line, i in new for x in ([(line, i), ("", None)] if i == after else [(line, i)])]
    elif category == "elided ...":
        kept = {i for _, i in new if i is not None}
        runs, run = [], []
        for k in range(1, len(old) - 1):  # never the first or last line
            i = old[k][1]
            if i in kept and old[k][0].strip():
                run.append(k)
            else:
                if len(run) >= 2:
                    runs.append(run)
                run = []
        if len(run) >= 2:
            runs.append(run)
        if not runs:
            return None
        run = rng.choice(runs)
        lo = rng.randrange(run[0], run[-1])
        hi = rng.randint(lo + 1, run[-1])
        elided = {old[k][1] for k in range(lo, hi + 1)}
        marker = _indent(old[lo][0]) + "..."

        def elide(seq: Tagged) -> Tagged | None:
            out, done = [], False
            for line, i in seq:
                if i in elided:
                    if not done:
                        out.append((marker, None))
                        done = True
                    continue
                out.append((line, i))
            return out

        # the elided lines must be one unbroken run in new_string too
        positions = [k for k, (_, i) in enumerate(new) if i in elided]
        if positions != list(range(positions[0], positions[0] + len(positions))):
            return None
        old, new = elide(old), elide(new)
    elif category == "ambiguous":
        copy = lines[a:b]
        file_lines = lines[:b] + copy + lines[b:]
        if rng.random() < 0.5:
            target = (b, b + (b - a))
        case["copies"] = [(a + 1, b), (b + 1, b + (b - a))]
    elif category == "stale":
        stale = _stale_line([line for line, _ in old], rng)
        if stale is None:
            return None
        remembered = {i: line for line, (_, i) in zip(stale, old, strict=True)}
        old = [(remembered[i], i) for _, i in old]
        # new_string: the model's edit made to what it remembers
        new = [(remembered[i] if i is not None and line == lines[a + i] else line, i) for line, i in new]
    old_s = "\n".join(line for line, _ in old) + "\n"
    new_s = "\n".join(line for line, _ in new) + "\n"
    if old_s == new_s:
        return None
    if category not in ("exact", "ambiguous", "CRLF") and old_s == "\n".join(file_lines[a:b]) + "\n":
        return None  # the drift changed nothing here (e.g. no indentation to convert)
    # The expected file: the target block replaced by the edit in the file's formatting.
    edit_lines = [file_lines[target[0] + i] if i is not None else line for line, i in edited]
    expected_lines = file_lines[: target[0]] + edit_lines + file_lines[target[1] :]
    eol = "\r\n" if category == "CRLF" else "\n"
    text = eol.join(file_lines)
    case.update({
        "text": text, "old": old_s, "new": new_s,
        "expected": None if category == "stale" else eol.join(expected_lines),
        "target": (target[0] + 1, target[1]),
    })
    if category != "stale" and case["expected"] == text:
        return None
    if category == "stale" and (old_s in text or _fits_loosely(text, old_s)):
        return None
    if category == "elided ..." and _placements(text, old_s) != 1:
        return None  # the lines kept around `...` fit more than one way: no unique answer
    return case


def _placements(text: str, snippet: str, limit: int = 2) -> int:
    """In how many ways the `...`-separated parts of a snippet fit the file, in order, each on
    consecutive non-blank lines (whitespace ignored); counted up to `limit`."""
    have = [s.strip() for s in text.split("\n") if s.strip()]
    parts: list[list[str]] = [[]]
    for line in snippet.split("\n"):
        if line.strip() == "...":
            parts.append([])
        elif line.strip():
            parts[-1].append(line.strip())
    starts = [[i for i in range(len(have) - len(p) + 1) if have[i : i + len(p)] == p] for p in parts]

    def count(j: int, lo: int) -> int:
        total = 0
        for i in starts[j]:
            if i < lo:
                continue
            total += 1 if j + 1 == len(parts) else count(j + 1, i + len(parts[j]))
            if total >= limit:
                break
        return total

    return count(0, 0)


def _fits_loosely(text: str, snippet: str) -> bool:
    """old_string occurs ignoring indentation, trailing whitespace and blank lines."""
    want = [s.strip() for s in snippet.split("\n") if s.strip()]
    have = [s.strip() for s in text.split("\n") if s.strip()]
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def build_cases(roots: dict[str, Path], per_category: int, seed: int) -> list[dict]:
    builder = Builder(roots, seed)
    builder.find_tab_files()
    cases: list[dict] = []
    names = list(roots)
    for category in CATEGORIES:
        made, tries = 0, 0
        while made < per_category and tries < per_category * 200:
            corpus = names[(made + tries) % len(names)]
            tries += 1
            try:
                case = builder.case(category, corpus)
            except (ValueError, IndexError):
                case = None
            if case is not None:
                case["id"] = len(cases)
                cases.append(case)
                made += 1
    return cases


# ---- the two matchers --------------------------------------------------------------------------


def run_treewright(cases: list[dict]) -> list[dict]:
    from treewright.edits.matching import Ambiguous, NotFound, locate, refusal_message, splice

    out = []
    for case in cases:
        started = time.perf_counter()
        found = locate(case["text"], case["old"], case["new"])
        result = splice(case["text"], found) if isinstance(found, list) else None
        seconds = time.perf_counter() - started
        pointing = False
        if isinstance(found, Ambiguous):
            spans = set(found.lines)
            pointing = all(first in spans for first, _ in case.get("copies", [case["target"]]))
        elif isinstance(found, NotFound) and found.start_line is not None:
            pointing = _overlap((found.start_line, found.end_line), tuple(case["target"]))
        message = None if isinstance(found, list) else refusal_message(found, case["path"])
        out.append({"id": case["id"], "outcome": score(case, result), "pointing": pointing,
                    "exact": result is not None and result == case["expected"], "seconds": seconds,
                    "how": type(found).__name__ if not isinstance(found, list) else "Match",
                    "message": message})
    return out


def run_aider(cases: list[dict]) -> list[dict]:
    """Under bench/.aider-venv's Python: aider's do_replace, as EditBlockCoder.apply_edits calls it."""
    import warnings

    warnings.simplefilter("ignore")
    from aider.coders.editblock_coder import DEFAULT_FENCE, do_replace, find_similar_lines

    out = []
    for case in cases:
        started = time.perf_counter()
        try:
            result = do_replace(case["path"], case["text"], case["old"], case["new"], DEFAULT_FENCE)
        except Exception as e:  # a crash counts as a refusal without a message
            result = None
            print(f"aider raised on case {case['id']}: {e!r}", file=sys.stderr)
        seconds = time.perf_counter() - started
        pointing = False
        message = None
        if result is None:
            # apply_edits then reports "SearchReplaceNoExactMatch" with these lines, if any
            similar = find_similar_lines(case["old"], case["text"])
            message = similar
            want = set(s.strip() for s in case["text"].split("\n")[case["target"][0] - 1 : case["target"][1]]
                       if s.strip())
            got = [s.strip() for s in similar.split("\n") if s.strip()]
            pointing = bool(got) and sum(s in want for s in got) >= len(got) / 2
        out.append({"id": case["id"], "outcome": score(case, result), "pointing": pointing,
                    "exact": result is not None and result == case["expected"], "seconds": seconds,
                    "how": "Match" if result is not None else "None", "message": message})
    return out


# ---- report ------------------------------------------------------------------------------------


def tally(cases: list[dict], outcomes: list[dict]) -> dict[str, dict[str, int]]:
    by_id = {o["id"]: o for o in outcomes}
    table: dict[str, Counter] = {c: Counter() for c in CATEGORIES}
    for case in cases:
        o = by_id[case["id"]]
        t = table[case["category"]]
        t[o["outcome"]] += 1
        t["exact"] += o["exact"]
        t["pointing"] += o["outcome"] == "refused" and o["pointing"]
    keys = ("correct", "refused", "wrong", "exact", "pointing")
    return {c: {k: t[k] for k in keys} for c, t in table.items()}


def report(cases: list[dict], scores: dict[str, dict], corpora: list[str], command: str,
           timing: dict[str, float]) -> str:
    import importlib.metadata as md

    import results_md

    per_corpus = Counter(c["corpus"] for c in cases)
    langs = Counter(c["lang"] for c in cases)
    aider = ""
    if "aider" in scores:
        import aider_env

        aider = f", aider-chat {aider_env.versions()['aider-chat']} (bench/.aider-venv)"
    lines = [
        f"Command: `{command}`, {time.strftime('%Y-%m-%d %H:%M')}; {results_md.machine()}, "
        f"treewright {md.version('treewright')}{aider}. {len(cases)} cases from "
        + ", ".join(f"{k} {v}" for k, v in per_corpus.most_common())
        + " (" + ", ".join(f"{k} {v}" for k, v in langs.most_common()) + ").",
        "",
        "| category | cases | Treewright correct / refused (pointing) / wrong | Aider correct / refused "
        "(pointing) / wrong | Treewright wrong = 0 | Treewright correct ≥ Aider's | byte-identical, "
        "Treewright / Aider |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    total = Counter()
    for cat in CATEGORIES:
        tw, ai = scores["treewright"][cat], scores.get("aider", {}).get(cat)
        n = tw["correct"] + tw["refused"] + tw["wrong"]
        total["n"] += n

        def cell(s):
            return f"{s['correct']} / {s['refused']} ({s['pointing']}) / {s['wrong']}"

        better = "" if ai is None else ("n/a (no unique answer)" if cat not in UNIQUE else
                                        ("✓" if tw["correct"] >= ai["correct"] else "✗"))
        identical = f"{tw['exact']} / {ai['exact'] if ai else '—'}"
        lines.append(f"| {cat} | {n} | {cell(tw)} | {cell(ai) if ai else '—'} | "
                     f"{'✓' if tw['wrong'] == 0 else '✗'} | {better} | {identical} |")
        for tool, s in scores.items():
            for k in ("correct", "refused", "wrong", "exact"):
                total[f"{tool}:{k}"] += s[cat][k]
    row = ["| all | " + str(total["n"])]
    for tool in ("treewright", "aider"):
        if tool in scores:
            row.append(f"{total[tool + ':correct']} / {total[tool + ':refused']} / {total[tool + ':wrong']}")
        else:
            row.append("—")
    identical = " / ".join(str(total[f"{tool}:exact"]) if tool in scores else "—"
                           for tool in ("treewright", "aider"))
    lines.append(" | ".join(row) + f" |  |  | {identical} |")
    lines.append("")
    medians = ", ".join(f"{k} {v * 1000:.2f} ms" for k, v in timing.items())
    lines.append(f"Time per case, median: {medians}.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpora", nargs="*", help="names from bench/corpus.py (default: all)")
    parser.add_argument("--corpus", type=Path, help="one folder instead of named corpora")
    parser.add_argument("--per-category", type=int, default=210)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--no-aider", action="store_true")
    parser.add_argument("--raw-dir", type=Path, default=HERE / ".results", help="where raw JSON goes")
    parser.add_argument("--results", type=Path, help="write the table into this Markdown file's section")
    parser.add_argument("--plot", type=Path, help="redraw the ratios PNG with this run's scores")
    parser.add_argument("--aider-cases", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--aider-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.aider_cases:
        cases = [json.loads(line) for line in args.aider_cases.read_text().splitlines()]
        args.aider_out.write_text(json.dumps(run_aider(cases)))
        return 0

    if args.corpus is not None:
        roots = {args.corpus.name: args.corpus.resolve()}
    else:
        from corpus import DEFAULT, fetch

        roots = {name: fetch(name) for name in (args.corpora or DEFAULT)}
    cases = build_cases(roots, args.per_category, args.seed)
    print(f"{len(cases)} cases", file=sys.stderr, flush=True)
    outcomes = {"treewright": run_treewright(cases)}
    if not args.no_aider:
        import aider_env

        py = aider_env.ensure()
        with tempfile.TemporaryDirectory() as tmp:
            path, out = Path(tmp, "cases.jsonl"), Path(tmp, "aider.json")
            path.write_text("\n".join(json.dumps(c) for c in cases))
            subprocess.run([str(py), __file__, "--aider-cases", str(path), "--aider-out", str(out)],
                           check=True)
            outcomes["aider"] = json.loads(out.read_text())
    scores = {tool: tally(cases, o) for tool, o in outcomes.items()}
    timing = {tool: sorted(x["seconds"] for x in o)[len(o) // 2] for tool, o in outcomes.items()}
    command = "python bench/matching_bench.py " + " ".join(sys.argv[1:])
    text = report(cases, scores, list(roots), command.strip(), timing)
    print(text)
    args.raw_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (args.raw_dir / f"matching-{stamp}.json").write_text(json.dumps(
        {"categories": CATEGORIES, "scores": scores, "total": len(cases), "timing": timing}, indent=1))
    by_id = {c["id"]: c for c in cases}
    with open(args.raw_dir / f"matching-{stamp}-notcorrect.jsonl", "w") as f:
        for tool, o in outcomes.items():
            for x in o:
                c = by_id[x["id"]]
                if x["outcome"] == "wrong" or (x["outcome"] == "refused" and c["category"] in UNIQUE):
                    f.write(json.dumps({"tool": tool, **x, **{k: c[k] for k in (
                        "category", "corpus", "path", "old", "new", "target")}}) + "\n")
    if args.results:
        import results_md

        results_md.replace_section(args.results, "matching", text)
    if args.plot and not args.no_aider:
        import aider_env

        subprocess.run([str(aider_env.python()), str(HERE / "plot.py"), "--out", str(args.plot),
                        "--matching", str(args.raw_dir / f"matching-{stamp}.json")], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
