"""The scripted Messages API, driven by the real ``anthropic`` SDK over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request

import anthropic
import httpx2  # the HTTP client of this SDK version (anthropic 2.x); cut streams surface its errors raw
import pytest

from .server import (
    ScriptedAPI,
    Usage,
    cut_after,
    error_event,
    hang,
    malformed,
    message,
    scripted_api,
    status,
    text,
    tool_use,
)

MODEL = "claude-test-model"  # not in the SDK's deprecated list, so no warning
ASK = {"model": MODEL, "max_tokens": 256, "messages": [{"role": "user", "content": "hi"}]}


def client(api: ScriptedAPI, **kw) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="test-key", base_url=api.base_url, **{"max_retries": 0, "timeout": 5.0, **kw}
    )


def aclient(api: ScriptedAPI, **kw) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key="test-key", base_url=api.base_url, **{"max_retries": 0, "timeout": 5.0, **kw}
    )


# ---------------------------------------------------------------------------------------------------
# Happy paths


def test_streamed_text_arrives_as_deltas_and_final_message_has_text_and_usage():
    usage = Usage(
        input_tokens=120, output_tokens=7, cache_creation_input_tokens=30, cache_read_input_tokens=50
    )
    with scripted_api(text("Hello, world!", chunks=3, usage=usage), strict=True) as api:
        with client(api).messages.stream(**ASK) as stream:
            deltas = [e.delta.text for e in stream if e.type == "content_block_delta"]
            final = stream.get_final_message()
    assert deltas == ["Hello", ", wo", "rld!"]
    assert [b.type for b in final.content] == ["text"]
    assert final.content[0].text == "Hello, world!"
    assert final.stop_reason == "end_turn"
    assert final.model == MODEL
    assert final.id.startswith("msg_")
    assert (final.usage.input_tokens, final.usage.output_tokens) == (120, 7)
    assert (final.usage.cache_creation_input_tokens, final.usage.cache_read_input_tokens) == (30, 50)


def test_create_stream_true_yields_the_real_event_sequence():
    with scripted_api(text("abcdef", chunks=2)) as api:
        events = list(client(api).messages.create(stream=True, **ASK))
    # the SDK drops the `ping` event
    assert [e.type for e in events] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert events[0].message.usage.output_tokens == 1
    assert events[0].message.stop_reason is None
    assert events[-2].delta.stop_reason == "end_turn"


def test_wire_format_is_chunked_sse_with_event_and_data_lines():
    with scripted_api(text("Hi there", chunks=2)) as api:
        req = urllib.request.Request(
            api.base_url + "/v1/messages",
            data=json.dumps({**ASK, "stream": True}).encode(),
            headers={"content-type": "application/json", "x-api-key": "k"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert resp.headers["content-type"].startswith("text/event-stream")
            assert resp.headers["transfer-encoding"] == "chunked"
            assert resp.headers["connection"] == "close"
            assert resp.headers["request-id"].startswith("req_")
            raw = resp.read().decode()
    assert api.requests[0].headers["x-api-key"] == "k" and api.requests[0].api_key == "k"
    assert api.requests[0].stream is True
    blocks = [b for b in raw.split("\n\n") if b]
    names = []
    for block in blocks:
        event_line, data_line = block.split("\n")
        assert event_line.startswith("event: ") and data_line.startswith("data: ")
        name, data = event_line[len("event: ") :], json.loads(data_line[len("data: ") :])
        assert data["type"] == name
        names.append(name)
    assert names == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


def test_tool_use_input_is_reassembled_from_json_deltas():
    args = {"path": "src/a.py", "lines": [1, 2, 3], "opts": {"follow": True, "note": "ünï"}}
    with scripted_api(tool_use("read_file", args, id="toolu_fixed", chunks=4)) as api:
        with client(api).messages.stream(**ASK) as stream:
            pieces = [e.delta.partial_json for e in stream if e.type == "content_block_delta"]
            final = stream.get_final_message()
    assert len([p for p in pieces if p]) == 4  # really split into several pieces
    assert json.loads("".join(pieces)) == args
    assert final.stop_reason == "tool_use"
    (block,) = final.content
    assert (block.type, block.id, block.name, block.input) == ("tool_use", "toolu_fixed", "read_file", args)


def test_text_then_several_tool_uses_in_one_reply():
    reply = message(
        text("Let me look."),
        tool_use("read_file", {"path": "a.py"}),
        tool_use("grep", {"pattern": "def main"}),
        usage={"input_tokens": 10, "output_tokens": 42},
    )
    with scripted_api(reply) as api:
        with client(api).messages.stream(**ASK) as stream:
            final = stream.get_final_message()
    assert [b.type for b in final.content] == ["text", "tool_use", "tool_use"]
    assert final.content[0].text == "Let me look."
    assert [(b.name, b.input) for b in final.content[1:]] == [
        ("read_file", {"path": "a.py"}),
        ("grep", {"pattern": "def main"}),
    ]
    assert final.content[1].id != final.content[2].id
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens == 42


def test_stop_reason_can_be_set():
    with scripted_api(text("cut sho", stop_reason="max_tokens")) as api:
        msg = client(api).messages.create(**ASK)
    assert msg.stop_reason == "max_tokens"


def test_non_streaming_returns_a_message_object():
    reply = text("Plain answer") + tool_use("edit", {"path": "b.py", "text": "x"}, id="toolu_1")
    with scripted_api(reply) as api:
        msg = client(api).messages.create(**ASK)
        assert api.last_request.stream is False
    assert isinstance(msg, anthropic.types.Message)
    assert msg.content[0].text == "Plain answer"
    assert msg.content[1].input == {"path": "b.py", "text": "x"}
    assert msg.stop_reason == "tool_use"
    assert msg.usage.input_tokens >= 1 and msg.usage.output_tokens >= 1
    assert msg.usage.cache_read_input_tokens == 0


async def test_async_client_streams_and_creates():
    with scripted_api(text("async hello", chunks=3), tool_use("ls", {"dir": "."})) as api:
        c = aclient(api)
        async with c.messages.stream(**ASK) as stream:
            deltas = [e.delta.text async for e in stream if e.type == "content_block_delta"]
            final = await stream.get_final_message()
        msg = await c.messages.create(**ASK)
    assert "".join(deltas) == "async hello" and len(deltas) == 3
    assert final.content[0].text == "async hello"
    assert msg.content[0].input == {"dir": "."}


def test_callable_reply_sees_the_request():
    def echo(req):
        return text("you said: " + req.body["messages"][-1]["content"])

    with scripted_api(echo) as api:
        msg = client(api).messages.create(**ASK)
    assert msg.content[0].text == "you said: hi"


def test_count_tokens():
    with scripted_api() as api:
        n = client(api).messages.count_tokens(
            model=MODEL, messages=[{"role": "user", "content": "hello " * 40}]
        )
        assert n.input_tokens > 10
        api.count_tokens = 1234
        assert client(api).messages.count_tokens(model=MODEL, messages=ASK["messages"]).input_tokens == 1234
        assert api.remaining == 0 and api.message_requests == []  # consumed no scripted reply
        assert api.requests[0].path == "/v1/messages/count_tokens"


# ---------------------------------------------------------------------------------------------------
# Recording


def test_requests_record_body_and_headers():
    tools = [
        {
            "name": "read_file",
            "description": "Read a file",
            "input_schema": {"type": "object", "properties": {}},
        }
    ]
    with scripted_api(text("ok")) as api:
        client(api).messages.create(
            model=MODEL,
            max_tokens=100,
            system="You are Treewright.",
            tools=tools,
            messages=[{"role": "user", "content": "read a.py"}],
        )
    (req,) = api.requests
    assert (req.method, req.path) == ("POST", "/v1/messages")
    # anthropic 2.x sends `api_key=` as a bearer token, not as `x-api-key`
    assert req.headers["authorization"] == "Bearer test-key"
    assert "x-api-key" not in req.headers
    assert req.api_key == "test-key"
    assert req.headers["content-type"] == "application/json"
    assert "anthropic-version" in req.headers
    assert req.body["model"] == MODEL
    assert req.body["system"] == "You are Treewright."
    assert req.body["tools"] == tools
    assert req.body["messages"] == [{"role": "user", "content": "read a.py"}]
    assert req.stream is False
    assert req.reply is not None


def test_empty_queue_fails_loudly_and_is_not_retried():
    with scripted_api() as api:
        with pytest.raises(anthropic.InternalServerError) as info:
            client(api, max_retries=2).messages.create(**ASK)
    assert "no scripted reply left" in str(info.value)
    assert len(api.requests) == 1


def test_strict_helper_reports_unused_replies():
    with pytest.raises(AssertionError, match="1 scripted replies left unused"):
        with scripted_api(text("never asked for"), strict=True):
            pass


# ---------------------------------------------------------------------------------------------------
# HTTP status faults


def test_429_raises_rate_limit_error():
    with scripted_api(status(429, retry_after=1)) as api:
        with pytest.raises(anthropic.RateLimitError) as info:
            client(api).messages.create(**ASK)
    err = info.value
    assert err.status_code == 429
    assert err.response.headers["retry-after"] == "1"
    assert err.body["type"] == "error" and err.body["error"]["type"] == "rate_limit_error"
    assert len(api.requests) == 1


def test_429_is_retried_after_retry_after_and_gets_the_next_reply():
    with scripted_api(status(429, retry_after=1), text("second time lucky"), strict=True) as api:
        t0 = time.monotonic()
        msg = client(api, max_retries=1).messages.create(**ASK)
        elapsed = time.monotonic() - t0
    assert msg.content[0].text == "second time lucky"
    assert len(api.requests) == 2
    assert [r.headers["x-stainless-retry-count"] for r in api.requests] == ["0", "1"]
    assert 0.9 <= elapsed < 4


def test_529_raises_overloaded_error():
    with scripted_api(status(529)) as api:
        with pytest.raises(anthropic.OverloadedError) as info:
            client(api).messages.create(**ASK)
    assert isinstance(info.value, anthropic.InternalServerError)  # OverloadedError subclasses it
    assert info.value.status_code == 529 and info.value.body["error"]["type"] == "overloaded_error"


def test_500_and_400():
    with scripted_api(status(500), status(400, message="messages: field required")) as api:
        c = client(api)
        with pytest.raises(anthropic.InternalServerError) as e500:
            c.messages.create(**ASK)
        assert not isinstance(e500.value, anthropic.OverloadedError)
        assert e500.value.body["error"]["type"] == "api_error"
        with pytest.raises(anthropic.BadRequestError) as e400:
            c.messages.create(stream=True, **ASK)  # a status error comes before any stream
    assert e400.value.body["error"] == {
        "type": "invalid_request_error",
        "message": "messages: field required",
    }


# ---------------------------------------------------------------------------------------------------
# Stream faults


def test_cut_stream_raises_remote_protocol_error_while_iterating():
    with scripted_api(cut_after(4, text("abcdefghij", chunks=5))) as api:
        seen = []
        stream = client(api).messages.create(stream=True, **ASK)  # headers arrived: no error yet
        with pytest.raises(httpx2.RemoteProtocolError, match="incomplete chunked read"):
            for event in stream:
                seen.append(event.type)
    # 4 events sent: message_start, content_block_start, ping (dropped by the SDK), one delta
    assert seen == ["message_start", "content_block_start", "content_block_delta"]
    assert not isinstance(httpx2.RemoteProtocolError("x"), anthropic.APIError)  # not wrapped by the SDK


def test_cut_stream_by_reset_raises_read_error_in_stream_helper():
    with scripted_api(cut_after(3, mode="reset")) as api:
        with pytest.raises(httpx2.ReadError):
            with client(api).messages.stream(**ASK) as stream:
                for _ in stream:
                    pass


def test_cut_non_streamed_body_raises_api_connection_error():
    with scripted_api(cut_after(1)) as api:
        with pytest.raises(anthropic.APIConnectionError):
            client(api).messages.create(**ASK)


def test_malformed_stream_raises_json_decode_error():
    with scripted_api(malformed()) as api:
        with pytest.raises(json.JSONDecodeError):
            for _ in client(api).messages.create(stream=True, **ASK):
                pass


def test_error_event_mid_stream_raises_api_status_error():
    with scripted_api(error_event(at=3)) as api:
        with pytest.raises(anthropic.APIStatusError) as info:
            with client(api).messages.stream(**ASK) as stream:
                for _ in stream:
                    pass
    assert info.value.status_code == 200  # the HTTP status of the stream itself
    assert info.value.body["error"]["type"] == "overloaded_error"


# ---------------------------------------------------------------------------------------------------
# Time: hangs, delays, slow streams


def test_hang_with_client_timeout_raises_api_timeout_error():
    with scripted_api(hang(10)) as api:
        t0 = time.monotonic()
        with pytest.raises(anthropic.APITimeoutError):
            client(api, timeout=1.0).messages.create(**ASK)
        assert time.monotonic() - t0 < 3
        t1 = time.monotonic()
    assert time.monotonic() - t1 < 2  # stop() cut the hang short


def test_hang_after_headers_times_out_while_iterating():
    with scripted_api(hang(10, send_headers=True)) as api:
        stream = client(api, timeout=1.0).messages.create(stream=True, **ASK)
        with pytest.raises(httpx2.ReadTimeout):
            for _ in stream:
                pass


def test_delay_before_first_byte():
    with scripted_api(text("late", delay=0.5)) as api:
        t0 = time.monotonic()
        client(api).messages.create(**ASK)
    assert 0.45 <= time.monotonic() - t0 < 3


def test_slow_stream_spaces_its_events():
    with scripted_api(text("slow stream", chunks=3).delay_between_events(0.1)) as api:
        t0 = time.monotonic()
        list(client(api).messages.create(stream=True, **ASK))
    # 9 events on the wire (with ping): 8 gaps of 0.1 s
    assert 0.75 <= time.monotonic() - t0 < 4


async def test_cancelling_a_slow_async_stream():
    with scripted_api(text("x" * 40, chunks=20).delay_between_events(0.2)) as api:
        got_first = asyncio.Event()

        async def consume():
            async with aclient(api).messages.stream(**ASK) as stream:
                async for event in stream:
                    if event.type == "content_block_delta":
                        got_first.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(got_first.wait(), 3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        t0 = time.monotonic()
    assert time.monotonic() - t0 < 2
    assert api.errors == []


def test_stop_ends_an_in_flight_hang():
    api = ScriptedAPI(hang(30)).start()
    outcome = {}

    def call():
        try:
            client(api, timeout=10.0).messages.create(**ASK)
        except Exception as e:  # noqa: BLE001 - recorded for the assertion
            outcome["error"] = e

    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 3
    while not api.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    t0 = time.monotonic()
    api.stop()
    thread.join(5)
    assert time.monotonic() - t0 < 3
    assert isinstance(outcome.get("error"), anthropic.APIConnectionError)


def test_unknown_path_is_404():
    with scripted_api() as api:
        with pytest.raises(anthropic.NotFoundError):
            client(api).models.list()
