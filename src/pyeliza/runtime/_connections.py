"""Connections: making sure worlds, rooms, entities and participants exist before a message is handled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InvalidInputError, StateError
from ..types import ChannelType, Entity, Room, World, create_unique_uuid
from ._core import logger
from ._memories import MemoriesMixin

CONNECTION_BATCH_SIZE = 5000


def _batches(items: Sequence[Any], size: int = CONNECTION_BATCH_SIZE) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class ConnectionsMixin(MemoriesMixin):
    async def ensure_world_exists(self, world: World) -> None:
        """Create the world unless it exists (an existing world is left as it is)."""
        adapter = self._require_adapter()
        if await adapter.get_world(world.id) is None:
            if world.agent_id is None:
                world = world.model_copy(update={"agent_id": self.agent_id})
            await adapter.create_world(world)
            logger.debug("agent %s: world %s created", self.character.name, world.id)

    async def ensure_room_exists(self, room: Room) -> None:
        """Create the room (with its metadata) unless it exists; the room must name its world."""
        if room.world_id is None:
            raise InvalidInputError(f"room {room.id} has no world_id; every room belongs to a world")
        if await self.get_room(room.id) is None:
            if room.agent_id is None:
                room = room.model_copy(update={"agent_id": self.agent_id})
            await self._require_adapter().create_rooms([room])
            logger.debug("agent %s: room %s created", self.character.name, room.id)

    async def ensure_participant_in_room(self, entity_id: str, room_id: str) -> None:
        """Add the entity to the room unless it is a participant already."""
        adapter = self._require_adapter()
        if await self.get_entity_by_id(entity_id) is None:
            if entity_id == self.agent_id:
                raise StateError(f"agent entity {entity_id} does not exist; initialize() the runtime first")
            logger.warning("agent %s: entity %s is unknown; adding it to room %s", self.agent_id, entity_id, room_id)
        if not await adapter.is_room_participant(room_id, entity_id):
            await adapter.add_participants_room([entity_id], room_id)

    async def ensure_connection(
        self,
        entity_id: str,
        room_id: str,
        *,
        world_id: str | None = None,
        world_name: str | None = None,
        user_name: str | None = None,
        name: str | None = None,
        source: str | None = None,
        type: ChannelType | str | None = None,
        channel_id: str | None = None,
        message_server_id: str | None = None,
        user_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Make sure the entity, its world and room exist and both the entity and the agent are in the room."""
        if world_id is None:
            world_id = create_unique_uuid(self.agent_id, message_server_id) if message_server_id else room_id
        source_key = source or "default"
        names = [n for n in (name, user_name) if n]
        block = {k: v for k, v in {"id": user_id, "name": name, "userName": user_name}.items() if v is not None}
        existing = await self.get_entity_by_id(entity_id)
        if existing is None:
            await self.create_entity(
                Entity(id=entity_id, names=names, metadata={source_key: block}, agent_id=self.agent_id)
            )
        else:
            merged_names = list(dict.fromkeys([*existing.names, *names]))
            merged_metadata = dict(existing.metadata)
            merged_metadata[source_key] = {**(existing.metadata.get(source_key) or {}), **block}
            if merged_names != existing.names or merged_metadata != existing.metadata:
                await self._require_adapter().update_entity(
                    existing.model_copy(update={"names": merged_names, "metadata": merged_metadata})
                )
        default_world_name = (
            f"World for server {message_server_id}" if message_server_id else f"World for room {room_id}"
        )
        await self.ensure_world_exists(
            World(
                id=world_id,
                name=world_name or default_world_name,
                agent_id=self.agent_id,
                message_server_id=message_server_id,
                metadata=metadata,
            )
        )
        await self.ensure_room_exists(
            Room(
                id=room_id,
                name=name or "default",
                source=source or "default",
                type=ChannelType(type) if type else ChannelType.DM,
                channel_id=channel_id,
                message_server_id=message_server_id,
                world_id=world_id,
                metadata=metadata,
            )
        )
        await self.ensure_participant_in_room(entity_id, room_id)
        await self.ensure_participant_in_room(self.agent_id, room_id)
        logger.debug("agent %s: entity %s connected in room %s", self.character.name, entity_id, room_id)

    async def ensure_connections(
        self, entities: Sequence[Entity], rooms: Sequence[Room], source: str, world: World
    ) -> None:
        """Bulk version for platform syncs: world, rooms and entities, every entity in every given room."""
        if not entities or not rooms:
            logger.debug("agent %s: ensure_connections without entities or rooms: nothing to do", self.agent_id)
            return
        adapter = self._require_adapter()
        await self.ensure_world_exists(world)
        existing_rooms = {r.id for r in await adapter.get_rooms_by_ids([r.id for r in rooms])}
        new_rooms = [
            r.model_copy(
                update={
                    "world_id": world.id,
                    "message_server_id": world.message_server_id,
                    "source": source,
                    "agent_id": self.agent_id,
                }
            )
            for r in rooms
            if r.id not in existing_rooms
        ]
        if new_rooms:
            await adapter.create_rooms(new_rooms)
        with_ids = [e for e in entities if e.id]
        for batch in _batches(with_ids):
            await self.create_entities(batch)
        entity_ids = [e.id for e in with_ids if e.id]
        for room in rooms:
            present = set(await adapter.get_participants_for_room(room.id))
            missing = [i for i in dict.fromkeys([self.agent_id, *entity_ids]) if i not in present]
            for batch in _batches(missing):
                await adapter.add_participants_room(batch, room.id)
        logger.debug(
            "agent %s: %d entities connected in %d rooms of world %s",
            self.agent_id,
            len(entity_ids),
            len(rooms),
            world.id,
        )
