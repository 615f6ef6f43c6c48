"""JSON-RPC errors with the codes PROTOCOL.md names, each with a message a person can act on."""

from __future__ import annotations

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcRequestCancelled

__all__ = ["BadParams", "Cancelled", "RequestFailed", "UnknownItem"]

BadParams = JsonRpcInvalidParams  # -32602
Cancelled = JsonRpcRequestCancelled  # -32800


class RequestFailed(JsonRpcException):
    """The model or the network failed (LSP's RequestFailed)."""

    CODE = -32803


class UnknownItem(JsonRpcException):
    """An unknown proposal or session id."""

    CODE = -32001
