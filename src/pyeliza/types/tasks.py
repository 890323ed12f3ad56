"""Tasks: persisted units of background work picked up by the task service."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import ElizaModel
from .ids import UUID


class Task(ElizaModel):
    """A task; ``name`` names a registered task worker. Tags: ``queue``, ``repeat``, ``immediate``."""

    id: UUID | None = None
    name: str
    description: str = ""
    room_id: UUID | None = None
    world_id: UUID | None = None
    entity_id: UUID | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    updated_at: int | None = None
    created_at: int | None = None
