"""A scripted Anthropic Messages API on 127.0.0.1, for tests that drive the real ``anthropic`` SDK.

The server speaks real HTTP/1.1: ``POST /v1/messages`` answers with a JSON ``Message`` or, when the
request body says ``"stream": true``, with a chunked ``text/event-stream`` carrying the same event
sequence the real API sends (``message_start``, ``content_block_start``, ``ping``,
``content_block_delta``..., ``content_block_stop``, ``message_delta``, ``message_stop``).
Every response carries ``Connection: close``.

Each ``POST /v1/messages`` consumes the next scripted reply, in order. With the queue empty it
answers 500 ``api_error`` "no scripted reply left" (with ``x-should-retry: false``, so the SDK
does not retry it away). ``POST /v1/messages/count_tokens`` answers ``{"input_tokens": N}`` and
consumes nothing. Every request, of any kind, is recorded in ``ScriptedAPI.requests``.

Usage::

    with scripted_api(text("Hello", chunks=3), tool_use("read_file", {"path": "a.py"})) as api:
        client = anthropic.Anthropic(api_key="test-key", base_url=api.base_url, max_retries=0)
        ...
        assert api.requests[0].body["model"] == "claude-sonnet-4-5"
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import socket
import struct
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self
from urllib.parse import urlsplit

__all__ = [
    "HangReply",
    "MessageReply",
    "RecordedRequest",
    "Reply",
    "ScriptedAPI",
    "StatusReply",
    "TextBlock",
    "ToolUseBlock",
    "Usage",
    "cut_after",
    "error_event",
    "estimate_tokens",
    "hang",
    "malformed",
    "message",
    "scripted_api",
    "status",
    "text",
    "tool_use",
]

_ids = itertools.count(1)


def _next_id(prefix: str) -> str:
    # Shaped like the real ids (``msg_01...``, ``toolu_01...``): a prefix, "01", then 22 characters.
    return f"{prefix}_01{next(_ids):022d}"


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _split(s: str, pieces: int) -> list[str]:
    """``s`` cut into at most ``pieces`` non-empty consecutive parts of near-equal length."""
    if not s:
        return []
    pieces = max(1, min(pieces, len(s)))
    size, extra = divmod(len(s), pieces)
    out, start = [], 0
    for i in range(pieces):
        end = start + size + (1 if i < extra else 0)
        out.append(s[start:end])
        start = end
    return out


def estimate_tokens(body: Mapping[str, Any] | None) -> int:
    """A plausible, deterministic input-token count for a request body (about 4 characters a token)."""
    if not body:
        return 1
    parts = {k: body[k] for k in ("system", "messages", "tools", "tool_choice") if k in body}
    return max(1, len(_compact(parts)) // 4)


# --------------------------------------------------------------------------------------------------
# Content blocks


@dataclass(frozen=True)
class TextBlock:
    text: str
    chunks: int = 3
    """How many ``text_delta`` events the text is streamed in (fewer if the text is shorter)."""

    def final(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}

    def start(self) -> dict[str, Any]:
        return {"type": "text", "text": ""}

    def deltas(self) -> list[dict[str, Any]]:
        return [{"type": "text_delta", "text": part} for part in _split(self.text, self.chunks)]

    def output_chars(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class ToolUseBlock:
    name: str
    input: Mapping[str, Any]
    id: str = field(default_factory=lambda: _next_id("toolu"))
    chunks: int = 3
    """How many non-empty ``input_json_delta`` pieces the input JSON is split into."""

    def final(self) -> dict[str, Any]:
        return {"type": "tool_use", "id": self.id, "name": self.name, "input": dict(self.input)}

    def start(self) -> dict[str, Any]:
        return {"type": "tool_use", "id": self.id, "name": self.name, "input": {}}

    def deltas(self) -> list[dict[str, Any]]:
        # Like the real API: an empty first piece, then the JSON text in pieces.
        pieces = ["", *_split(_compact(dict(self.input)), self.chunks)]
        return [{"type": "input_json_delta", "partial_json": p} for p in pieces]

    def output_chars(self) -> int:
        return len(self.name) + len(_compact(dict(self.input)))


Block = TextBlock | ToolUseBlock


@dataclass(frozen=True)
class Usage:
    """Token counts for a reply. ``None`` means: estimate (input from the request, output from the content)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @classmethod
    def of(cls, value: Usage | Mapping[str, int] | None) -> Usage:
        if value is None:
            return cls()
        if isinstance(value, Usage):
            return value
        return cls(**dict(value))


