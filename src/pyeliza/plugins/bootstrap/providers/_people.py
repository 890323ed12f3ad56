"""ENTITIES, RELATIONSHIPS, ROLES and WORLD: who is here and how they relate — §7.4 (ROLES never throws)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ....prompts import add_header, format_entities
from ....types import ChannelType, Entity, Memory, Provider, ProviderResult, State
from .._support import adapter_of, roles_of, room_entities, sender_name, world_of_room

if TYPE_CHECKING:
    from ....runtime import AgentRuntime


async def _entities(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    entities = await room_entities(runtime, message.room_id)
    names = {e.id: e.names[0] for e in entities if e.id and e.names}
    text = add_header("# People in the Room", format_entities(entities))
    return ProviderResult(
        text=text,
        values={"entities": text},
        data={"entitiesData": entities, "senderName": sender_name(message, names)},
    )


async def _relationships(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    adapter = adapter_of(runtime)
    relationships = await adapter.get_relationships(message.entity_id)
    with_interactions = [r for r in relationships if isinstance(r.metadata.get("interactions"), int | float)]
    with_interactions.sort(key=lambda r: r.metadata["interactions"], reverse=True)
    top = with_interactions[:30]
    if not top:
        return ProviderResult(text="No relationships found.", values={"relationships": ""}, data={"relationships": []})
    others = {r.target_entity_id if r.source_entity_id == message.entity_id else r.source_entity_id for r in top}
    entities = {e.id: e for e in await adapter.get_entities_by_ids(list(others))}
    lines: list[str] = []
    for relationship in top:
        other_id = (
            relationship.target_entity_id
            if relationship.source_entity_id == message.entity_id
            else relationship.source_entity_id
        )
        other = entities.get(other_id)
        names = " aka ".join(other.names) if other and other.names else other_id
        metadata = json.dumps(other.metadata if other else {}, default=str)
        lines.append(f"{names}\nTags: {', '.join(relationship.tags)}\nData: {metadata}")
    sender = sender_name(message)
    text = add_header(f"# {runtime.character.name} has observed {sender} interacting with:", "\n\n".join(lines))
    return ProviderResult(text=text, values={"relationships": text}, data={"relationships": top})


def _display_name(entity: Entity | None, entity_id: str) -> str | None:
    if entity is None:
        return None
    metadata: dict[str, Any] = entity.metadata or {}
    flat: dict[str, Any] = dict(metadata)
    for value in metadata.values():
        if isinstance(value, dict):
            flat.update(value)
    name = flat.get("name") or flat.get("username") or (entity.names[0] if entity.names else None)
    return str(name) if name else None


async def _roles(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    room, world = await world_of_room(runtime, message.room_id)
    if room is None or room.type != ChannelType.GROUP:
        text = "Role information is only available in group channels, not in direct messages."
        return ProviderResult(text=text if room is not None else "", values={"roles": ""}, data={"roles": {}})
    roles = roles_of(world)
    if not roles:
        return ProviderResult(text="No role information available for this server.", values={"roles": ""})
    entities = {e.id: e for e in await adapter_of(runtime).get_entities_by_ids(list(roles))}
    groups: dict[str, list[str]] = {"OWNER": [], "ADMIN": [], "NONE": []}
    for entity_id, role in roles.items():
        name = _display_name(entities.get(entity_id), entity_id)
        if name:
            groups.setdefault(role, []).append(name)
    sections = [
        add_header("## Owners", "\n".join(groups["OWNER"])),
        add_header("## Administrators", "\n".join(groups["ADMIN"])),
        add_header("## Members", "\n".join(groups["NONE"])),
    ]
    text = add_header("# Server Role Hierarchy", "\n".join(s for s in sections if s))
    return ProviderResult(text=text, values={"roles": text}, data={"roles": roles})


async def _world(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    room, world = await world_of_room(runtime, message.room_id)
    if room is None or world is None:
        return ProviderResult(text="", values={"worldInfo": ""})
    adapter = adapter_of(runtime)
    rooms = await adapter.get_rooms_by_world(world.id)
    participants = await adapter.get_participants_for_room(room.id)
    counts: dict[str, int] = {}
    for other in rooms:
        kind = {
            ChannelType.GROUP: "text",
            ChannelType.VOICE_GROUP: "voice",
            ChannelType.VOICE_DM: "voice",
            ChannelType.DM: "dm",
            ChannelType.FEED: "feed",
            ChannelType.THREAD: "thread",
        }.get(other.type, "other")
        counts[kind] = counts.get(kind, 0) + 1
    lines = [
        f"World: {world.name or world.id}",
        f"Current channel: {room.name or room.id} ({room.type.value})",
        f"Total channels: {len(rooms)}",
        f"Participants in this channel: {len(participants)}",
        "Channels by type: " + ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())),
    ]
    text = add_header("# World Information", "\n".join(lines))
    return ProviderResult(
        text=text,
        values={"worldName": world.name or "", "currentChannelName": room.name or "", "worldInfo": text},
        data={"world": world, "room": room},
    )


entities_provider = Provider(name="ENTITIES", description="People in the current room", get=_entities, dynamic=True)
relationships_provider = Provider(
    name="RELATIONSHIPS",
    description="Relationships between the sender and other people the agent has observed",
    get=_relationships,
    dynamic=True,
)
roles_provider = Provider(name="ROLES", description="Roles of the people in the server", get=_roles)
world_provider = Provider(
    name="WORLD", description="The world (server) and channel this conversation is in", get=_world, dynamic=True
)
