"""The central messaging model of the server: message servers, channels and their messages."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import ElizaModel
from .entities import ChannelType
from .ids import UUID


class MessageServer(ElizaModel):
    id: UUID
    name: str
    source_type: str
    source_id: str | None = None
    metadata: dict[str, Any] | None = None
    created_at: int | None = None
    updated_at: int | None = None


class Channel(ElizaModel):
    id: UUID
    message_server_id: UUID
    name: str
    type: ChannelType = ChannelType.GROUP
    source_type: str | None = None
    source_id: str | None = None
    topic: str | None = None
    metadata: dict[str, Any] | None = None
    created_at: int | None = None
    updated_at: int | None = None


class CentralMessage(ElizaModel):
    id: UUID
    channel_id: UUID
    author_id: str
    content: str
    raw_message: dict[str, Any] | None = None
    in_reply_to_root_message_id: UUID | None = None
    source_type: str | None = None
    source_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: int | None = None
    updated_at: int | None = None
