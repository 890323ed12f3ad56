"""Deterministic ids that make message handling idempotent."""

from __future__ import annotations

from ..types import string_to_uuid


def response_id_for(agent_id: str, message_id: str) -> str:
    """The id of the agent's reply to ``message_id``: the same message always gets the same reply id.

    Storing the reply under this id is what marks a message as handled: a second attempt (a duplicate
    delivery, or a restart after a crash) finds it and does not answer again.
    """
    return string_to_uuid(f"response:{message_id}:{agent_id}")


def extra_reply_id(response_id: str, index: int) -> str:
    """The id of the ``index``-th additional message an action plan sends for the same response (index >= 1)."""
    return string_to_uuid(f"{response_id}:{index}")
