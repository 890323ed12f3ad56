"""Memories: the rows an agent remembers (messages, facts, documents, action results)."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from pydantic import Field

from ._base import ElizaModel, OpenElizaModel
from .content import Content
from .ids import UUID


class MemoryType(StrEnum):
    DOCUMENT = "document"
    FRAGMENT = "fragment"
    MESSAGE = "message"
    DESCRIPTION = "description"
    CUSTOM = "custom"


class MemoryScope(StrEnum):
    SHARED = "shared"
    PRIVATE = "private"
    ROOM = "room"


class MemoryMetadata(OpenElizaModel):
    """Memory metadata; ``type`` selects the kind (document, fragment, message, description, custom)."""

    type: str | None = None
    source: str | None = None
    source_id: str | None = None
    scope: MemoryScope | None = None
    timestamp: int | None = None
    tags: list[str] | None = None
    document_id: str | None = None
    position: int | None = None


def now_ms() -> int:
    """Milliseconds since the Unix epoch (the timestamp unit of the whole data model)."""
    return int(time.time() * 1000)


class Memory(ElizaModel):
    """One remembered item. ``embedding`` is stored beside the row; ``similarity`` is set by searches."""

    id: UUID | None = None
    entity_id: UUID
    agent_id: UUID | None = None
    room_id: UUID
    world_id: UUID | None = None
    content: Content
    embedding: list[float] | None = None
    created_at: int | None = None
    unique: bool | None = None
    similarity: float | None = None
    metadata: MemoryMetadata | None = None


def create_message_memory(
    *,
    entity_id: str,
    room_id: str,
    content: Content | dict[str, Any],
    agent_id: str | None = None,
    id: str | None = None,
    embedding: list[float] | None = None,
) -> Memory:
    """A message memory stamped with ``created_at`` and message metadata, like elizaOS ``createMessageMemory``."""
    now = now_ms()
    body = content if isinstance(content, Content) else Content.model_validate(content)
    return Memory(
        id=id,
        entity_id=entity_id,
        agent_id=agent_id,
        room_id=room_id,
        content=body,
        embedding=embedding,
        created_at=now,
        metadata=MemoryMetadata(
            type=MemoryType.MESSAGE,
            timestamp=now,
            scope=MemoryScope.PRIVATE if agent_id else MemoryScope.SHARED,
        ),
    )


class MemorySearchParams(ElizaModel):
    """Vector search parameters (``query`` enables BM25 re-ranking in the runtime)."""

    table_name: str
    embedding: list[float]
    match_threshold: float | None = None
    count: int = Field(default=10, ge=1)
    unique: bool | None = None
    room_id: UUID | None = None
    world_id: UUID | None = None
    entity_id: UUID | None = None
    query: str | None = None
