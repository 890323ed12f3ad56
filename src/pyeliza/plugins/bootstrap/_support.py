"""Small helpers shared by the bootstrap actions, providers and evaluator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import StateError
from ...types import ChannelType, Memory, Role, Room, World

if TYPE_CHECKING:
    from ...runtime import AgentRuntime
    from ...storage import DatabaseAdapter


def adapter_of(runtime: AgentRuntime) -> DatabaseAdapter:
    """The runtime's adapter, or a clear error when the runtime has none (not initialised)."""
    adapter = runtime.adapter
    if adapter is None:
        raise StateError(f"agent {runtime.character.name!r} has no database adapter: initialize() the runtime first")
    return adapter


def channel_type_of(message: Memory, room: Room | None) -> str:
    """The message's channel type, falling back to the room's type (server messages often lack it)."""
    if message.content.channel_type:
        return str(message.content.channel_type).upper()
    if room is not None:
        return str(room.type.value if isinstance(room.type, ChannelType) else room.type).upper()
    return ""


async def world_of_room(runtime: AgentRuntime, room_id: str) -> tuple[Room | None, World | None]:
    """The room and the world it belongs to (either may be missing)."""
    adapter = adapter_of(runtime)
    rooms = await adapter.get_rooms_by_ids([room_id])
    room = rooms[0] if rooms else None
    if room is None or room.world_id is None:
        return room, None
    return room, await adapter.get_world(room.world_id)


def roles_of(world: World | None) -> dict[str, str]:
    metadata = world.metadata if world is not None and world.metadata else {}
    roles = metadata.get("roles")
    return {str(k): str(v).upper() for k, v in roles.items()} if isinstance(roles, dict) else {}


def role_in(world: World | None, entity_id: str) -> str:
    """OWNER, ADMIN or NONE; the world's owner counts as OWNER even without a roles entry."""
    role = roles_of(world).get(entity_id)
    if role:
        return role
    metadata = world.metadata if world is not None and world.metadata else {}
    ownership: Any = metadata.get("ownership")
    if isinstance(ownership, dict) and ownership.get("ownerId") == entity_id:
        return Role.OWNER.value
    return Role.NONE.value


def sender_name(message: Memory, names: dict[str, str] | None = None) -> str:
    """The display name of the message's sender."""
    if names and message.entity_id in names:
        return names[message.entity_id]
    metadata = message.metadata.model_dump() if message.metadata is not None else {}
    for key in ("entityName", "entity_name"):
        if metadata.get(key):
            return str(metadata[key])
    extra = message.content.model_extra or {}
    for key in ("senderName", "name", "userName"):
        if extra.get(key):
            return str(extra[key])
    return "Unknown User"
