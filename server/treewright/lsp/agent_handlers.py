"""LSP entry points of the agent: code actions, commands, and the `treewright/…` methods.

Code actions are computed from the syntax tree alone and never call the model; the
commands they carry start agent turns, which run as tasks on the event loop so that
every other request keeps being answered while a turn streams.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from treewright.agent import actions
from treewright.index.tags import Definition
from treewright.lsp.errors import BadParams
from treewright.lsp.server import TreewrightServer

if TYPE_CHECKING:
    from treewright.agent.loop import TurnResult

RUN_ACTION = "treewright.runAction"
KIND_EXPLAIN = "source.treewright.explain"
KIND_REWRITE = "refactor.rewrite.treewright"
_TEST_HEAD_LINES = 30


def register(server: TreewrightServer) -> None:
    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, KIND_EXPLAIN, KIND_REWRITE]),
    )
    def code_action(ls: TreewrightServer, params: lsp.CodeActionParams):
        uri = params.text_document.uri
        opened = ls.documents.get(uri)
        document = opened.document if opened else ls.document_for(uri)
        start = ls.to_point(document.line_bytes, params.range.start)
        target = _innermost(document.definitions, start)
        name = _qualified(target) if target else "the selection"
        base = {"uri": uri, "range": _range_json(params.range),
                "version": opened.version if opened else None}
        found: list[lsp.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            found.append(_action(
                "fix", actions.title("fix", name, diagnostic.message), lsp.CodeActionKind.QuickFix,
                dict(base, range=_range_json(diagnostic.range), diagnostic=_diagnostic_json(diagnostic)),
                diagnostics=[diagnostic],
            ))
        found.append(_action("explain", actions.title("explain", name), KIND_EXPLAIN, base))
        found.append(_action("document", actions.title("document", name), KIND_REWRITE, base))
        found.append(_action("test", actions.title("test", name), KIND_REWRITE, base))
        found.append(_action("edit", actions.title("edit", name) + "…", KIND_REWRITE, base))
        wanted = params.context.only
        if wanted:
            found = [a for a in found if any(a.kind == k or a.kind.startswith(k + ".") for k in wanted)]
        return found

    @server.command(RUN_ACTION)
    async def run_action(ls: TreewrightServer, *args) -> dict:
        return _turn_answer(await _run_action(ls, _one_object(args)))

    @server.command("treewright.chat")
    async def chat_command(ls: TreewrightServer, *args) -> dict:
        return _turn_answer(await _chat(ls, _one_object(args)))

    @server.feature("treewright/chat")
    async def chat_request(ls: TreewrightServer, params) -> dict:
        result = await _chat(ls, params_object(params))
        answer = _turn_answer(result)
        answer["usage"] = {
            "inputTokens": result.usage.input_tokens, "outputTokens": result.usage.output_tokens,
            "cacheReadTokens": result.usage.cache_read_tokens,
            "cacheWriteTokens": result.usage.cache_write_tokens,
            "costUsd": round(result.cost_usd, 6), "estimate": result.cost_is_estimate,
        }
        answer["stopReason"] = result.stop_reason
        return answer

    @server.command("treewright.applyProposal")
    async def apply_proposal(ls: TreewrightServer, *args) -> dict:
        params = _one_object(args)
        return await ls.proposals.apply(params.get("proposalId"), params.get("hunkIds"))

    @server.command("treewright.rejectProposal")
    def reject_proposal(ls: TreewrightServer, *args) -> dict:
        params = _one_object(args)
        return ls.proposals.reject(params.get("proposalId"), params.get("hunkIds"))

    @server.command("treewright.cancel")
    def cancel(ls: TreewrightServer, *args) -> dict:
        turn_id = _one_object(args).get("turnId")
        if not isinstance(turn_id, str):
            raise BadParams("turnId is required")
        return {"cancelled": ls.turns.cancel(turn_id)}

    @server.feature(lsp.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def progress_cancel(ls: TreewrightServer, params: lsp.WorkDoneProgressCancelParams) -> None:
        ls.turns.cancel_progress(params.token)

    @server.feature("treewright/proposal")
    def proposal(ls: TreewrightServer, params) -> dict:
        return ls.proposals.describe(params_object(params).get("proposalId"))

    @server.feature("treewright/sessions")
    def sessions(ls: TreewrightServer, params) -> list:
        listed = []
        for folder in ls.folders:
            listed += ls.turns.store(folder).list()
        return sorted(listed, key=lambda s: -s["updatedAt"])

    @server.feature("treewright/session")
    def session(ls: TreewrightServer, params) -> dict:
        session_id = params_object(params).get("sessionId")
        folder = ls.turns.session_folder(session_id) if session_id else None
        if folder is None:
            raise BadParams("sessionId is required")
        store = ls.turns.store(folder)
        return {"sessionId": session_id, "title": store.title(session_id),
                "messages": store.messages(session_id)}


# ---- turns -------------------------------------------------------------------------------------


async def _chat(ls: TreewrightServer, params: dict) -> TurnResult:
    prompt = params.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise BadParams("prompt must be a non-empty string")
    folder = ls.turns.session_folder(params.get("sessionId"))
    context, focus = _context(ls, folder, params.get("context"))
    model = params.get("model")
    return await ls.turns.run(folder, prompt, title=prompt.strip().splitlines()[0][:60],
                              session_id=params.get("sessionId"), context=context, focus=focus,
                              model=model.strip() if isinstance(model, str) and model.strip() else None)


async def _run_action(ls: TreewrightServer, params: dict) -> TurnResult:
    action = params.get("action")
    if action not in actions.ACTIONS:
        raise BadParams(f"action must be one of {', '.join(actions.ACTIONS)}")
    uri = params.get("uri")
    if not isinstance(uri, str):
        raise BadParams("uri is required")
    path = to_fs_path(uri)
    folder, rel = ls.folder_of(Path(path)) if path else (None, None)
    if folder is None:
        raise BadParams(f"File is outside the workspace: {uri}")
    document = ls.documents[uri].document if uri in ls.documents else ls.document_for(uri)
    rng = _parse_range(params.get("range"))
    if rng.start.line >= len(document.lines) or rng.end.line > len(document.lines):
        raise BadParams(f"Range is past the end of {rel} ({len(document.lines)} lines)")
    start = ls.to_point(document.line_bytes, rng.start)
    end = ls.to_point(document.line_bytes, rng.end)
    definition = _innermost(document.definitions, start)
    if definition is not None:
        code = document.source[definition.start_byte : definition.end_byte].decode("utf-8", "replace")
        target = actions.Target(rel, definition.start[0] + 1, definition.end[0] + 1, code,
                                _qualified(definition), definition.kind)
        name = _qualified(definition)
    else:
        lo, hi = document.offset(start), document.offset(end)
        if hi <= lo:  # an empty selection means its line
            lo, hi = document.offset((start[0], 0)), document.offset((start[0] + 1, 0))
        code = document.source[lo:hi].decode("utf-8", "replace")
        target = actions.Target(rel, start[0] + 1, max(end[0], start[0]) + 1, code)
        name = "the selection"
    diagnostic = params.get("diagnostic")
    message = diagnostic.get("message") if isinstance(diagnostic, dict) else None
    tests = []
    if action == "test":
        for path in actions.test_files(sorted(folder.index.files), rel):
            lines = folder.index.text_lines(path)[:_TEST_HEAD_LINES]
            tests.append((path, "\n".join(lines)))
    try:
        prompt = actions.prompt(action, target, instruction=params.get("instruction"),
                                diagnostic=message, tests=tests)
    except ValueError as e:
        raise BadParams(str(e)) from None
    title = actions.title(action, name, message)
    return await ls.turns.run(folder, prompt, title=title, session_id=params.get("sessionId"),
                              focus=(rel,))


def _turn_answer(result: TurnResult) -> dict:
    answer = {"sessionId": result.session_id, "turnId": result.turn_id, "text": result.text}
    if result.proposal is not None:
        answer["proposalId"] = result.proposal.id
    return answer


def _context(ls: TreewrightServer, folder, context) -> tuple[str | None, tuple[str, ...]]:
    """The editor's context as text for the model, and the files it puts in focus."""
    if not isinstance(context, dict):
        return None, ()
    focus: list[str] = []
    parts: list[str] = []
    for uri in context.get("openUris") or []:
        path = to_fs_path(uri) if isinstance(uri, str) else None
        rel = folder.index.relative(Path(path)) if path else None
        if rel:
            focus.append(rel)
    uri = context.get("uri")
    if isinstance(uri, str):
        path = to_fs_path(uri)
        rel = folder.index.relative(Path(path)) if path else None
        if rel:
            focus.insert(0, rel)
            parts.append(f"The user is looking at {rel}.")
            if context.get("range"):
                document = ls.documents[uri].document if uri in ls.documents else ls.document_for(uri)
                rng = _parse_range(context["range"])
                lo = document.offset(ls.to_point(document.line_bytes, rng.start))
                hi = document.offset(ls.to_point(document.line_bytes, rng.end))
                if hi > lo:
                    selected = document.source[lo:hi].decode("utf-8", "replace")
                    lines = f"lines {rng.start.line + 1}-{rng.end.line + 1}"
                    parts.append(f"Selected ({lines}):\n```\n{selected}\n```")
    return ("\n\n".join(parts) or None), tuple(dict.fromkeys(focus))


