"""The LSP basics end to end: a real server over stdio on a copy of examples/demo."""

from __future__ import annotations

import asyncio
import time

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams


def _names(symbols) -> list[str]:
    return [s.name for s in symbols]


async def test_document_symbols_are_hierarchical(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    symbols = await session.client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=session.uri("inventory/models.py")))
    )
    assert _names(symbols) == ["StockError", "Item", "Warehouse"]
    item = symbols[1]
    assert item.kind == lsp.SymbolKind.Class
    assert {"total_value", "is_low_stock", "to_dict", "from_dict"} <= set(_names(item.children))
    assert all(c.kind == lsp.SymbolKind.Method for c in item.children)
    # The class's name is selected on its own line: `class Item:` after a decorator.
    line = (demo / "inventory/models.py").read_text().splitlines()[item.selection_range.start.line]
    assert line[item.selection_range.start.character : item.selection_range.end.character] == "Item"


async def test_index_reports_progress_and_status(demo, start_server):
    session = await start_server(demo)
    status = await session.wait_ready()
    assert status["files"] >= 10 and status["symbols"] > 40
    assert session.index_status[0]["state"] == "indexing"
    reports = [v for values in session.client.progress_reports.values() for v in values]
    assert isinstance(reports[0], lsp.WorkDoneProgressBegin)
    assert "indexing" in reports[0].title
    assert isinstance(reports[-1], lsp.WorkDoneProgressEnd)


async def test_workspace_symbol_finds_across_files(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    found = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Warehouse"))
    assert found[0].name == "Warehouse"
    assert found[0].location.uri == session.uri("inventory/models.py")
    fuzzy = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="invval"))
    assert "inventory_value" in _names(fuzzy)
    # A method names its class, and its location selects its name.
    [method] = [s for s in await session.client.workspace_symbol_async(
        lsp.WorkspaceSymbolParams(query="to_dict")) if s.name == "to_dict"]
    assert method.kind == lsp.SymbolKind.Method and method.container_name == "Item"
    where = method.location.range
    line = (demo / "inventory/models.py").read_text().splitlines()[where.start.line]
    assert line[where.start.character : where.end.character] == "to_dict"


async def test_definition_across_files(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    uri = await session.open("inventory/cli.py")
    lines = (demo / "inventory/cli.py").read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if "total = order_total(" in line)
    col = lines[row].index("order_total") + 3
    locations = await session.client.text_document_definition_async(
        lsp.DefinitionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(row, col))
    )
    assert locations[0].uri == session.uri("inventory/pricing.py")
    target = (demo / "inventory/pricing.py").read_text().splitlines()[locations[0].range.start.line]
    assert target.startswith("def order_total(")


async def test_syntax_errors_are_published_and_cleared(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    uri = await session.open("broken.py", "def ok():\n    return 1\n\ndef broken(:\n    pass\n")
    await session.client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diagnostics = session.client.diagnostics[uri]
    assert diagnostics and all(d.range.start.line == 3 for d in diagnostics)
    assert diagnostics[0].severity == lsp.DiagnosticSeverity.Error
    session.client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(start=lsp.Position(3, 11), end=lsp.Position(3, 12)), text="x):"
                )
            ],
        )
    )
    await session.client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(session.client.diagnostics[uri]) == []


async def test_did_change_adds_a_function_that_workspace_symbol_finds(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    uri = await session.open("inventory/pricing.py")
    before = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="surcharge_for_rush"))
    assert before == []
    session.client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 0)),
                    text="def surcharge_for_rush(total):\n    return total * 1.1\n\n\n",
                )
            ],
        )
    )
    after = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="surcharge_for_rush"))
    assert [(s.name, s.location.uri, s.location.range.start.line) for s in after] == [
        ("surcharge_for_rush", uri, 0)
    ]
    symbols = await session.client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert symbols[0].name == "surcharge_for_rush"


EMOJI_LINE = 'label = "🦀 crab 蟹" ; def after(): pass\n'
EMOJI_SOURCE = 'def first():\n    return "😀 数据"\n\n' + 'x = "🦀蟹"; y = 1\ndef after_emoji(): pass\n'


