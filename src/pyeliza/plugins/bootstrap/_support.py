"""Small helpers shared by the bootstrap actions, providers and evaluator."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ...errors import StateError
from ...types import ChannelType, Entity, Memory, Role, Room, Task, World
from ._shared_reads import SharedReads

if TYPE_CHECKING:
    from ...runtime import AgentRuntime
    from ...storage import DatabaseAdapter


def adapter_of(runtime: AgentRuntime) -> DatabaseAdapter:
    """The runtime's adapter, or a clear error when the runtime has none (not initialised)."""
    adapter = runtime.adapter
    if adapter is None:
        raise StateError(f"agent {runtime.character.name!r} has no database adapter: initialize() the runtime first")
    return adapter


T = TypeVar("T")


async def shared(runtime: AgentRuntime, key: Hashable, fetch: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``fetch`` through the runtime's SharedReads service (directly when the service is not running)."""
    reads = runtime.get_service(SharedReads.service_type)
    if isinstance(reads, SharedReads):
        return await reads.read(key, fetch)
    return await fetch()


async def room_by_id(runtime: AgentRuntime, room_id: str) -> Room | None:
    rooms = await shared(runtime, ("room", room_id), lambda: adapter_of(runtime).get_rooms_by_ids([room_id]))
    return rooms[0] if rooms else None


async def agent_room_state(runtime: AgentRuntime, room_id: str) -> str | None:
    """The agent's participant state in the room (FOLLOWED, MUTED or None)."""
    adapter = adapter_of(runtime)
    return await shared(
        runtime, ("state", room_id), lambda: adapter.get_participant_user_state(room_id, runtime.agent_id)
    )


async def worlds_owned_by(runtime: AgentRuntime, entity_id: str) -> list[World]:
    adapter = adapter_of(runtime)
    return await shared(runtime, ("worlds owned by", entity_id), lambda: adapter.get_worlds_owned_by(entity_id))


async def room_entities(runtime: AgentRuntime, room_id: str) -> list[Entity]:
    adapter = adapter_of(runtime)
    return await shared(
        runtime, ("entities", room_id), lambda: adapter.get_entities_for_room(room_id, True, shared=True)
    )


async def room_tasks(runtime: AgentRuntime, room_id: str, tags: Sequence[str]) -> list[Task]:
    adapter = adapter_of(runtime)
    key = ("tasks", room_id, tuple(tags))
    return await shared(runtime, key, lambda: adapter.get_tasks(room_id=room_id, tags=list(tags)))


def nested_items(parsed: dict[str, Any] | None, block: str, item: str) -> list[dict[str, Any]]:
    """The ``<item>`` dicts inside ``<block>`` of a parsed XML tree.

    Accepts ``{block: {item: ...}}``, ``{block: [...]}`` and ``{item: ...}`` (the parser unwraps a lone wrapper
    element), with one item or a list of them.
    """
    if not parsed:
        return []
    container: Any = parsed.get(block)
    if container is None:
        items: Any = parsed.get(item)
    elif isinstance(container, dict):
        items = container.get(item, [container] if item not in container and container else [])
    else:
        items = container
    if isinstance(items, dict):
        items = [items]
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def without_embeddings(memories: list[Memory]) -> list[Memory]:
    """Drop the vectors of freshly read memories before they go into provider data.

    States are cached per message; vectors would bloat the cache. A memory with a vector must be the caller's
    own (just read from the adapter): it is changed in place, which is far cheaper than copying it. Shared
    read-only snapshots carry no vector and are left alone.
    """
    for memory in memories:
        if memory.embedding is not None:
            memory.embedding = None
    return memories


def channel_type_of(message: Memory, room: Room | None) -> str:
    """The message's channel type, falling back to the room's type (server messages often lack it)."""
    if message.content.channel_type:
        return str(message.content.channel_type).upper()
    if room is not None:
        return str(room.type.value if isinstance(room.type, ChannelType) else room.type).upper()
    return ""


async def world_of_room(runtime: AgentRuntime, room_id: str) -> tuple[Room | None, World | None]:
    """The room and the world it belongs to (either may be missing)."""
    room = await room_by_id(runtime, room_id)
    if room is None or room.world_id is None:
        return room, None
    world_id = room.world_id
    return room, await shared(runtime, ("world", world_id), lambda: adapter_of(runtime).get_world(world_id))


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
