"""LSP handlers: each turns a request into index lookups and the answer into LSP types."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from treewright.agent.safety import is_secret
from treewright.index.paths import search_paths
from treewright.index.structure import folding_ranges, name_at, selection_chain
from treewright.lsp import convert
from treewright.lsp.server import Folder, OpenDocument, TreewrightServer

log = logging.getLogger(__name__)

# Editors filter further as the user types; more results only cost file reads.
WORKSPACE_SYMBOL_LIMIT = 100
FILES_LIMIT, FILES_LIMIT_MAX = 50, 500
REINDEX_COMMAND = "treewright.reindex"


def register(server: TreewrightServer) -> None:
    @server.feature(lsp.INITIALIZE)
    def initialize(ls: TreewrightServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict):
            ls.ui = options.get("ui") if isinstance(options.get("ui"), str) else None
            settings = options.get("settings", options)
        else:
            settings = None
        ls.apply_settings(settings)
        uris = [f.uri for f in params.workspace_folders or []]
        if not uris and params.root_uri:
            uris = [params.root_uri]
        for uri in uris:
            ls.add_folder(uri)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: TreewrightServer, params: lsp.InitializedParams) -> None:
        for message in ls.pending_warnings:
            ls.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=message)
            )
        ls.pending_warnings.clear()
        ls.start_indexing()
        await _watch_files(ls)

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: TreewrightServer, params: None) -> None:
        await ls.close_turns()
        for folder in ls.folders:
            folder.index.close()

    # ---- document sync ------------------------------------------------------------------

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TreewrightServer, params: lsp.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        _publish_errors(ls, ls.open_document(doc.uri, doc.version, doc.text))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TreewrightServer, params: lsp.DidChangeTextDocumentParams) -> None:
        opened = ls.documents.get(params.text_document.uri)
        if opened is None:
            log.warning("didChange for %s, which is not open: ignored", params.text_document.uri)
            return
        document = opened.document
        for change in params.content_changes:
            if isinstance(change, lsp.TextDocumentContentChangePartial):
                start = ls.to_point(document.line_bytes, change.range.start)
                end = ls.to_point(document.line_bytes, change.range.end)
                if end < start:
                    start, end = end, start
                document.edit(start, end, change.text.encode("utf-8", "surrogatepass"))
            else:
                document.replace(change.text.encode("utf-8", "surrogatepass"))
        opened.version = params.text_document.version
        if opened.folder is not None and opened.rel is not None:
            opened.folder.index.document_changed(opened.rel)
        _publish_errors(ls, opened)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TreewrightServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.close_document(params.text_document.uri)
        ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TreewrightServer, params: lsp.DidSaveTextDocumentParams) -> None:
        _refresh_path(ls, to_fs_path(params.text_document.uri))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: TreewrightServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = to_fs_path(change.uri)
            if change.type == lsp.FileChangeType.Deleted:
                folder, rel = ls.folder_of(Path(path)) if path else (None, None)
                if folder is not None:
                    folder.index.remove_file(rel)
            else:
                _refresh_path(ls, path)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: TreewrightServer, params: lsp.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings.get("treewright") if isinstance(params.settings, dict) else None
        workspace = ls.client_capabilities.workspace
        if workspace is not None and workspace.configuration:
            try:
                answer = await ls.workspace_configuration_async(
                    lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="treewright")])
                )
                settings = answer[0] if answer else settings
            except Exception as e:  # a client that fails to answer keeps the old settings
                log.warning("workspace/configuration failed: %s", e)
                return
        ls.apply_settings(settings)

    # ---- symbols and navigation -----------------------------------------------------------

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: TreewrightServer, params: lsp.DocumentSymbolParams):
        document = ls.document_for(params.text_document.uri)
        columns = convert.document_columns(document, ls.encoding, every_definition=True)
        opened = ls.documents.get(params.text_document.uri)
        outline = opened.outline if opened is not None else convert.Outline()
        return outline.render(document.definitions, columns)

    @server.feature(lsp.WORKSPACE_SYMBOL)
    def workspace_symbol(ls: TreewrightServer, params: lsp.WorkspaceSymbolParams):
        results = []
        columns: dict[str, convert.Columns | None] = {}  # each file read once per request
        for folder in ls.folders:
            for rel, d in folder.index.search_symbols(params.query, WORKSPACE_SYMBOL_LIMIT):
                uri = ls.uri_of(folder, rel)
                if uri not in columns:
                    columns[uri] = ls.file_columns(uri, folder, rel)
                results.append(convert.workspace_symbol(uri, d, columns[uri]))
        return convert.JsonText("[" + ",".join(results[:WORKSPACE_SYMBOL_LIMIT]) + "]")

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: TreewrightServer, params: lsp.DefinitionParams):
        uri = params.text_document.uri
        document = ls.document_for(uri)
        if document.tree is None:
            return []
        at = ls.to_point(document.line_bytes, params.position)
        name = name_at(document.tree, at)
        if not name:
            return []
        path = to_fs_path(uri)
        here_folder, here_rel = ls.folder_of(Path(path)) if path else (None, None)
        candidates: list[tuple[tuple, str, object]] = []
        for folder in ls.folders:
            for rel, d in folder.index.definitions_named(name):
                candidates.append((_closeness(folder, rel, d, here_folder, here_rel, at), folder, rel, d))
        if here_folder is None:  # a file outside every folder still finds its own definitions
            for d in document.definitions:
                if d.name == name:
                    candidates.append(((0, abs(d.start[0] - at[0])), None, None, d))
        candidates.sort(key=lambda c: c[0])
        locations = []
        for _, folder, rel, d in candidates:
            target = uri if folder is None else ls.uri_of(folder, rel)
            columns = ls.file_columns(target, folder, rel)
            locations.append(
                lsp.Location(uri=target, range=convert.range_(d.name_start, d.name_end, columns))
            )
        return locations

    @server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(ls: TreewrightServer, params: lsp.FoldingRangeParams):
        document = ls.document_for(params.text_document.uri)
        if document.tree is None:
            return []
        return [
            lsp.FoldingRange(
                start_line=start,
                end_line=end,
                kind=lsp.FoldingRangeKind.Comment if kind == "comment" else None,
            )
            for start, end, kind in folding_ranges(document.tree)
        ]

    @server.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
    def selection_range(ls: TreewrightServer, params: lsp.SelectionRangeParams):
        document = ls.document_for(params.text_document.uri)
        columns = convert.columns(document.line_bytes, ls.encoding)
        results = []
        for pos in params.positions:
            at = ls.to_point(document.line_bytes, pos)
            chain = selection_chain(document.tree, at) if document.tree is not None else []
            if not chain:
                chain = [(at, at)]
            parent = None
            for start, end in reversed(chain):
                parent = lsp.SelectionRange(
                    range=convert.range_(start, end, columns),
                    parent=parent,
                )
            results.append(parent)
        return results

    # ---- commands and Treewright methods -------------------------------------------------------

    @server.command(REINDEX_COMMAND)
    async def reindex(ls: TreewrightServer, *args) -> dict:
        totals = {"files": 0, "symbols": 0, "ms": 0.0}
        for folder in ls.folders:
            if folder.indexing is not None and not folder.indexing.done():
                await folder.indexing
            folder.indexing = None
            result = await ls.index_folder(folder)
            for key in totals:
                totals[key] += result[key]
        totals["ms"] = round(totals["ms"], 1)
        return totals

    @server.feature("treewright/repoMap")
    def repo_map(ls: TreewrightServer, params) -> dict:
        tokens = _param(params, "tokens", 1024)
        if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens <= 0:
            raise JsonRpcInvalidParams("tokens must be a positive whole number")
        if not ls.folders:
            return {"text": "", "files": 0, "tokens": 0}
        focus = [o.rel for o in ls.documents.values() if o.folder is ls.folders[0] and o.rel]
        result = ls.folders[0].mapper.build(tokens=tokens, focus=focus)
        return {"text": result.text, "files": result.files, "tokens": result.tokens}

    @server.feature("treewright/files")
    def files(ls: TreewrightServer, params) -> dict:
        query = _param(params, "query", "")
        limit = _param(params, "limit", FILES_LIMIT)
        if not isinstance(query, str):
            raise JsonRpcInvalidParams("query must be a string")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= FILES_LIMIT_MAX:
            raise JsonRpcInvalidParams(f"limit must be a whole number from 1 to {FILES_LIMIT_MAX}")
        many = len(ls.folders) > 1
        shown: dict[str, tuple[Folder, str]] = {}
        for folder in ls.folders:
            for rel in folder.index.paths():
                if not is_secret(rel):
                    shown[f"{folder.root.name}/{rel}" if many else rel] = (folder, rel)
        best, total = search_paths(shown, query, limit)
        return {
            "files": [{"uri": ls.uri_of(*shown[path]), "path": path} for path in best],
            "total": total,
        }


# ---- helpers ---------------------------------------------------------------------------------


def _param(params, name: str, default):
    if params is None:
        return default
    if isinstance(params, dict):
        return params.get(name, default)
    return getattr(params, name, default)


def _closeness(folder: Folder, rel: str, d, here_folder, here_rel, at) -> tuple:
    """Sort key for a definition: the same file (nearest first), then the nearest folder."""
    if folder is here_folder and rel == here_rel:
        return (0, abs(d.start[0] - at[0]), 0, rel)
    if here_rel is None or folder is not here_folder:
        return (2, 0, 0, rel)
    common = os.path.commonpath([os.path.dirname(rel), os.path.dirname(here_rel)])
    shared = len(common.split("/")) if common else 0
    return (1, -shared, rel.count("/"), rel)


def _refresh_path(ls: TreewrightServer, path: str | None) -> None:
    if not path:
        return
    folder, rel = ls.folder_of(Path(path))
    if folder is not None:
        folder.index.refresh_file(rel)


def _publish_errors(ls: TreewrightServer, opened: OpenDocument) -> None:
    errors = opened.document.errors
    if not errors and not opened.published_errors:
        return
    opened.published_errors = list(errors)
    columns = convert.columns(opened.document.line_bytes, ls.encoding)
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(
            uri=opened.uri,
            version=opened.version,
            diagnostics=[
                lsp.Diagnostic(
                    range=convert.range_(e.start, e.end, columns),
                    message=e.message,
                    severity=lsp.DiagnosticSeverity.Error,
                    source="treewright",
                )
                for e in errors
            ],
        )
    )


async def _watch_files(ls: TreewrightServer) -> None:
    """Ask the client to tell us about file changes made outside the editor."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if watched is None or not watched.dynamic_registration:
        return
    try:
        await ls.client_register_capability_async(
            lsp.RegistrationParams(
                registrations=[
                    lsp.Registration(
                        id="treewright-watched-files",
                        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=lsp.DidChangeWatchedFilesRegistrationOptions(
                            watchers=[lsp.FileSystemWatcher(glob_pattern="**/*")]
                        ),
                    )
                ]
            )
        )
    except Exception as e:  # the editor said no: saves still update the index
        log.info("watched-file registration refused: %s", e)
