"""``POST /api/messaging/channels/:id/generate-title``: a short title from the channel's recent messages.

It always answers (§10.54): when the model fails or returns nothing, the title falls back to the opening words of
the first message (``fallback: true`` in the answer).
"""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, Response

from ...errors import PyElizaError
from ...types import CentralMessage, ModelType
from ..deps import ServerDep, check_uuid, running_agent
from ..responses import ApiError, ok
from ..schemas import TitleBody

logger = logging.getLogger("pyeliza.server.titles")

router = APIRouter(prefix="/api/messaging", tags=["channels"])

TITLE_PROMPT = """Write a short title (at most six words) for this conversation.
Answer with the title only: no quotes, no punctuation at the end.

{conversation}
"""
MAX_TITLE_CHARS = 80
FALLBACK_WORDS = 6


def clean_title(raw: str) -> str:
    """The first non-empty line of ``raw`` without quotes, markup or a trailing period."""
    for line in raw.splitlines():
        text = re.sub(r"<[^>]+>", "", line).strip().strip("\"'`*#").strip().rstrip(".")
        if text:
            return text[:MAX_TITLE_CHARS]
    return ""


def fallback_title(messages: list[CentralMessage]) -> str:
    for message in reversed(messages):
        words = message.content.split()
        if words:
            title = " ".join(words[:FALLBACK_WORDS])
            return title[:MAX_TITLE_CHARS] + ("…" if len(words) > FALLBACK_WORDS else "")
    return "New conversation"


def _conversation(messages: list[CentralMessage], agent_id: str) -> str:
    lines = []
    for message in reversed(messages):
        who = "Assistant" if message.author_id == agent_id else "User"
        lines.append(f"{who}: {message.content}")
    return "\n".join(lines)


async def _title(channel_id: str, body: TitleBody, server: ServerDep) -> Response:
    check_uuid(channel_id, "channelId")
    runtime = running_agent(server, body.agent_id)
    if await server.central.get_channel_details(channel_id) is None:
        raise ApiError(404, "CHANNEL_NOT_FOUND", f"channel {channel_id} not found")
    messages = await server.central.get_messages_for_channel(channel_id, limit=50)
    title = ""
    if messages:
        prompt = TITLE_PROMPT.format(conversation=_conversation(messages, body.agent_id))
        try:
            raw = await runtime.use_model(
                ModelType.TEXT_SMALL, {"prompt": prompt, "temperature": 0.3, "max_tokens": 50}
            )
            title = clean_title(str(raw or ""))
        except PyElizaError as exc:
            logger.warning("title generation for channel %s failed: %s", channel_id, exc)
    if title:
        return ok({"title": title, "channelId": channel_id, "fallback": False})
    return ok({"title": fallback_title(messages), "channelId": channel_id, "fallback": True})


@router.post("/channels/{channel_id}/generate-title")
async def generate_title(channel_id: str, body: TitleBody, server: ServerDep) -> Response:
    return await _title(channel_id, body, server)


@router.post("/central-channels/{channel_id}/generate-title")
async def generate_title_alias(channel_id: str, body: TitleBody, server: ServerDep) -> Response:
    return await _title(channel_id, body, server)
