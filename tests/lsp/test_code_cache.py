"""The generated-code cache behind the server's start: lsprotocol imported through it in a
fresh interpreter, as `treewright serve` does."""

import json
import subprocess
import sys

from treewright.lsp.code_cache import cached_compile

IMPORT = """
import json, sys
from pathlib import Path
from treewright.lsp.code_cache import cached_compile
with cached_compile(Path(sys.argv[1])) as use:
    from lsprotocol import types
position = types.Position(line=1, character=2)
print(json.dumps({"hits": use.hits, "misses": use.misses,
                  "equal": position == types.Position(1, 2) != types.Position(1, 3),
                  "fields": [position.line, position.character]}))
"""


def _import_lsprotocol(path) -> dict:
    done = subprocess.run([sys.executable, "-c", IMPORT, str(path)], capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_second_start_compiles_almost_nothing_and_classes_behave(tmp_path):
    path = tmp_path / "code.marshal"
    first = _import_lsprotocol(path)
    assert first["hits"] == 0 and first["misses"] > 500
    assert path.exists()
    second = _import_lsprotocol(path)
    assert second["hits"] >= first["misses"] * 0.95
    assert second["misses"] <= first["misses"] * 0.05  # attrs' per-process hash seeds
    assert second["equal"] and second["fields"] == [1, 2]
    assert not list(tmp_path.glob("code.marshal.*"))  # no temporary file left behind


def test_a_damaged_or_unwritable_cache_only_costs_time(tmp_path):
    path = tmp_path / "code.marshal"
    path.write_bytes(b"\x00not marshal")
    damaged = _import_lsprotocol(path)
    assert damaged["hits"] == 0 and damaged["equal"]
    assert _import_lsprotocol(path)["hits"] > 500  # rewritten whole

    blocked = tmp_path / "a file" / "code.marshal"
    (tmp_path / "a file").write_text("not a folder")
    assert _import_lsprotocol(blocked)["equal"]


def test_changed_source_is_compiled_afresh(tmp_path):
    path = tmp_path / "code.marshal"
    with cached_compile(path):
        first = compile("x = 1", "<generated>", "exec")
    with cached_compile(path) as use:
        same = compile("x = 1", "<generated>", "exec")
        changed = compile("x = 2", "<generated>", "exec")
    assert use.hits == 1 and use.misses == 1
    scope: dict = {}
    exec(changed, scope)
    assert scope["x"] == 2
    assert same.co_consts == first.co_consts
