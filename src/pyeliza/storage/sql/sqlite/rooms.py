"""Worlds, rooms and participants (with the agent's per-room follow/mute state)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ....errors import InvalidInputError
from ....types import Participant, ParticipantState, Room, World, new_uuid, now_ms
from ..codec import check_id, check_ids, check_optional_id, dump_json, entity_from_row, room_from_row, world_from_row
from .database import WriteTx
from .store import SqliteStore, chunks, diagnose_missing, placeholders, require_row


def _room_values(room: Room, agent_id: str) -> tuple[Any, ...]:
    room_id = check_id(room.id, "room.id")
    return (
        room_id,
        agent_id,
        room.source,
        str(room.type),
        room.channel_id,
        check_optional_id(room.message_server_id, "room.message_server_id"),
        check_optional_id(room.world_id, "room.world_id"),
        room.name,
        None if room.metadata is None else dump_json(room.metadata, f"metadata of room {room_id}"),
    )


class RoomStore(SqliteStore):
    __slots__ = ()

    # -- worlds ------------------------------------------------------------------------------------------
    async def create_world(self, world: World) -> str:
        world_id = check_id(world.id or new_uuid(), "world.id")
        values = (
            world_id,
            check_id(world.agent_id or self._agent_id, "world.agent_id"),
            world.name or "",
            check_optional_id(world.message_server_id, "world.message_server_id"),
            None if world.metadata is None else dump_json(world.metadata, f"metadata of world {world_id}"),
            now_ms(),
        )
        await self._db.write(
            lambda tx: tx.conn.execute(
                "INSERT INTO worlds (id, agent_id, name, message_server_id, metadata, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                values,
            )
        )
        return world_id

    async def get_world(self, world_id: str) -> World | None:
        target = check_id(world_id, "world_id")
        row = await self._db.read_remembered(
            ("world", target), lambda c: c.execute("SELECT * FROM worlds WHERE id = ?", (target,)).fetchone()
        )
        return world_from_row(row) if row else None

    async def get_all_worlds(self) -> list[World]:
        agent = self._agent_id
        rows = await self._db.read_remembered(
            ("worlds", agent),
            lambda c: tuple(c.execute("SELECT * FROM worlds WHERE agent_id = ? ORDER BY created_at, id", (agent,))),
        )
        return [world_from_row(r) for r in rows]

    async def get_worlds_owned_by(self, entity_id: str) -> list[World]:
        args = (self._agent_id, check_id(entity_id, "entity_id"))
        rows = await self._db.read_remembered(
            ("worlds owned by", *args),
            lambda c: tuple(
                c.execute(
                    "SELECT * FROM worlds WHERE agent_id = ? AND json_extract(metadata, '$.ownership.ownerId') = ? "
                    "ORDER BY created_at, id",
                    args,
                )
            ),
        )
        return [world_from_row(r) for r in rows]

    async def update_world(self, world: World) -> None:
        world_id = check_id(world.id, "world.id")
        values = (
            world.name or "",
            check_optional_id(world.message_server_id, "world.message_server_id"),
            None if world.metadata is None else dump_json(world.metadata, f"metadata of world {world_id}"),
            world_id,
        )
        await self._db.write(
            lambda tx: tx.conn.execute(
                "UPDATE worlds SET name = ?, message_server_id = ?, metadata = ? WHERE id = ?", values
            )
        )

    async def remove_world(self, world_id: str) -> None:
        target = check_id(world_id, "world_id")
        await self._db.write(lambda tx: tx.conn.execute("DELETE FROM worlds WHERE id = ?", (target,)))

    # -- rooms -------------------------------------------------------------------------------------------
    async def get_rooms_by_ids(self, room_ids: Sequence[str]) -> list[Room]:
        ids = check_ids(room_ids, "room id")
        agent = self._agent_id

        def job(conn: sqlite3.Connection) -> tuple[sqlite3.Row, ...]:
            rows: list[sqlite3.Row] = []
            for part in chunks(ids):
                rows += conn.execute(
                    f"SELECT * FROM rooms WHERE agent_id = ? AND id IN ({placeholders(len(part))})", (agent, *part)
                ).fetchall()
            return tuple(rows)

        return [room_from_row(r) for r in await self._db.read_remembered(("rooms", agent, *ids), job)]

    async def create_rooms(self, rooms: Sequence[Room]) -> list[str]:
        values = [(*_room_values(r, self._agent_id), now_ms()) for r in rooms]
        await self._db.write(
            lambda tx: tx.conn.executemany(
                "INSERT INTO rooms (id, agent_id, source, type, channel_id, message_server_id, world_id, name, "
                "metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                values,
            )
        )
        return [v[0] for v in values]

    async def update_room(self, room: Room) -> None:
        values = _room_values(room, self._agent_id)
        await self._db.write(
            lambda tx: tx.conn.execute(
                "UPDATE rooms SET agent_id = ?, source = ?, type = ?, channel_id = ?, message_server_id = ?, "
                "world_id = ?, name = ?, metadata = ? WHERE id = ?",
                (*values[1:], values[0]),
            )
        )

    async def delete_room(self, room_id: str) -> None:
        target = check_id(room_id, "room_id")
        await self._delete_rooms("SELECT id FROM rooms WHERE id = ?", (target,))

    async def delete_rooms_by_world_id(self, world_id: str) -> None:
        target = check_id(world_id, "world_id")
        await self._delete_rooms("SELECT id FROM rooms WHERE world_id = ? AND agent_id = ?", (target, self._agent_id))

    async def _delete_rooms(self, select: str, args: tuple[Any, ...]) -> None:
        def job(tx: WriteTx) -> None:
            rooms = [r[0] for r in tx.conn.execute(select, args).fetchall()]
            doomed: list[str] = []
            for part in chunks(rooms):
                marks = placeholders(len(part))
                doomed += [
                    r[0] for r in tx.conn.execute(f"SELECT id FROM memories WHERE room_id IN ({marks})", tuple(part))
                ]
                tx.conn.execute(f"DELETE FROM rooms WHERE id IN ({marks})", tuple(part))
            if doomed:
                tx.after_commit.append(lambda: self._db.remove_vectors(doomed))

        await self._db.write(job)

    async def get_rooms_by_world(self, world_id: str) -> list[Room]:
        target = check_id(world_id, "world_id")
        rows = await self._db.read(
            lambda c: c.execute("SELECT * FROM rooms WHERE world_id = ? ORDER BY created_at, id", (target,)).fetchall()
        )
        return [room_from_row(r) for r in rows]

    # -- participants ------------------------------------------------------------------------------------
    async def add_participants_room(self, entity_ids: Sequence[str], room_id: str) -> bool:
        room = check_id(room_id, "room_id")
        entities = list(dict.fromkeys(check_ids(entity_ids, "entity id")))
        agent = self._agent_id
        now = now_ms()

        def job(tx: WriteTx) -> bool:
            require_row(tx.conn, "rooms", room, "room")
            try:
                tx.conn.executemany(
                    "INSERT INTO participants (id, entity_id, room_id, agent_id, created_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (entity_id, room_id, agent_id) DO NOTHING",
                    [(new_uuid(), e, room, agent, now) for e in entities],
                )
            except sqlite3.IntegrityError:
                for part in chunks(entities):
                    marks = placeholders(len(part))
                    found = {r[0] for r in tx.conn.execute(f"SELECT id FROM entities WHERE id IN ({marks})", part)}
                    diagnose_missing(tx.conn, [("entities", e, "entity") for e in part if e not in found])
                diagnose_missing(tx.conn, [("agents", agent, "agent")])
                raise
            return True

        return await self._db.write(job)

    async def remove_participant(self, entity_id: str, room_id: str) -> bool:
        args = (check_id(entity_id, "entity_id"), check_id(room_id, "room_id"), self._agent_id)
        return await self._db.write(
            lambda tx: (
                tx.conn.execute(
                    "DELETE FROM participants WHERE entity_id = ? AND room_id = ? AND agent_id = ?", args
                ).rowcount
                > 0
            )
        )

    async def get_participants_for_entity(self, entity_id: str) -> list[Participant]:
        target = check_id(entity_id, "entity_id")
        agent = self._agent_id
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT p.id AS participant_id, e.* FROM participants p JOIN entities e ON e.id = p.entity_id "
                "WHERE p.entity_id = ? AND p.agent_id = ? ORDER BY p.created_at, p.id",
                (target, agent),
            ).fetchall()
        )
        return [Participant(id=r["participant_id"], entity=entity_from_row(r)) for r in rows]

    async def get_participants_for_room(self, room_id: str) -> list[str]:
        args = (check_id(room_id, "room_id"), self._agent_id)
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT entity_id FROM participants WHERE room_id = ? AND agent_id = ? ORDER BY created_at, id", args
            ).fetchall()
        )
        return [r[0] for r in rows]

    async def is_room_participant(self, room_id: str, entity_id: str) -> bool:
        args = (check_id(room_id, "room_id"), check_id(entity_id, "entity_id"), self._agent_id)
        row = await self._db.read(
            lambda c: c.execute(
                "SELECT 1 FROM participants WHERE room_id = ? AND entity_id = ? AND agent_id = ?", args
            ).fetchone()
        )
        return row is not None

    async def get_rooms_for_participant(self, entity_id: str) -> list[str]:
        return await self.get_rooms_for_participants([entity_id])

    async def get_rooms_for_participants(self, entity_ids: Sequence[str]) -> list[str]:
        ids = check_ids(entity_ids, "entity id")
        if not ids:
            return []
        sql = (
            "SELECT DISTINCT p.room_id FROM participants p JOIN rooms r ON r.id = p.room_id "
            f"WHERE p.agent_id = ? AND r.agent_id = ? AND p.entity_id IN ({placeholders(len(ids))})"
        )
        args = (self._agent_id, self._agent_id, *ids)
        rows = await self._db.read_remembered(("rooms of", *args), lambda c: tuple(c.execute(sql, args)))
        return [r[0] for r in rows]

    async def get_participant_user_state(self, room_id: str, entity_id: str) -> str | None:
        args = (check_id(room_id, "room_id"), check_id(entity_id, "entity_id"), self._agent_id)
        row = await self._db.read_remembered(
            ("room state", *args),
            lambda c: c.execute(
                "SELECT room_state FROM participants WHERE room_id = ? AND entity_id = ? AND agent_id = ?", args
            ).fetchone(),
        )
        return None if row is None else row[0]

    async def set_participant_user_state(self, room_id: str, entity_id: str, state: str | None) -> None:
        if state is not None and state not in {s.value for s in ParticipantState}:
            raise InvalidInputError(f"participant state must be FOLLOWED, MUTED or None, got {state!r}")
        args = (state, check_id(room_id, "room_id"), check_id(entity_id, "entity_id"), self._agent_id)
        await self._db.write(
            lambda tx: tx.conn.execute(
                "UPDATE participants SET room_state = ? WHERE room_id = ? AND entity_id = ? AND agent_id = ?", args
            )
        )