# --------------------------------------------------------------------------------------------------
# Replies


@dataclass(frozen=True, kw_only=True)
class Reply:
    delay: float = 0.0
    """Seconds to wait after reading the request, before the first byte of the response."""

    def with_delay(self, seconds: float) -> Self:
        return dataclasses.replace(self, delay=seconds)


@dataclass(frozen=True, kw_only=True)
class MessageReply(Reply):
    """An assistant message; streamed or plain JSON according to the request's ``stream`` field."""

    blocks: tuple[Block, ...]
    stop_reason: str | None = None
    """``None``: ``"tool_use"`` if any block is a tool_use, else ``"end_turn"``."""
    stop_sequence: str | None = None
    usage: Usage = Usage()
    model: str | None = None
    """``None``: echo the request's ``model``."""
    id: str = field(default_factory=lambda: _next_id("msg"))
    event_delay: float = 0.0
    """Seconds between SSE events (a slow stream)."""
    ping: bool = True
    """Send the ``ping`` event the real API sends after the first ``content_block_start``."""
    cut_after_events: int | None = None
    """Send this many SSE events, then drop the connection (no final chunk). Non-streamed: half the body."""
    cut_mode: Literal["close", "reset"] = "close"
    """``close``: a clean FIN mid-body; ``reset``: a TCP RST (SO_LINGER 0)."""
    malformed_at: int | None = None
    """Index in the event list at which an SSE event with an invalid JSON data line is sent."""
    malformed_data: str = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":'
    error_at: int | None = None
    """Index at which an ``event: error`` is sent; the stream then ends (as the real API does)."""
    error_type: str = "overloaded_error"
    error_message: str = "Overloaded"

    # -- chainable options ------------------------------------------------------------------------
    def delay_between_events(self, seconds: float) -> MessageReply:
        return dataclasses.replace(self, event_delay=seconds)

    def cut_after(self, n_events: int, *, mode: Literal["close", "reset"] = "close") -> MessageReply:
        return dataclasses.replace(self, cut_after_events=n_events, cut_mode=mode)

    def malformed(self, at: int = 3, data: str | None = None) -> MessageReply:
        extra = {} if data is None else {"malformed_data": data}
        return dataclasses.replace(self, malformed_at=at, **extra)

    def error_event(
        self, at: int = 3, error_type: str = "overloaded_error", message: str = "Overloaded"
    ) -> MessageReply:
        return dataclasses.replace(self, error_at=at, error_type=error_type, error_message=message)

    def __add__(self, other: MessageReply) -> MessageReply:
        """``text("Let me look.") + tool_use(...)``: the blocks of both; the other options of the left one."""
        return dataclasses.replace(self, blocks=self.blocks + other.blocks, stop_reason=None)

    # -- rendering --------------------------------------------------------------------------------
    def resolved_stop_reason(self) -> str:
        if self.stop_reason is not None:
            return self.stop_reason
        return "tool_use" if any(isinstance(b, ToolUseBlock) for b in self.blocks) else "end_turn"

    def usage_for(self, request_body: Mapping[str, Any] | None) -> dict[str, int]:
        u = self.usage
        out_tokens = u.output_tokens
        if out_tokens is None:
            out_tokens = max(1, sum(b.output_chars() for b in self.blocks) // 4)
        return {
            "input_tokens": u.input_tokens if u.input_tokens is not None else estimate_tokens(request_body),
            "cache_creation_input_tokens": u.cache_creation_input_tokens,
            "cache_read_input_tokens": u.cache_read_input_tokens,
            "output_tokens": out_tokens,
        }

    def message_json(self, request_body: Mapping[str, Any] | None) -> dict[str, Any]:
        """The non-streamed ``Message`` object."""
        usage = self.usage_for(request_body)
        return {
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "model": self._model(request_body),
            "content": [b.final() for b in self.blocks],
            "stop_reason": self.resolved_stop_reason(),
            "stop_sequence": self.stop_sequence,
            "usage": {**usage, "service_tier": "standard"},
        }

    def events(self, request_body: Mapping[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
        """The full, well-formed SSE event sequence as ``(event name, data object)`` pairs."""
        usage = self.usage_for(request_body)
        start_usage = {**usage, "output_tokens": min(1, usage["output_tokens"]), "service_tier": "standard"}
        events: list[tuple[str, dict[str, Any]]] = [
            (
                "message_start",
                {
                    "type": "message_start",
                    "message": {
                        "id": self.id,
                        "type": "message",
                        "role": "assistant",
                        "model": self._model(request_body),
                        "content": [],
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": start_usage,
                    },
                },
            )
        ]
        for index, block in enumerate(self.blocks):
            events.append(
                (
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": block.start()},
                )
            )
            if index == 0 and self.ping:
                events.append(("ping", {"type": "ping"}))
            for delta in block.deltas():
                events.append(
                    ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
                )
            events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
        events.append(
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {
                        "stop_reason": self.resolved_stop_reason(),
                        "stop_sequence": self.stop_sequence,
                    },
                    "usage": usage,
                },
            )
        )
        events.append(("message_stop", {"type": "message_stop"}))
        return events

    def wire_events(self, request_body: Mapping[str, Any] | None) -> list[bytes]:
        """The SSE events as sent, each ``event: ...\\ndata: ...\\n\\n``, with faults applied (except the cut)."""
        out: list[bytes] = []
        for i, (name, data) in enumerate(self.events(request_body)):
            if self.error_at is not None and i == self.error_at:
                err = {"type": "error", "error": {"type": self.error_type, "message": self.error_message}}
                out.append(_sse("error", _compact(err)))
                return out
            if self.malformed_at is not None and i == self.malformed_at:
                out.append(_sse("content_block_delta", self.malformed_data))
            # The real API writes ``{"type": "ping"}`` with a space; everything else compact.
            out.append(_sse(name, '{"type": "ping"}' if name == "ping" else _compact(data)))
        return out

    def _model(self, request_body: Mapping[str, Any] | None) -> str:
        if self.model is not None:
            return self.model
        model = (request_body or {}).get("model")
        return model if isinstance(model, str) else "claude-scripted"


def _sse(event: str, data: str) -> bytes:
    return f"event: {event}\ndata: {data}\n\n".encode()


_ERROR_TYPES = {
    400: ("invalid_request_error", "Invalid request (scripted)"),
    401: ("authentication_error", "invalid x-api-key"),
    403: ("permission_error", "Your API key does not have permission to use the specified resource."),
    404: ("not_found_error", "Not found"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of requests has exceeded your rate limit (scripted)"),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


@dataclass(frozen=True, kw_only=True)
class StatusReply(Reply):
    """An HTTP error with the real API's JSON error body ``{"type": "error", "error": {...}}``."""

    status: int
    error_type: str
    message: str
    retry_after: float | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def body(self, request_id: str) -> dict[str, Any]:
        return {
            "type": "error",
            "error": {"type": self.error_type, "message": self.message},
            "request_id": request_id,
        }


@dataclass(frozen=True, kw_only=True)
class HangReply(Reply):
    """Accept the request, send nothing (or only the response headers) for ``seconds``, then drop the connection."""

    seconds: float
    send_headers: bool = False


ReplyLike = Reply | Callable[["RecordedRequest"], Reply]
"""A reply, or a function of the request that returns one (decided when the request arrives)."""


# --------------------------------------------------------------------------------------------------
# Builders


def text(
    value: str,
    chunks: int = 3,
    *,
    stop_reason: str | None = None,
    usage: Usage | Mapping[str, int] | None = None,
    delay: float = 0.0,
    event_delay: float = 0.0,
) -> MessageReply:
    """An assistant message with one text block, streamed as ``chunks`` ``text_delta`` events."""
    return message(
        TextBlock(value, chunks), stop_reason=stop_reason, usage=usage, delay=delay, event_delay=event_delay
    )


def tool_use(
    name: str,
    input: Mapping[str, Any],
    id: str | None = None,
    *,
    chunks: int = 3,
    stop_reason: str | None = None,
    usage: Usage | Mapping[str, int] | None = None,
    delay: float = 0.0,
    event_delay: float = 0.0,
) -> MessageReply:
    """An assistant message with one tool_use block (``stop_reason: "tool_use"``), input streamed as JSON pieces."""
    block = ToolUseBlock(name, input, chunks=chunks) if id is None else ToolUseBlock(name, input, id, chunks)
    return message(block, stop_reason=stop_reason, usage=usage, delay=delay, event_delay=event_delay)


def message(
    *parts: MessageReply | Block | str,
    stop_reason: str | None = None,
    usage: Usage | Mapping[str, int] | None = None,
    model: str | None = None,
    delay: float = 0.0,
    event_delay: float = 0.0,
) -> MessageReply:
    """One assistant message of several blocks, in order: ``message(text("Let me look."), tool_use(...), ...)``.

    A part may be a block, a ``MessageReply`` (its blocks are taken) or a bare string (a text block).
    """
    blocks: list[Block] = []
    for part in parts:
        if isinstance(part, MessageReply):
            blocks.extend(part.blocks)
        elif isinstance(part, str):
            blocks.append(TextBlock(part))
        else:
            blocks.append(part)
    return MessageReply(
        blocks=tuple(blocks),
        stop_reason=stop_reason,
        usage=Usage.of(usage),
        model=model,
        delay=delay,
        event_delay=event_delay,
    )


def status(
    code: int,
    message: str | None = None,
    *,
    retry_after: float | None = None,
    error_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    delay: float = 0.0,
) -> StatusReply:
    """An HTTP error reply: 429 rate_limit_error, 529 overloaded_error, 500 api_error, 400 invalid_request_error..."""
    default_type, default_message = _ERROR_TYPES.get(code, ("api_error", f"Error {code} (scripted)"))
    return StatusReply(
        status=code,
        error_type=error_type or default_type,
        message=message or default_message,
        retry_after=retry_after,
        headers=dict(headers or {}),
        delay=delay,
    )


def cut_after(
    n_events: int, reply: MessageReply | None = None, *, mode: Literal["close", "reset"] = "close"
) -> MessageReply:
    """A stream that sends ``n_events`` SSE events and then loses its connection mid-body."""
    reply = (
        reply if reply is not None else text("This reply is cut off in the middle of its stream.", chunks=5)
    )
    return reply.cut_after(n_events, mode=mode)


def hang(seconds: float, *, send_headers: bool = False) -> HangReply:
    """Read the request, then send nothing (or only the headers) for ``seconds``, then drop the connection."""
    return HangReply(seconds=seconds, send_headers=send_headers)


def malformed(at: int = 3, reply: MessageReply | None = None, data: str | None = None) -> MessageReply:
    """A stream with an SSE event whose ``data:`` line is not valid JSON, sent before event index ``at``.

    Event 0 is ``message_start``; with a one-text-block reply, 1 is ``content_block_start``, 2 ``ping``,
    3 the first ``content_block_delta``. A non-streamed request gets a truncated JSON body instead.
    """
    reply = reply if reply is not None else text("Hello", chunks=2)
    return reply.malformed(at, data)


def error_event(
    at: int = 3,
    reply: MessageReply | None = None,
    error_type: str = "overloaded_error",
    message: str = "Overloaded",
) -> MessageReply:
    """A stream that sends ``event: error`` at event index ``at`` (HTTP status stays 200), as the real API does."""
    reply = reply if reply is not None else text("Hello", chunks=2)
    return reply.error_event(at, error_type, message)


# --------------------------------------------------------------------------------------------------
# The server


@dataclass
class RecordedRequest:
    method: str
    path: str
    """Without the query string."""
    query: str
    headers: dict[str, str]
    """Names lower-cased."""
    body: Any
    """The parsed JSON body; ``None`` if empty or not JSON (see ``raw_body``)."""
    raw_body: bytes
    reply: Reply | None = None
    """The scripted reply this request consumed, if any."""
    received_at: float = 0.0
    """``time.perf_counter()`` when the whole request had been read (for benchmarks)."""
    sent_at: list[float] = field(default_factory=list)
    """``time.perf_counter()`` after each streamed event was flushed, in order."""

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def api_key(self) -> str | None:
        """The key the client sent: ``x-api-key``, or the token of ``authorization: Bearer ...``.

        (anthropic 2.x sends ``api_key=`` as ``Authorization: Bearer <key>``; older versions as ``x-api-key``.)
        """
        if "x-api-key" in self.headers:
            return self.headers["x-api-key"]
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() == "bearer" and token else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() ends in-flight handlers itself
    allow_reuse_address = True
    api: ScriptedAPI


class _Dropped(Exception):
    """The connection is gone (the client left, or a scripted cut): stop writing."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 30  # socket timeout: no handler thread outlives a stuck peer for long

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def setup(self) -> None:
        super().setup()
        self.server.api._track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.api._track(self.connection, add=False)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        self.close_connection = True
        api = self.server.api
        try:
            raw = self._read_body()
            received_at = time.perf_counter()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            parts = urlsplit(self.path)
            req = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                raw_body=raw,
                received_at=received_at,
            )
            api._record(req)
            if self.command == "POST" and req.path == "/v1/messages":
                reply = api._take(req)
                req.reply = reply
                if reply is None:
                    self._send_error_json(
                        500, "api_error", "no scripted reply left", {"x-should-retry": "false"}
                    )
                else:
                    self._reply(reply, req)
            elif self.command == "POST" and req.path == "/v1/messages/count_tokens":
                self._send_json(200, {"input_tokens": api._count_tokens(req)})
            else:
                self._send_error_json(404, "not_found_error", f"Not found: {self.command} {req.path}")
        except _Dropped:
            pass
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client went away
        except Exception:
            api.errors.append(traceback.format_exc())
            with contextlib.suppress(Exception):
                self._send_error_json(500, "api_error", "scripted server error:\n" + traceback.format_exc())

    # -- reading ----------------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    # -- writing ----------------------------------------------------------------------------------
    def _wait(self, seconds: float) -> None:
        """Sleep, but end at once (dropping the connection) when the server stops."""
        if seconds > 0 and self.server.api._stopping.wait(seconds):
            self._drop("close")

    def _drop(self, mode: str) -> None:
        sock = self.connection
        if mode == "reset":
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with contextlib.suppress(OSError):
                sock.close()
        else:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise _Dropped

    def _start(self, code: int, headers: Mapping[str, str]) -> None:
        self.send_response(code)
        self.send_header("request-id", _next_id("req"))
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()  # flushes the headers

    def _send_json(self, code: int, obj: Any, headers: Mapping[str, str] | None = None) -> None:
        data = _compact(obj).encode()
        self._start(
            code, {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}
        )
        self.wfile.write(data)
        self.wfile.flush()

    def _send_error_json(
        self, code: int, error_type: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        body = {
            "type": "error",
            "error": {"type": error_type, "message": message},
            "request_id": _next_id("req"),
        }
        self._send_json(code, body, headers)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _reply(self, reply: Reply, req: RecordedRequest) -> None:
        self._wait(reply.delay)
        if isinstance(reply, StatusReply):
            headers = dict(reply.headers)
            if reply.retry_after is not None:
                ra = reply.retry_after
                headers.setdefault("retry-after", str(int(ra)) if float(ra).is_integer() else str(ra))
            request_id = _next_id("req")
            self._send_json(reply.status, reply.body(request_id), headers)
        elif isinstance(reply, HangReply):
            if reply.send_headers:
                if req.stream:
                    self._start(200, _SSE_HEADERS)
                else:
                    self._start(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
            self._wait(reply.seconds)
            self._drop("close")
        elif isinstance(reply, MessageReply):
            if req.stream:
                self._stream(reply, req)
            else:
                self._plain(reply, req)
        else:
            raise TypeError(f"not a scripted reply: {reply!r}")

    def _plain(self, reply: MessageReply, req: RecordedRequest) -> None:
        data = _compact(reply.message_json(req.body)).encode()
        if reply.malformed_at is not None:
            data = data[: len(data) // 2]  # a truncated, invalid JSON body, but complete on the wire
        self._start(200, {"Content-Type": "application/json", "Content-Length": str(len(data))})
        if reply.cut_after_events is not None:
            self.wfile.write(data[: len(data) // 2])  # half of the promised Content-Length, then drop
            self.wfile.flush()
            self._drop(reply.cut_mode)
        self.wfile.write(data)
        self.wfile.flush()

    def _stream(self, reply: MessageReply, req: RecordedRequest) -> None:
        events = reply.wire_events(req.body)
        self._start(200, _SSE_HEADERS)
        for i, event in enumerate(events):
            if reply.cut_after_events is not None and i >= reply.cut_after_events:
                self._drop(reply.cut_mode)
            if i:
                self._wait(reply.event_delay)
            self._chunk(event)
            req.sent_at.append(time.perf_counter())
        if reply.cut_after_events is not None and reply.cut_after_events >= len(events):
            self._drop(reply.cut_mode)  # every event sent, but not the final chunk
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


_SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "Transfer-Encoding": "chunked",
}


class ScriptedAPI:
    """A Messages API on ``127.0.0.1:<free port>`` that answers from a queue of scripted replies.

    ``ScriptedAPI(*replies)``; ``start()`` / ``stop()`` or ``with ScriptedAPI(...) as api:``.
    ``add(*replies)`` appends to the queue at any time. ``requests`` records every request received.
    """

    def __init__(self, *replies: ReplyLike, count_tokens: int | Callable[[Any], int] | None = None) -> None:
        self._queue: deque[ReplyLike] = deque(replies)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.count_tokens = count_tokens
        """``None``: ``estimate_tokens(body)``; an int; or a function of the request body."""
        self.requests: list[RecordedRequest] = []
        self.errors: list[str] = []
        """Tracebacks of exceptions inside the server itself (a bug in a scripted reply or here)."""

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("ScriptedAPI already started")
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.api = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="scripted-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # ends delays, hangs and slow streams
        server.shutdown()
        server.server_close()
        with self._lock:
            conns = list(self._connections)
        for sock in conns:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("ScriptedAPI not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- script -----------------------------------------------------------------------------------
    def add(self, *replies: ReplyLike) -> Self:
        with self._lock:
            self._queue.extend(replies)
        return self

    @property
    def remaining(self) -> int:
        """Scripted replies not yet consumed."""
        with self._lock:
            return len(self._queue)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """Only the ``POST /v1/messages`` requests."""
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and r.path == "/v1/messages"]

    @property
    def last_request(self) -> RecordedRequest:
        with self._lock:
            return self.requests[-1]

    # -- used by the handler ----------------------------------------------------------------------
    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)

    def _take(self, req: RecordedRequest) -> Reply | None:
        with self._lock:
            if not self._queue:
                return None
            item = self._queue.popleft()
        return item if isinstance(item, Reply) else item(req)

    def _count_tokens(self, req: RecordedRequest) -> int:
        if self.count_tokens is None:
            return estimate_tokens(req.body)
        if isinstance(self.count_tokens, int):
            return self.count_tokens
        return self.count_tokens(req.body)

    def _track(self, sock: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)


@contextlib.contextmanager
def scripted_api(*replies: ReplyLike, strict: bool = False, **kwargs: Any) -> Iterator[ScriptedAPI]:
    """Start a ``ScriptedAPI`` for the ``with`` block and stop it after.

    ``strict=True``: on a clean exit, fail if a scripted reply was left unused or the server hit an error.
    """
    api = ScriptedAPI(*replies, **kwargs)
    api.start()
    try:
        yield api
    finally:
        api.stop()
    if strict:
        assert not api.errors, "scripted API server errors:\n" + "\n".join(api.errors)
        assert api.remaining == 0, f"{api.remaining} scripted replies left unused"