@pytest.mark.parametrize(
    ("offered", "expected"),
    [(None, "utf-16"), (["utf-16"], "utf-16"), (["utf-16", "utf-8"], "utf-8"), (["utf-32", "utf-8"], "utf-8")],
)
async def test_position_encoding_negotiation(demo, start_server, offered, expected):
    session = await start_server(demo, encodings=offered)
    assert session.initialize_result.capabilities.position_encoding == expected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_ranges_after_emoji_and_cjk(demo, start_server, encoding):
    session = await start_server(demo, encodings=[encoding])
    source = 'x = "🦀蟹"; y = 1\nclass Crab: pass\nz = ["😀", "数据"]; w = lambda: 0\n'
    # A name after non-ASCII text on the same line: assignments at module level are variables.
    uri = await session.open("crab.py", source)
    symbols = await session.client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    by_name = {s.name: s for s in symbols}
    line0 = source.splitlines()[0]
    prefix = line0[: line0.index("y =")]
    width = len(prefix.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(prefix.encode())
    assert by_name["y"].selection_range.start == lsp.Position(0, width)
    assert by_name["y"].selection_range.end == lsp.Position(0, width + 1)
    # Going the other way: a position after the emoji finds the definition of `y`... via `w`.
    line2 = source.splitlines()[2]
    prefix2 = line2[: line2.index("w =")]
    width2 = len(prefix2.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(prefix2.encode())
    assert by_name["w"].selection_range.start == lsp.Position(2, width2)


async def test_outline_follows_edits_of_every_kind(demo, start_server):
    """Outlines reuse each unchanged symbol's text: that must never show a stale position.
    An edit that moves no byte column but changes the UTF-16 one (`é`, 2 bytes and 1 unit,
    becomes `ab`, 2 bytes and 2 units), a line inserted above, and a rename."""
    session = await start_server(demo, encodings=["utf-16"])
    source = 'x = "é"; y = 1\nclass Crab:\n    def claw(self): pass\n'
    uri = await session.open("crab_edits.py", source)
    version = 1

    async def edit(start, end, text):
        nonlocal version
        version += 1
        session.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(*start), end=lsp.Position(*end)), text=text)]))
        symbols = await session.client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        flat = {}
        for s in symbols:
            flat[s.name] = s.selection_range.start
            for c in s.children or []:
                flat[c.name] = c.selection_range.start
        return flat

    assert await edit((0, 0), (0, 0), "") == {
        "x": lsp.Position(0, 0), "y": lsp.Position(0, 9), "Crab": lsp.Position(1, 6), "claw": lsp.Position(2, 8)}
    assert (await edit((0, 5), (0, 6), "ab"))["y"] == lsp.Position(0, 10)
    moved = await edit((0, 0), (0, 0), "import os\n")
    assert moved == {"x": lsp.Position(1, 0), "y": lsp.Position(1, 10), "Crab": lsp.Position(2, 6),
                     "claw": lsp.Position(3, 8)}
    assert set(await edit((3, 8), (3, 12), "pincer")) == {"x", "y", "Crab", "pincer"}


async def test_workspace_symbol_columns_in_files_on_disk(demo, start_server):
    """Columns of definitions in unopened files: bytes where the file is ASCII, code units
    after non-ASCII text (and bytes on the file's ASCII lines), and still right after a file
    gains or loses an emoji on disk."""
    (demo / "plain.py").write_text("x = 1; y_plain_marker = 2\n")
    (demo / "fancy.py").write_text('x = "🦀蟹"; y_fancy_marker = 2\nw = 0; z_fancy_ascii = 3\n')
    session = await start_server(demo, encodings=["utf-16"])
    await session.wait_ready()

    async def column(name: str) -> int:
        found = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=name))
        (symbol,) = [s for s in found if s.name == name]
        return symbol.location.range.start.character

    for _ in range(2):  # the second answer comes from what the first read learnt
        assert await column("y_plain_marker") == len("x = 1; ")
        assert await column("y_fancy_marker") == len('x = "🦀蟹"; '.encode("utf-16-le")) // 2
        assert await column("z_fancy_ascii") == len("w = 0; ")
    (demo / "plain.py").write_text('x = "🦀"; y_plain_marker = 2\n')
    (demo / "fancy.py").write_text('x = "ab"; y_fancy_marker = 2\n')
    await session.client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="treewright.reindex"))
    assert await column("y_plain_marker") == len('x = "🦀"; '.encode("utf-16-le")) // 2
    assert await column("y_fancy_marker") == len('x = "ab"; ')


