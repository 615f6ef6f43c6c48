"""A scripted Anthropic Messages API server for tests that drive the real ``anthropic`` SDK over HTTP.

See ``server.py`` for the details; everything a test needs is re-exported here.
"""

from .server import (
    HangReply,
    MessageReply,
    RecordedRequest,
    Reply,
    ScriptedAPI,
    StatusReply,
    TextBlock,
    ToolUseBlock,
    Usage,
    cut_after,
    error_event,
    estimate_tokens,
    hang,
    malformed,
    message,
    scripted_api,
    status,
    text,
    tool_use,
)

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
