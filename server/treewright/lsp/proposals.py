"""Proposals in the editor: describing them, and applying them as versioned workspace edits.

Hunks are placed on each document as it is now (the user may have typed since the turn),
sent as one `workspace/applyEdit` with `documentChanges` and, when the client supports
them, one change annotation per hunk so the editor previews before applying. An edit the
client refuses (a stale version) is rebuilt on the newest text and sent once more; hunks
that cannot be placed come back as conflicts. Nothing here writes to disk.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from lsprotocol import types as lsp
from pygls.uris import from_fs_path

from treewright.agent import sessions
from treewright.edits.apply import Conflict, Placed, place_hunks
from treewright.edits.hunks import split_lines
from treewright.edits.proposal import CREATE, DELETE, FileChange, Proposal
from treewright.lsp.errors import BadParams, UnknownItem
from treewright.lsp.positions import to_lsp_column

log = logging.getLogger(__name__)

PENDING, APPLIED, REJECTED = "pending", "applied", "rejected"


@dataclass
class Tracked:
    proposal: Proposal
    folder: object  # server.Folder
    session_id: str
    state: dict[str, str] = field(default_factory=dict)  # hunk id → PENDING/APPLIED/REJECTED

    def __post_init__(self) -> None:
        for f in self.proposal.files:
            for h in f.hunks:
                self.state.setdefault(h.id, PENDING)


class ProposalBook:
    def __init__(self, ls):
        self.ls = ls
        self.items: dict[str, Tracked] = {}

    def add(self, proposal: Proposal, folder, session_id: str) -> None:
        self.items[proposal.id] = Tracked(proposal, folder, session_id)

    def get(self, proposal_id: str) -> Tracked:
        if not isinstance(proposal_id, str) or not proposal_id:
            raise BadParams("proposalId is required")
        tracked = self.items.get(proposal_id)
        if tracked is not None:
            return tracked
        for folder in self.ls.folders:  # made before a restart: the session has it
            found = self.ls.turns.store(folder).find_proposal(proposal_id)
            if found is not None:
                session_id, data = found
                tracked = Tracked(Proposal.from_dict(data), folder, session_id)
                self._restore_decisions(tracked)
                self.items[proposal_id] = tracked
                return tracked
        raise UnknownItem(f"Proposal {proposal_id} no longer exists")

    def _restore_decisions(self, tracked: Tracked) -> None:
        """Hunks accepted or rejected before a restart keep their state."""
        store = self.ls.turns.store(tracked.folder)
        for e in store.entries(tracked.session_id):
            if e.kind != sessions.OUTCOME or e.data.get("proposalId") != tracked.proposal.id:
                continue
            for hunk_id in e.data.get("accepted", []):
                tracked.state[hunk_id] = APPLIED
            for hunk_id in e.data.get("rejected", []):
                tracked.state[hunk_id] = REJECTED

    # ---- reading --------------------------------------------------------------------------

    def _uri(self, tracked: Tracked, path: str) -> str:
        return from_fs_path(str(tracked.folder.root / path)) or ""

    def current_text(self, tracked: Tracked, path: str) -> str | None:
        """The file as the user sees it now: the open buffer, else the disk, else None."""
        opened = self.ls.documents.get(self._uri(tracked, path))
        if opened is not None:
            return opened.document.source.decode("utf-8", "surrogatepass")
        try:
            path_on_disk = tracked.folder.root / path
            with path_on_disk.open(encoding="utf-8", errors="surrogateescape", newline="") as f:
                return f.read()
        except OSError:
            return None

    def describe(self, proposal_id: str) -> dict:
        """The `treewright/proposal` answer: hunks with their ranges in the documents as now."""
        tracked = self.get(proposal_id)
        files = []
        for f in tracked.proposal.files:
            current = self.current_text(tracked, f.path) if f.change != CREATE else ""
            # Only pending hunks need a place in the text as it is now; decided ones keep theirs.
            pending = [h.id for h in f.hunks if tracked.state[h.id] == PENDING]
            placeable = current is not None and f.change != CREATE and pending
            placed = place_hunks(current, f.hunks, pending) if placeable else {}
            hunks = []
            for h in f.hunks:
                where = placed.get(h.id)
                placed_here = isinstance(where, Placed)
                start = where.start_line if placed_here else h.start_line
                end = where.end_line if placed_here else h.end_line
                entry = {
                    "id": h.id,
                    "range": _line_range(current or "", start, end, self.ls.encoding),
                    "oldText": h.old_text, "newText": h.new_text, "summary": h.summary,
                    "state": tracked.state[h.id],
                }
                if isinstance(where, Conflict):
                    entry["conflict"] = where.reason
                elif current is None and h.id in pending:  # deleted or renamed since
                    entry["conflict"] = f"{f.path} no longer exists"
                hunks.append(entry)
            files.append({"uri": self._uri(tracked, f.path), "path": f.path, "change": f.change,
                          "hunks": hunks, "diff": f.diff})
        return {"proposalId": tracked.proposal.id, "title": tracked.proposal.title, "files": files}

    # ---- changing ---------------------------------------------------------------------------

    def _chosen(self, tracked: Tracked, hunk_ids) -> list[str]:
        known = [h.id for f in tracked.proposal.files for h in f.hunks]
        if hunk_ids is None:
            return [i for i in known if tracked.state[i] == PENDING]
        if not isinstance(hunk_ids, list) or not all(isinstance(i, str) for i in hunk_ids):
            raise BadParams("hunkIds must be a list of hunk ids")
        unknown = [i for i in hunk_ids if i not in tracked.state]
        if unknown:
            raise BadParams(f"Proposal {tracked.proposal.id} has no hunk {', '.join(unknown)}")
        return [i for i in hunk_ids if tracked.state[i] == PENDING]

    def reject(self, proposal_id: str, hunk_ids=None) -> dict:
        tracked = self.get(proposal_id)
        chosen = self._chosen(tracked, hunk_ids)
        for i in chosen:
            tracked.state[i] = REJECTED
        self._record(tracked, accepted=[], rejected=chosen, conflicts=[], diagnostics={})
        return {"rejected": chosen}

    async def apply(self, proposal_id: str, hunk_ids=None) -> dict:
        tracked = self.get(proposal_id)
        chosen = set(self._chosen(tracked, hunk_ids))
        if not chosen:
            return {"applied": False, "hunkIds": [], "conflicts": []}
        edit, placed, conflicts = self._workspace_edit(tracked, chosen)
        if placed and not await self._send(tracked, edit):
            # Stale: the user typed meanwhile. Let their pending didChange land, re-anchor
            # every hunk on the newest text, and try once more.
            await asyncio.sleep(0.05)
            edit, placed, conflicts = self._workspace_edit(tracked, chosen)
            if placed and not await self._send(tracked, edit):
                conflicts += [{"hunkId": i, "reason": "the editor refused the edit twice"} for i in placed]
                placed = []
        for i in placed:
            tracked.state[i] = APPLIED
        await asyncio.sleep(0)  # the editor's didChange for the edit comes before diagnostics
        self._record(tracked, accepted=placed, rejected=[], conflicts=conflicts,
                     diagnostics=self._problems(tracked, placed))
        return {"applied": bool(placed), "hunkIds": placed, "conflicts": conflicts}

    async def _send(self, tracked: Tracked, edit: lsp.WorkspaceEdit) -> bool:
        answer = await self.ls.workspace_apply_edit_async(
            lsp.ApplyWorkspaceEditParams(edit=edit, label=f"Treewright: {tracked.proposal.title}")
        )
        if not answer.applied:
            log.info("applyEdit refused: %s", answer.failure_reason)
        return bool(answer.applied)

    def _workspace_edit(self, tracked: Tracked, chosen: set[str]):
        """(WorkspaceEdit, hunk ids placed, conflicts) for the chosen hunks, on the text as now."""
        annotate = _supports_annotations(self.ls)
        label = f"Treewright: {tracked.proposal.title}"
        changes: list = []
        annotations: dict[str, lsp.ChangeAnnotation] = {}
        placed_ids: list[str] = []
        conflicts: list[dict] = []
        for f in tracked.proposal.files:
            ids = [h.id for h in f.hunks if h.id in chosen]
            if not ids:
                continue
            uri = self._uri(tracked, f.path)
            for h in f.hunks:
                if h.id in ids:
                    annotations[h.id] = lsp.ChangeAnnotation(
                        label=label, description=h.summary,
                        needs_confirmation=self.ls.settings.preview_edits,
                    )
            if f.change == CREATE:
                changes.append(lsp.CreateFile(uri=uri, annotation_id=ids[0] if annotate else None,
                                              options=lsp.CreateFileOptions(overwrite=False)))
                origin = lsp.Position(line=0, character=0)
                changes.append(self._text_edit(uri, None, [(origin, origin, f.proposed or "", ids[0])],
                                               annotate))
                placed_ids += ids
                continue
            if f.change == DELETE:
                changes.append(lsp.DeleteFile(uri=uri, annotation_id=ids[0] if annotate else None))
                placed_ids += ids
                continue
            current = self.current_text(tracked, f.path)
            if current is None:
                conflicts += [{"hunkId": i, "reason": f"{f.path} no longer exists"} for i in ids]
                continue
            edits = []
            for hunk_id, where in place_hunks(current, f.hunks, ids).items():
                if isinstance(where, Conflict):
                    conflicts.append({"hunkId": hunk_id, "reason": where.reason})
                    continue
                rng = _line_range(current, where.start_line, where.end_line, self.ls.encoding)
                edits.append((rng.start, rng.end, _hunk(f, hunk_id).new_text, hunk_id))
                placed_ids.append(hunk_id)
            if edits:
                opened = self.ls.documents.get(uri)
                changes.append(self._text_edit(uri, opened.version if opened else None, edits, annotate))
        edit = lsp.WorkspaceEdit(
            document_changes=changes,
            change_annotations=(
                {i: a for i, a in annotations.items() if i in placed_ids} if annotate else None
            ),
        )
        return edit, placed_ids, conflicts

    def _text_edit(self, uri: str, version: int | None, edits, annotate: bool) -> lsp.TextDocumentEdit:
        made = []
        for start, end, new_text, hunk_id in edits:
            rng = lsp.Range(start=start, end=end)
            if annotate:
                made.append(lsp.AnnotatedTextEdit(range=rng, new_text=new_text, annotation_id=hunk_id))
            else:
                made.append(lsp.TextEdit(range=rng, new_text=new_text))
        return lsp.TextDocumentEdit(
            text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
            edits=made,
        )

    def _problems(self, tracked: Tracked, applied: list[str]) -> dict[str, list[str]]:
        """Syntax errors now present in the files the applied hunks touched."""
        problems: dict[str, list[str]] = {}
        for f in tracked.proposal.files:
            if not any(h.id in applied for h in f.hunks):
                continue
            opened = self.ls.documents.get(self._uri(tracked, f.path))
            if opened is not None and opened.document.errors:
                problems[f.path] = [f"line {e.start[0] + 1}: {e.message}" for e in opened.document.errors]
        return problems

    def _record(self, tracked: Tracked, *, accepted, rejected, conflicts, diagnostics) -> None:
        store = self.ls.turns.store(tracked.folder)
        store.append(tracked.session_id, None, (sessions.OUTCOME, {
            "proposalId": tracked.proposal.id, "accepted": accepted, "rejected": rejected,
            "conflicts": conflicts, "diagnostics": diagnostics,
        }))


def _hunk(f: FileChange, hunk_id: str):
    return next(h for h in f.hunks if h.id == hunk_id)


def _supports_annotations(ls) -> bool:
    workspace = ls.client_capabilities.workspace
    edit = workspace.workspace_edit if workspace else None
    return bool(edit and edit.change_annotation_support)


def _line_range(text: str, start_line: int, end_line: int, encoding: str) -> lsp.Range:
    """Whole lines [start_line, end_line) of `text` as an LSP range; a line past a text
    without a final line break means the end of the text."""
    lines = split_lines(text)

    def position(line: int) -> lsp.Position:
        if line < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
            return lsp.Position(line=line, character=0)
        last = lines[-1].encode("utf-8", "surrogatepass")
        return lsp.Position(line=len(lines) - 1, character=to_lsp_column(last, len(last), encoding))

    return lsp.Range(start=position(start_line), end=position(end_line))
