"""Worlds, rooms and room participants."""

from __future__ import annotations

from collections.abc import Sequence

from ....errors import InvalidInputError
from ....types import Participant, ParticipantState, Room, World, new_uuid, now_ms
from ..codec import (
    check_id,
    check_ids,
    check_optional_id,
    entity_from_row,
    optional_json,
    room_from_row,
    world_from_row,
)
from ._base import StoreBase
from ._pool import affected_rows

_STATES = frozenset(state.value for state in ParticipantState)


class RoomStore(StoreBase):
    async def create_world(self, world: World) -> str:
        world_id = check_id(world.id, "world.id") if world.id else new_uuid()
        await self._pool.execute(
            "create world",
            "INSERT INTO worlds (id, agent_id, name, metadata, message_server_id, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            world_id,
            check_id(world.agent_id or self._agent, "world.agent_id"),
            world.name or "",
            optional_json(world.metadata, "world.metadata"),
            check_optional_id(world.message_server_id, "world.message_server_id"),
            now_ms(),
        )
        return world_id

    async def get_world(self, world_id: str) -> World | None:
        row = await self._pool.fetchrow(
            "get world", "SELECT * FROM worlds WHERE id = $1", check_id(world_id, "world_id")
        )
        return None if row is None else world_from_row(row)

    async def get_all_worlds(self) -> list[World]:
        rows = await self._pool.fetch(
            "list worlds", "SELECT * FROM worlds WHERE agent_id = $1 ORDER BY created_at, id", self._agent
        )
        return [world_from_row(row) for row in rows]

    async def get_worlds_owned_by(self, entity_id: str) -> list[World]:
        rows = await self._pool.fetch(
            "list the worlds an entity owns",
            "SELECT * FROM worlds WHERE agent_id = $1 AND metadata->'ownership'->>'ownerId' = $2 "
            "ORDER BY created_at, id",
            self._agent,
            check_id(entity_id, "entity_id"),
        )
        return [world_from_row(row) for row in rows]

    async def update_world(self, world: World) -> None:
        await self._pool.execute(
            "update world",
            "UPDATE worlds SET name = $2, metadata = $3, message_server_id = $4 WHERE id = $1",
            check_id(world.id, "world.id"),
            world.name or "",
            optional_json(world.metadata, "world.metadata"),
            check_optional_id(world.message_server_id, "world.message_server_id"),
        )

    async def remove_world(self, world_id: str) -> None:
        await self._pool.execute("remove world", "DELETE FROM worlds WHERE id = $1", check_id(world_id, "world_id"))

    async def get_rooms_by_ids(self, room_ids: Sequence[str]) -> list[Room]:
        ids = check_ids(room_ids, "room_ids")
        if not ids:
            return []
        rows = await self._pool.fetch(
            "read rooms",
            "SELECT * FROM rooms WHERE id = ANY($1::uuid[]) AND agent_id = $2 ORDER BY created_at, id",
            ids,
            self._agent,
        )
        return [room_from_row(row) for row in rows]

    async def create_rooms(self, rooms: Sequence[Room]) -> list[str]:
        if not rooms:
            return []
        now = now_ms()
        records = [
            (
                check_id(room.id, "room.id") if room.id else new_uuid(),
                self._agent,
                room.source,
                str(room.type),
                check_optional_id(room.message_server_id, "room.message_server_id"),
                check_optional_id(room.world_id, "room.world_id"),
                room.name,
                optional_json(room.metadata, "room.metadata"),
                room.channel_id,
                now,
            )
            for room in rooms
        ]
        await self._pool.executemany(
            "create rooms",
            "INSERT INTO rooms (id, agent_id, source, type, message_server_id, world_id, name, metadata, channel_id, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
            records,
        )
        return [record[0] for record in records]

    async def update_room(self, room: Room) -> None:
        await self._pool.execute(
            "update room",
            "UPDATE rooms SET agent_id = $2, source = $3, type = $4, message_server_id = $5, world_id = $6, name = $7, "
            "metadata = $8, channel_id = $9 WHERE id = $1",
            check_id(room.id, "room.id"),
            self._agent,
            room.source,
            str(room.type),
            check_optional_id(room.message_server_id, "room.message_server_id"),
            check_optional_id(room.world_id, "room.world_id"),
            room.name,
            optional_json(room.metadata, "room.metadata"),
            room.channel_id,
        )

    async def delete_room(self, room_id: str) -> None:
        await self._pool.execute("delete room", "DELETE FROM rooms WHERE id = $1", check_id(room_id, "room_id"))

    async def delete_rooms_by_world_id(self, world_id: str) -> None:
        await self._pool.execute(
            "delete the rooms of a world",
            "DELETE FROM rooms WHERE world_id = $1 AND agent_id = $2",
            check_id(world_id, "world_id"),
            self._agent,
        )

    async def get_rooms_by_world(self, world_id: str) -> list[Room]:
        rows = await self._pool.fetch(
            "read the rooms of a world",
            "SELECT * FROM rooms WHERE world_id = $1 ORDER BY created_at, id",
            check_id(world_id, "world_id"),
        )
        return [room_from_row(row) for row in rows]

    async def add_participants_room(self, entity_ids: Sequence[str], room_id: str) -> bool:
        ids = list(dict.fromkeys(check_ids(entity_ids, "entity_ids")))
        if not ids:
            return True
        await self._pool.execute(
            "add participants",
            "INSERT INTO participants (id, entity_id, room_id, agent_id, created_at) "
            "SELECT gen_random_uuid(), e, $2, $3, $4 FROM unnest($1::uuid[]) AS e "
            "ON CONFLICT (entity_id, room_id, agent_id) DO NOTHING",
            ids,
            check_id(room_id, "room_id"),
            self._agent,
            now_ms(),
        )
        return True

    async def remove_participant(self, entity_id: str, room_id: str) -> bool:
        status = await self._pool.execute(
            "remove participant",
            "DELETE FROM participants WHERE entity_id = $1 AND room_id = $2 AND agent_id = $3",
            check_id(entity_id, "entity_id"),
            check_id(room_id, "room_id"),
            self._agent,
        )
        return affected_rows(status) > 0

    async def get_participants_for_entity(self, entity_id: str) -> list[Participant]:
        rows = await self._pool.fetch(
            "read the participations of an entity",
            "SELECT p.id AS participant_id, e.* FROM participants p JOIN entities e ON e.id = p.entity_id "
            "WHERE p.entity_id = $1 AND p.agent_id = $2 ORDER BY p.created_at, p.id",
            check_id(entity_id, "entity_id"),
            self._agent,
        )
        return [Participant(id=row["participant_id"], entity=entity_from_row(row)) for row in rows]

    async def get_participants_for_room(self, room_id: str) -> list[str]:
        rows = await self._pool.fetch(
            "read the participants of a room",
            "SELECT DISTINCT ON (entity_id) entity_id FROM participants WHERE room_id = $1 ORDER BY entity_id",
            check_id(room_id, "room_id"),
        )
        return [row["entity_id"] for row in rows]

    async def is_room_participant(self, room_id: str, entity_id: str) -> bool:
        found: bool = await self._pool.fetchval(
            "check participation",
            "SELECT EXISTS (SELECT 1 FROM participants WHERE room_id = $1 AND entity_id = $2)",
            check_id(room_id, "room_id"),
            check_id(entity_id, "entity_id"),
        )
        return found

    async def get_rooms_for_participant(self, entity_id: str) -> list[str]:
        return await self.get_rooms_for_participants([entity_id])

    async def get_rooms_for_participants(self, entity_ids: Sequence[str]) -> list[str]:
        ids = check_ids(entity_ids, "entity_ids")
        if not ids:
            return []
        rows = await self._pool.fetch(
            "read the rooms of participants",
            "SELECT DISTINCT p.room_id FROM participants p JOIN rooms r ON r.id = p.room_id "
            "WHERE p.entity_id = ANY($1::uuid[]) AND r.agent_id = $2 ORDER BY p.room_id",
            ids,
            self._agent,
        )
        return [row["room_id"] for row in rows]

    async def get_participant_user_state(self, room_id: str, entity_id: str) -> str | None:
        state: str | None = await self._pool.fetchval(
            "read participant state",
            "SELECT room_state FROM participants WHERE room_id = $1 AND entity_id = $2 AND agent_id = $3",
            check_id(room_id, "room_id"),
            check_id(entity_id, "entity_id"),
            self._agent,
        )
        return state

    async def set_participant_user_state(self, room_id: str, entity_id: str, state: str | None) -> None:
        if state is not None and state not in _STATES:
            raise InvalidInputError(f"participant state must be one of {sorted(_STATES)} or None, got {state!r}")
        await self._pool.execute(
            "set participant state",
            "UPDATE participants SET room_state = $4 WHERE room_id = $1 AND entity_id = $2 AND agent_id = $3",
            check_id(room_id, "room_id"),
            check_id(entity_id, "entity_id"),
            self._agent,
            state,
        )