async def test_bad_requests_get_errors_and_the_server_lives_on(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    client = session.client
    with pytest.raises(JsonRpcInvalidParams, match="Unknown document"):
        await client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=session.uri("nope.py")))
        )
    # A change to a document that was never opened is ignored.
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=session.uri("ghost.py"), version=3),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="def ghost(): pass\n")],
        )
    )
    uri = await session.open("inventory/pricing.py")
    # Positions past the end of the line and of the file are clamped, not fatal.
    ranges = await client.text_document_selection_range_async(
        lsp.SelectionRangeParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            positions=[lsp.Position(2, 500), lsp.Position(10_000, 3)],
        )
    )
    assert len(ranges) == 2
    none = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(10_000, 0))
    )
    assert none == []
    with pytest.raises(JsonRpcInvalidParams):
        await client.protocol.send_request_async("treewright/repoMap", {"tokens": "many"})
    # Still alive and correct.
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert "order_total" in _names(symbols)


async def test_empty_workspace(tmp_path, start_server):
    empty = tmp_path / "empty"
    empty.mkdir()
    session = await start_server(empty)
    status = await session.wait_ready()
    assert status["files"] == 0
    assert await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="x")) == []


async def test_folding_and_repo_map(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    uri = session.uri("inventory/models.py")
    folds = await session.client.text_document_folding_range_async(
        lsp.FoldingRangeParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    lines = (demo / "inventory/models.py").read_text().splitlines()
    class_row = next(i for i, line in enumerate(lines) if line.startswith("class Warehouse"))
    assert any(f.start_line == class_row and f.end_line > class_row + 5 for f in folds)
    result = await session.client.protocol.send_request_async("treewright/repoMap", {"tokens": 300})
    assert 0 < result.tokens <= 300
    assert "inventory/models.py:" in result.text


async def test_reindex_command_counts_files(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    (demo / "inventory" / "extra.py").write_text("def brand_new_helper():\n    return 42\n")
    started = time.perf_counter()
    result = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="treewright.reindex")
    )
    assert result["files"] >= 11 and result["symbols"] > 40
    assert time.perf_counter() - started < 30
    found = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="brand_new_helper"))
    assert [s.name for s in found] == ["brand_new_helper"]


async def test_saved_file_is_reindexed(demo, start_server):
    session = await start_server(demo)
    await session.wait_ready()
    path = demo / "inventory" / "storage.py"
    path.write_text(path.read_text() + "\n\ndef saved_later():\n    pass\n")
    session.client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=session.uri("inventory/storage.py")))
    )
    await asyncio.sleep(0)  # notifications are handled in order; the next request sees it
    found = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="saved_later"))
    assert [s.name for s in found] == ["saved_later"]


async def test_invalid_settings_warn_by_name_and_use_defaults(demo, start_server):
    session = await start_server(demo, options={"maxTokens": "lots", "index": {"maxFileBytes": -5}})
    await session.wait_ready()
    warnings = [m.message for m in session.client.messages if m.type == lsp.MessageType.Warning]
    assert any("'maxTokens'" in w and "8192" in w for w in warnings)
    assert any("'index.maxFileBytes'" in w for w in warnings)
    symbols = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Warehouse"))
    assert symbols  # indexing went on with the defaults


async def test_files_completes_mentions_from_the_index(demo, start_server):
    (demo / ".env").write_text("API_TOKEN=hunter2\n")
    (demo / "inventory" / "models_old.txt").write_text("notes\n")
    session = await start_server(demo)
    await session.wait_ready()
    request = session.client.protocol.send_request_async
    result = await request("treewright/files", {"query": "models"})
    paths = [f.path for f in result.files]
    # The file named `models` first, then names starting with it, then names containing it.
    assert paths[:3] == ["inventory/models.py", "inventory/models_old.txt", "tests/test_models.py"]
    assert result.files[0].uri == session.uri("inventory/models.py")
    assert result.total == len(paths)
    assert [f.path for f in (await request("treewright/files", {"query": "invpri"})).files] == [
        "inventory/pricing.py"
    ]
    listed = await request("treewright/files", {"limit": 500})
    assert ".env" not in [f.path for f in listed.files]  # secrets are never offered
    assert len(listed.files) == listed.total >= 10
    with pytest.raises(JsonRpcInvalidParams):
        await request("treewright/files", {"query": "x", "limit": 0})


async def test_errors_that_answer_a_request_are_one_log_line_not_a_traceback(demo, start_server, capfd):
    session = await start_server(demo)
    for params in ({"tokens": "many"}, {"tokens": -1}):
        with pytest.raises(JsonRpcInvalidParams):
            await session.client.protocol.send_request_async("treewright/repoMap", params)
    await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="x"))  # flushes the log
    err = capfd.readouterr().err
    assert err.count("answered with an error: tokens must be a positive whole number") == 2
    assert "Traceback" not in err and "ERROR" not in err
