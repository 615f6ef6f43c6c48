"""Turn one file on disk into a storable index record (runs in worker processes).

Parse workers import this module: what it imports, every worker pays for in memory.
"""

from __future__ import annotations

import marshal
from _blake2 import blake2b  # hashlib's own; hashlib would load OpenSSL: 3.6 MB per worker
from collections import Counter
from pathlib import Path

from treewright.index.languages import language_for_path, new_parser
from treewright.index.records import StoredFile
from treewright.index.tags import Definition, FileTags, Reference, SyntaxError_, extract

# Statuses of a file in the index; only PARSED files have tags.
PARSED = "parsed"
UNSUPPORTED = "unsupported"  # no grammar for it
BINARY = "binary"
TOO_LARGE = "too-large"
UNREADABLE = "unreadable"

_parsers: dict = {}


def content_hash(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


def parse_tags(language: str, data: bytes) -> FileTags:
    parser = _parsers.get(language)
    if parser is None:
        parser = _parsers[language] = new_parser(language)
    return extract(language, parser.parse(data))


def encode(tags: FileTags) -> tuple[bytes, bytes, bytes, bytes]:
    """(definitions, reference counts, references, errors) as marshalled blobs."""
    counts = Counter(r.name for r in tags.references)
    return (
        marshal.dumps([tuple(d) for d in tags.definitions]),
        marshal.dumps(dict(counts)),
        marshal.dumps([tuple(r) for r in tags.references]),
        marshal.dumps([tuple(e) for e in tags.errors]),
    )


def decode_definitions(blob: bytes | None) -> list[Definition]:
    return [Definition._make(t) for t in marshal.loads(blob)] if blob else []


def decode_ref_counts(blob: bytes | None) -> dict[str, int]:
    return marshal.loads(blob) if blob else {}


def decode_references(blob: bytes | None) -> list[Reference]:
    return [Reference._make(t) for t in marshal.loads(blob)] if blob else []


def decode_errors(blob: bytes | None) -> list[SyntaxError_]:
    return [SyntaxError_._make(t) for t in marshal.loads(blob)] if blob else []


def analyze_file(root: str, rel: str, size: int, mtime_ns: int, max_bytes: int) -> StoredFile:
    language = language_for_path(rel)
    if size > max_bytes:
        return StoredFile(rel, "", size, mtime_ns, language, TOO_LARGE, None, None, None, None)
    try:
        data = (Path(root) / rel).read_bytes()
    except OSError:
        return StoredFile(rel, "", size, mtime_ns, language, UNREADABLE, None, None, None, None)
    digest = content_hash(data)
    if is_binary(data):
        return StoredFile(rel, digest, size, mtime_ns, None, BINARY, None, None, None, None)
    if language is None:
        return StoredFile(rel, digest, size, mtime_ns, None, UNSUPPORTED, None, None, None, None)
    try:
        definitions, ref_counts, refs, errors = encode(parse_tags(language, data))
    except Exception as e:  # a broken grammar or query must cost one file, not the index
        import logging  # only now: workers otherwise never need it

        logging.getLogger(__name__).warning("cannot parse %s as %s: %s", rel, language, e)
        return StoredFile(rel, digest, size, mtime_ns, language, UNREADABLE, None, None, None, None)
    return StoredFile(
        rel, digest, size, mtime_ns, language, PARSED, definitions, ref_counts, refs, errors
    )


def analyze_batch(root: str, batch: list[tuple[str, int, int]], max_bytes: int) -> list[StoredFile]:
    return [analyze_file(root, rel, size, mtime, max_bytes) for rel, size, mtime in batch]
