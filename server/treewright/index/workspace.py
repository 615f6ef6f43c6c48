"""The index of one workspace folder: files, their tags, and lookups over them.

One instance is shared by every request. `build()` brings it up to date with the disk
(walk, compare with the cache, parse what changed on all cores, store); lookups may run
while it builds and see what is indexed so far. Open documents override the disk copy.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from treewright.foreground import step_aside
from treewright.index import analyze
from treewright.index.cache import IndexCache
from treewright.index.document import Document
from treewright.index.languages import grammars_dir
from treewright.index.parse_workers import ParseWorkers
from treewright.index.records import StoredFile
from treewright.index.symbols import NameIndex, SymbolTable
from treewright.index.tags import Definition, Reference
from treewright.index.walk import WalkedFile, walk
from treewright.long_lived import building_long_lived

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# A worker task holds up to this many files or bytes: large enough to amortise the
# inter-process overhead, small enough that progress moves and every core stays busy to
# the end.
_BATCH = 24
_BATCH_BYTES = 256 * 1024


@dataclass(slots=True)
class IndexedFile:
    rel: str
    language: str | None
    status: str
    hash: str
    size: int
    mtime_ns: int
    definitions: list[Definition] = field(default_factory=list)
    ref_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildStats:
    files: int
    parsed: int  # files parsed in this build (not taken from the cache)
    symbols: int
    ms: float


@functools.cache
def grammar_fingerprint() -> str:
    """Changes whenever a tags query, the language table or the grammar package changes."""
    import tree_sitter_language_pack

    digest = hashlib.blake2b(digest_size=8)
    digest.update(getattr(tree_sitter_language_pack, "__version__", "").encode())
    for path in sorted(grammars_dir().rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(grammars_dir()).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _batches(files: list[WalkedFile]) -> list[list[tuple[str, int, int]]]:
    """Worker tasks, largest files first: a big file parsed last would leave the other
    cores idle while one finishes it (a 1 MB declaration file decides a small corpus's
    time)."""
    batches: list[list[tuple[str, int, int]]] = []
    batch: list[tuple[str, int, int]] = []
    size = 0
    for w in sorted(files, key=lambda w: -w.size):
        if batch and (len(batch) == _BATCH or size + w.size > _BATCH_BYTES):
            batches.append(batch)
            batch, size = [], 0
        batch.append((w.rel, w.size, w.mtime_ns))
        size += w.size
    if batch:
        batches.append(batch)
    return batches


class WorkspaceIndex:
    def __init__(
        self,
        root: Path,
        exclude: list[str] | tuple[str, ...] = (),
        max_file_bytes: int = 1 << 20,
        cache_dir: Path | None = None,
    ):
        self.root = root.resolve()
        self.exclude = tuple(exclude)
        self.max_file_bytes = max_file_bytes
        self.cache = IndexCache(cache_dir or self.root / ".treewright", grammar_fingerprint())
        self.files: dict[str, IndexedFile] = {}
        self.symbols = SymbolTable()
        self._documents: dict[str, Document] = {}  # open documents, by relative path
        self._document_defs: dict[str, list[Definition]] = {}  # as in the symbol table
        self.generation = 0  # bumped on every change, for caches derived from the index
        self._lock = threading.RLock()
        self._build_lock = threading.Lock()
        self._closing = False
        self.ready = False

    # ---- building -------------------------------------------------------------------

    def build(
        self,
        progress: Progress | None = None,
        workers: int | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> BuildStats:
        """Bring the index up to date with the files on disk."""
        with self._build_lock, building_long_lived():
            started = time.perf_counter()
            walked = walk(self.root, self.exclude)
            cached = self.cache.load() if not self.files else {}
            to_parse, reused = self._plan(walked, cached)
            with self._lock:
                present = {w.rel for w in walked}
                gone = [rel for rel in self.files if rel not in present]
                for rel in gone:
                    self._forget(rel)
                for c in reused:
                    self._remember(c)
            self.cache.delete_many(gone + [rel for rel in cached if rel not in present])
            total = len(walked)
            done = total - len(to_parse)
            if progress:
                progress(done, total)
            def stop() -> bool:
                return self._closing or cancelled()

            for stored in self._parse(to_parse, workers, stop):
                with self._lock:
                    for s in stored:
                        self._remember(s)
                    snapshot_wanted = self.symbols.wants_snapshot()
                self.cache.put_many(stored)
                if snapshot_wanted:  # someone searches while the index grows
                    self.prepare_search()
                done += len(stored)
                if progress:
                    progress(done, total)
                step_aside()
            self.ready = True
            return BuildStats(
                files=len(self.files),
                parsed=len(to_parse),
                symbols=len(self.symbols),
                ms=(time.perf_counter() - started) * 1000,
            )

    def _plan(
        self, walked: list[WalkedFile], cached: dict[str, StoredFile]
    ) -> tuple[list[WalkedFile], list[StoredFile]]:
        """Split walked files into those to parse and cache rows to reuse as they are."""
        to_parse: list[WalkedFile] = []
        reused: list[StoredFile] = []
        for w in walked:
            known = self.files.get(w.rel) or cached.get(w.rel)
            if known is None:
                to_parse.append(w)
            elif known.size == w.size and known.mtime_ns == w.mtime_ns:
                if isinstance(known, StoredFile):
                    reused.append(known)
            elif self._same_content(w, known.hash):
                # Touched but unchanged (a checkout, a save without edits): no re-parse.
                self.cache.touch(w.rel, w.size, w.mtime_ns)
                if isinstance(known, StoredFile):
                    reused.append(known._replace(size=w.size, mtime_ns=w.mtime_ns))
                else:
                    known.size, known.mtime_ns = w.size, w.mtime_ns
            else:
                to_parse.append(w)
        return to_parse, reused

    def _same_content(self, w: WalkedFile, known_hash: str) -> bool:
        if not known_hash or w.size > self.max_file_bytes:
            return False
        try:
            return analyze.content_hash((self.root / w.rel).read_bytes()) == known_hash
        except OSError:
            return False

    def _parse(self, files: list[WalkedFile], workers: int | None, cancelled):
        """Yield batches of analysed files, in worker processes when it pays."""
        root = str(self.root)
        batches = _batches(files)
        workers = workers or min(os.cpu_count() or 1, 8)
        if workers <= 1 or len(batches) <= 2:
            for batch in batches:
                if cancelled():
                    return
                yield analyze.analyze_batch(root, batch, self.max_file_bytes)
            return
        with ParseWorkers(min(workers, len(batches))) as pool:
            yield from pool.run(root, batches, self.max_file_bytes, cancelled)

    def prepare_search(self) -> None:
        """Index every symbol name for search now (a tenth of a second on django), on the
        calling thread, so that a workspace/symbol on the request loop need not: after a
        build, and during one while someone searches. The lock is held only to copy the
        names and to install the result."""
        with self._lock:
            names = self.symbols.names()
        snapshot = NameIndex(names)
        with self._lock:
            self.symbols.install(snapshot)

    def refresh_file(self, rel: str) -> None:
        """Re-index one file after it changed on disk (a save, a watched-file event)."""
        path = self.root / rel
        try:
            stat = path.stat()
        except OSError:
            self.remove_file(rel)
            return
        stored = analyze.analyze_file(
            str(self.root), rel, stat.st_size, stat.st_mtime_ns, self.max_file_bytes
        )
        with self._lock:
            self._remember(stored)
        self.cache.put_many([stored])

    def remove_file(self, rel: str) -> None:
        with self._lock:
            self._forget(rel)
        self.cache.delete_many([rel])

    def _remember(self, c: StoredFile) -> None:
        self._set(
            IndexedFile(
                c.path, c.language, c.status, c.hash, c.size, c.mtime_ns,
                analyze.decode_definitions(c.definitions),
                analyze.decode_ref_counts(c.ref_counts),
            )
        )

    def _set(self, entry: IndexedFile) -> None:
        old = self.files.get(entry.rel)
        self.files[entry.rel] = entry
        self.generation += 1
        if entry.rel not in self._documents:
            self.symbols.replace_file(entry.rel, old.definitions if old else [], entry.definitions)

    def _forget(self, rel: str) -> None:
        old = self.files.pop(rel, None)
        self.generation += 1
        if old is not None and rel not in self._documents:
            self.symbols.replace_file(rel, old.definitions, [])

    # ---- open documents ---------------------------------------------------------------

    def open_document(self, rel: str, document: Document) -> None:
        """An open document's text and tags take the place of its file's on disk."""
        with self._lock:
            self._documents[rel] = document
        self.document_changed(rel)

    def document(self, rel: str) -> Document | None:
        return self._documents.get(rel)

    def document_changed(self, rel: str) -> None:
        """Call after every edit of an open document, before answering the next request."""
        with self._lock:
            document = self._documents.get(rel)
            if document is None:
                return
            old = self._document_defs.get(rel)
            if old is None:
                disk = self.files.get(rel)
                old = disk.definitions if disk else []
            self.symbols.replace_file(rel, old, document.definitions)
            self._document_defs[rel] = document.definitions
            self.generation += 1

    def close_document(self, rel: str) -> None:
        with self._lock:
            self._documents.pop(rel, None)
            old = self._document_defs.pop(rel, None)
            if old is None:
                return
            disk = self.files.get(rel)
            self.symbols.replace_file(rel, old, disk.definitions if disk else [])
            self.generation += 1

    # ---- lookups ------------------------------------------------------------------------

    def relative(self, path: Path) -> str | None:
        """The workspace-relative POSIX path of `path`, or None when it lies outside."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def paths(self) -> list[str]:
        """Every indexed path, as a snapshot: the index thread may add files meanwhile."""
        with self._lock:
            return list(self.files)

    def definitions_in(self, rel: str) -> list[Definition]:
        with self._lock:
            if rel in self._documents:
                return list(self._documents[rel].definitions)
            entry = self.files.get(rel)
            return list(entry.definitions) if entry else []

    def ref_counts(self) -> dict[str, dict[str, int]]:
        """Per file: how often it references each name (open documents as typed)."""
        with self._lock:
            counts = {rel: f.ref_counts for rel, f in self.files.items() if f.ref_counts}
            documents = list(self._documents.items())
        # Outside the index lock: a document may find its references now, for tens of ms.
        for rel, document in documents:
            step_aside()
            counts[rel] = document.reference_counts()
        return counts

    def all_definitions(self) -> dict[str, list[Definition]]:
        with self._lock:
            result = {rel: f.definitions for rel, f in self.files.items() if f.definitions}
            for rel, document in self._documents.items():
                result[rel] = document.definitions
            return result

    def language_of(self, rel: str) -> str | None:
        document = self._documents.get(rel)
        if document is not None:
            return document.language
        entry = self.files.get(rel)
        return entry.language if entry else None

    def text_lines(self, rel: str) -> list[str]:
        """The lines of a file as the user sees it: the open buffer, else the disk."""
        document = self._documents.get(rel)
        if document is not None:
            data = document.source
        else:
            try:
                data = (self.root / rel).read_bytes()
            except OSError:
                return []
        return data.decode("utf-8", "replace").splitlines()

    def definitions_named(self, name: str) -> list[tuple[str, Definition]]:
        with self._lock:
            return self.symbols.named(name)

    def definers(self, names: Iterable[str]) -> dict[str, list[str]]:
        with self._lock:
            return self.symbols.definers(names)

    def search_symbols(self, query: str, limit: int = 100) -> list[tuple[str, Definition]]:
        with self._lock:
            return self.symbols.search(query, limit)

    def references_to(self, name: str, limit: int = 1000) -> list[tuple[str, Reference]]:
        """Where `name` is referenced, from open documents and the cache."""
        with self._lock:
            documents = dict(self._documents)
            holders = [rel for rel, f in self.files.items() if name in f.ref_counts]
        found: list[tuple[str, Reference]] = []
        for rel, document in documents.items():
            found.extend((rel, r) for r in document.references() if r.name == name)
        for rel in holders:
            if rel in documents:
                continue
            refs = analyze.decode_references(self.cache.refs(rel))
            found.extend((rel, r) for r in refs if r.name == name)
            if len(found) >= limit:
                break
        return found[:limit]

    def close(self) -> None:
        """Stop a build under way, wait for it, and close the cache."""
        self._closing = True
        with self._build_lock:
            self.cache.close()
