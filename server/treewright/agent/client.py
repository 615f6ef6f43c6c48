"""The model client: one streamed Messages API call, with retries that never repeat work.

Retries cover rate limits (honouring `retry-after`), overload, server errors, dropped
connections and timeouts, with exponential backoff up to a bound. A call whose stream
breaks after any of its text reached the user is not retried: the turn ends with a clear
error instead, so nobody sees an answer twice or a half answer silently completed.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from treewright.agent.pricing import Usage
from treewright.foreground import imports_step_aside
from treewright.long_lived import building_long_lived

if TYPE_CHECKING:
    import anthropic

    from treewright.settings import Settings

log = logging.getLogger(__name__)

NO_API_KEY = "No API key: set ANTHROPIC_API_KEY or run 'Treewright: Set API Key'"
_MAX_RETRY_AFTER = 60.0


def preload_turn_libraries() -> None:
    """Import what a turn needs and the server does not load at start: the SDK and the
    tool-input checker, ahead of the first model call and the first tool call. Over a
    second of Python in some 3,000 modules, which step aside for the editor's requests.
    Their 130k objects live as long as the server: full collection passes over them took
    up to 130 ms each, while they were imported and after."""
    with imports_step_aside(), building_long_lived():
        import anthropic  # noqa: F401
        import jsonschema  # noqa: F401


class ClientPool:
    """Model clients shared by every turn: one per model, token limit, API key and endpoint.

    Building an SDK client costs about 50 ms of CPU (mostly its TLS context). Eight chats
    starting at once used to spend that eight times on the server's loop, and every request
    waited behind it. A shared client is built once, in a thread, and keeps its connections
    alive between turns.
    """

    def __init__(self, make: Callable[[Settings], ModelClient] | None = None):
        self._make = make or (lambda s: ModelClient(s.model, s.max_tokens))
        self._clients: dict[tuple, ModelClient] = {}
        self._lock = asyncio.Lock()

    async def get(self, settings: Settings) -> ModelClient:
        # The key and endpoint are read on every turn: a new key takes effect at once.
        key = (settings.model, settings.max_tokens, os.environ.get("ANTHROPIC_API_KEY"),
               os.environ.get("ANTHROPIC_BASE_URL"))
        async with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = await asyncio.to_thread(self._build, settings)
            return client

    def _build(self, settings: Settings) -> ModelClient:
        preload_turn_libraries()  # over a second on first use: the reason this runs in a thread
        return self._make(settings)

    async def close(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.close()


class ModelError(Exception):
    """A model call that failed for good; `message` is meant for the user."""

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class NoApiKeyError(ModelError):
    def __init__(self) -> None:
        super().__init__(NO_API_KEY)


@dataclass
class ModelReply:
    content: list[dict[str, Any]]  # the assistant message's blocks, in API form
    stop_reason: str | None
    usage: Usage

    @property
    def text(self) -> str:
        return "".join(b["text"] for b in self.content if b["type"] == "text")

    @property
    def tool_uses(self) -> list[dict[str, Any]]:
        return [b for b in self.content if b["type"] == "tool_use"]


class ModelClient:
    def __init__(
        self,
        model: str,
        max_tokens: int,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        retries: int = 4,
        backoff: float = 1.0,
        read_timeout: float = 120.0,
    ):
        key = api_key or os.environ.get("ANTHROPIC_API_KEY")
        if not key:
            raise NoApiKeyError()
        self.model = model
        self.max_tokens = max_tokens
        self.retries = retries
        self.backoff = backoff
        # Imported here, not at the top: the SDK takes over a second to import, and an
        # editor starting the server wants symbols long before anyone chats.
        import anthropic

        self._client = anthropic.AsyncAnthropic(
            api_key=key,
            base_url=base_url or os.environ.get("ANTHROPIC_BASE_URL") or None,
            max_retries=0,  # retried here, where we know whether the stream was shown
            timeout=anthropic.Timeout(read_timeout, connect=15.0),
        )

    async def close(self) -> None:
        await self._client.close()

    async def call(
        self,
        system: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        on_text: Callable[[str], None],
        max_tokens: int | None = None,
    ) -> ModelReply:
        for attempt in range(self.retries + 1):
            shown = False
            try:
                request: dict[str, Any] = {
                    "model": self.model,
                    "max_tokens": max_tokens or self.max_tokens,
                    "system": system,
                    "messages": messages,
                }
                if tools:
                    request["tools"] = tools
                async with self._client.messages.stream(**request) as stream:
                    async for event in stream:
                        if event.type == "text" and event.text:
                            shown = True
                            on_text(event.text)
                    message = await stream.get_final_message()
                return _reply(message)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # classified below; anything unknown is final
                retryable, wait, message = _classify(error, attempt, self.backoff)
                if not retryable or shown or attempt == self.retries:
                    if shown and retryable:
                        message = f"The model's answer was cut off ({message}); the turn stopped."
                    elif retryable:
                        message = f"{message}; gave up after {attempt + 1} attempts."
                    raise ModelError(message, retryable=retryable) from error
                log.info("model call failed (%s); retrying in %.1f s", message, wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises


def _reply(message: Any) -> ModelReply:
    content: list[dict[str, Any]] = []
    for block in message.content:
        if block.type == "text":
            content.append({"type": "text", "text": block.text})
        elif block.type == "tool_use":
            content.append(
                {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
            )
    u = message.usage
    usage = Usage(
        input_tokens=u.input_tokens or 0,
        output_tokens=u.output_tokens or 0,
        cache_read_tokens=getattr(u, "cache_read_input_tokens", None) or 0,
        cache_write_tokens=getattr(u, "cache_creation_input_tokens", None) or 0,
    )
    return ModelReply(content, message.stop_reason, usage)


def _classify(error: Exception, attempt: int, backoff: float) -> tuple[bool, float, str]:
    """(retryable, seconds to wait, a message for the user)."""
    import anthropic  # already loaded: a client exists

    try:  # the SDK's HTTP library: httpx2 in anthropic 2.x, httpx before
        import httpx2 as _http
    except ImportError:  # pragma: no cover - depends on the installed SDK generation
        import httpx as _http  # type: ignore[no-redef]

    wait = backoff * (2**attempt)
    if isinstance(error, anthropic.APIStatusError):
        status = error.status_code
        detail = _error_message(error)
        if status == 200:  # an `error` event inside a stream that had started fine
            kind = _error_type(error)
            retryable = kind in ("overloaded_error", "api_error", "rate_limit_error")
            return retryable, wait, f"The model API reported an error mid-stream ({kind}: {detail})"
        if status == 429:
            after = error.response.headers.get("retry-after")
            try:
                wait = min(float(after), _MAX_RETRY_AFTER) if after else wait
            except ValueError:
                pass
            return True, wait, f"The model API is rate limiting requests (429: {detail})"
        if status == 529:
            return True, wait, f"The model API is overloaded (529: {detail})"
        if status >= 500:
            return True, wait, f"The model API failed ({status}: {detail})"
        if status in (401, 403):
            return False, 0, f"The API key was refused ({status}: {detail})"
        return False, 0, f"The model API rejected the request ({status}: {detail})"
    if isinstance(error, anthropic.APITimeoutError):
        return True, wait, "The model API did not answer in time"
    if isinstance(error, (anthropic.APIConnectionError, _http.TransportError)):
        return True, wait, "The connection to the model API was lost"
    if isinstance(error, ValueError):  # an event whose JSON did not parse
        return True, wait, "The model API sent a malformed stream"
    if isinstance(error, anthropic.APIError):
        return True, wait, f"The model's stream broke ({error.__class__.__name__}: {error})"
    return False, 0, f"The model call failed unexpectedly ({error.__class__.__name__}: {error})"


def _error_type(error: anthropic.APIStatusError) -> str:
    body = error.body
    inner = body.get("error") if isinstance(body, dict) else None
    return str(inner.get("type")) if isinstance(inner, dict) else "error"


def _error_message(error: anthropic.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
    return str(error.message)