# ---- helpers -----------------------------------------------------------------------------------


def params_object(params: Any) -> dict:
    """A request's params as a plain object; anything else is bad params."""
    value = as_dict(params)
    if not isinstance(value, dict):
        raise BadParams("params must be an object")
    return value


def as_dict(value: Any) -> Any:
    """pygls hands unknown methods' params over as named tuples: back to plain JSON values."""
    if value is None:
        return {}
    if hasattr(value, "_asdict"):
        return {k: as_dict(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_dict(v) for v in value]
    return value


def _one_object(args: tuple) -> dict:
    if len(args) != 1 or not isinstance(as_dict(args[0]), dict):
        raise BadParams("Expected one object argument")
    return as_dict(args[0])


def _parse_range(value) -> lsp.Range:
    try:
        start, end = value["start"], value["end"]
        return lsp.Range(start=lsp.Position(line=int(start["line"]), character=int(start["character"])),
                         end=lsp.Position(line=int(end["line"]), character=int(end["character"])))
    except (KeyError, TypeError, ValueError):
        raise BadParams("range must be {start: {line, character}, end: {line, character}}") from None


def _range_json(rng: lsp.Range) -> dict:
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}


def _diagnostic_json(d: lsp.Diagnostic) -> dict:
    return {"message": d.message, "range": _range_json(d.range), "source": d.source,
            "severity": d.severity.value if d.severity else None}


def _innermost(definitions: list[Definition], at: tuple[int, int]) -> Definition | None:
    best = None
    for d in definitions:
        if d.start <= at <= d.end and (best is None or d.start_byte >= best.start_byte):
            best = d
    return best


def _qualified(d: Definition) -> str:
    return f"{d.parent}.{d.name}" if d.parent else d.name


def _action(action: str, title: str, kind: str, arguments: dict, diagnostics=None) -> lsp.CodeAction:
    args = dict(arguments, action=action)
    return lsp.CodeAction(
        title=f"Treewright: {title}", kind=kind, diagnostics=diagnostics,
        command=lsp.Command(title=f"Treewright: {title}", command=RUN_ACTION, arguments=[args]),
    )

