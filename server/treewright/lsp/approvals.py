"""Asking the user, through the editor, whether the agent may run a command."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types as lsp

from treewright.agent.permissions import Asker, Decision

log = logging.getLogger(__name__)

ALLOW_ONCE = "Allow once"
DENY = "Deny"
# How long a question may stay unanswered before it counts as Deny.
ANSWER_TIMEOUT = 300.0


def always_label(prefix: str) -> str:
    return f'Always allow "{prefix}"'


def editor_asker(ls, timeout: float = ANSWER_TIMEOUT) -> Asker:
    """An Asker that uses window/showMessageRequest; no capability or no answer is Deny."""

    async def ask(command: str, prefix: str) -> Decision:
        window = ls.client_capabilities.window
        if window is None or window.show_message is None:
            log.info("client cannot be asked (no showMessageRequest capability): denied %r", command)
            return Decision.DENY
        always = always_label(prefix)
        try:
            answer = await asyncio.wait_for(
                ls.window_show_message_request_async(
                    lsp.ShowMessageRequestParams(
                        type=lsp.MessageType.Warning,
                        message=f"Treewright wants to run: {command}",
                        actions=[lsp.MessageActionItem(ALLOW_ONCE), lsp.MessageActionItem(always),
                                 lsp.MessageActionItem(DENY)],
                    )
                ),
                timeout,
            )
        except TimeoutError:
            return Decision.DENY
        except Exception as e:  # a client that fails to answer has not said yes
            log.warning("showMessageRequest failed: %s", e)
            return Decision.DENY
        title = getattr(answer, "title", None)
        if title == ALLOW_ONCE:
            return Decision.ALLOW_ONCE
        if title == always:
            return Decision.ALLOW_ALWAYS
        return Decision.DENY

    return ask
