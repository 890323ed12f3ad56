"""Message payloads: Content, Media attachments and mention context."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from ._base import ElizaModel, OpenElizaModel


class ContentType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    LINK = "link"


def content_type_from_mime(mime: str) -> ContentType | None:
    """Map a MIME type to the elizaOS content type of an attachment."""
    lowered = mime.lower()
    if lowered.startswith("image/"):
        return ContentType.IMAGE
    if lowered.startswith("video/"):
        return ContentType.VIDEO
    if lowered.startswith("audio/"):
        return ContentType.AUDIO
    if "pdf" in lowered or "document" in lowered or lowered.startswith("text/"):
        return ContentType.DOCUMENT
    return None


class Media(OpenElizaModel):
    """An attachment."""

    id: str
    url: str
    title: str | None = None
    source: str | None = None
    description: str | None = None
    text: str | None = None
    content_type: ContentType | None = None


class MentionContext(ElizaModel):
    """Platform facts about how the incoming message addressed the agent."""

    is_mention: bool = False
    is_reply: bool = False
    is_thread: bool = False
    mention_type: Literal["platform_mention", "reply", "thread", "none"] | None = None


class Content(OpenElizaModel):
    """The payload of every message and memory. Unknown keys are kept (elizaOS content is open)."""

    text: str | None = None
    thought: str | None = None
    actions: list[str] | None = None
    providers: list[str] | None = None
    source: str | None = None
    target: str | None = None
    url: str | None = None
    in_reply_to: str | None = None
    attachments: list[Media] | None = None
    channel_type: str | None = None
    mention_context: MentionContext | None = None
    response_message_id: str | None = None
    response_id: str | None = None
    simple: bool | None = None
    type: str | None = None
    action_name: str | None = Field(default=None)
