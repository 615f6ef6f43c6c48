"""The LSP fixtures live in tests/lsp_session.py, shared with the reliability suite."""

from lsp_session import start_server  # noqa: F401 - a fixture, used by name
