"""Entities, components, worlds, rooms, participants and relationships."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from ._base import ElizaModel
from .ids import UUID


class ChannelType(StrEnum):
    SELF = "SELF"
    DM = "DM"
    GROUP = "GROUP"
    VOICE_DM = "VOICE_DM"
    VOICE_GROUP = "VOICE_GROUP"
    FEED = "FEED"
    THREAD = "THREAD"
    WORLD = "WORLD"
    FORUM = "FORUM"
    API = "API"


class Role(StrEnum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    NONE = "NONE"


class ParticipantState(StrEnum):
    FOLLOWED = "FOLLOWED"
    MUTED = "MUTED"


class Component(ElizaModel):
    """A typed, sourced fact sheet about an entity (for example a platform handle)."""

    id: UUID
    entity_id: UUID
    agent_id: UUID
    room_id: UUID
    world_id: UUID | None = None
    source_entity_id: UUID | None = None
    type: str
    created_at: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class Entity(ElizaModel):
    """A user, agent or other actor as one agent sees it; ``names[0]`` is the display name."""

    id: UUID | None = None
    names: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    agent_id: UUID | None = None
    components: list[Component] | None = None


class World(ElizaModel):
    """A server or community; ``metadata`` holds ownership, roles and settings."""

    id: UUID
    name: str | None = None
    agent_id: UUID | None = None
    message_server_id: UUID | None = None
    metadata: dict[str, Any] | None = None


class Room(ElizaModel):
    """A conversation place; ``channel_id`` is the platform (or central) channel id."""

    id: UUID
    name: str | None = None
    agent_id: UUID | None = None
    source: str = "default"
    type: ChannelType = ChannelType.GROUP
    channel_id: str | None = None
    message_server_id: UUID | None = None
    world_id: UUID | None = None
    metadata: dict[str, Any] | None = None


class Participant(ElizaModel):
    """A participant row as returned by ``get_participants_for_entity``."""

    id: UUID
    entity: Entity


class Relationship(ElizaModel):
    """A directed relationship between two entities, with tags and metadata (e.g. ``interactions``)."""

    id: UUID | None = None
    source_entity_id: UUID
    target_entity_id: UUID
    agent_id: UUID | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: str | None = None
