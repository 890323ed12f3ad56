"""Logs, run summaries and relationships."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ....errors import InvalidInputError
from ....types import AgentRunSummaryResult, Log, Relationship, new_uuid, now_ms
from ....types.ids import new_ordered_uuid
from ..codec import check_id, check_optional_id, dump_json, dump_log_body, log_from_row, relationship_from_row
from ..run_summaries import COUNTED_LOG_TYPES, MODEL_LOG_PREFIX, RUN_EVENT, fold_run_summaries, run_event_window
from .database import WriteTx
from .store import SqliteStore, placeholders, require_row

_INSERT = "INSERT INTO logs (id, agent_id, entity_id, room_id, type, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"


class LogStore(SqliteStore):
    __slots__ = ()

    async def log(self, entry: Log) -> None:
        """Insert a log row. A row without an id gets a time-ordered one, so the primary-key index grows at its end
        (a random id dirtied a random index page per row, and each commit writes every dirty page to the WAL)."""
        values = (
            check_id(entry.id, "log.id") if entry.id else new_ordered_uuid(),
            self._agent_id,
            check_id(entry.entity_id, "log.entity_id"),
            check_optional_id(entry.room_id, "log.room_id"),
            entry.type,
            dump_log_body(entry.body, f"body of {entry.type!r} log"),
            entry.created_at or now_ms(),
        )

        def checked_insert(tx: WriteTx) -> None:
            if values[3] is not None:
                require_row(tx.conn, "rooms", values[3], "room")
            tx.conn.execute(_INSERT, values)

        room = values[3]
        recent = self._db.recent
        if room is None or room in recent.rooms:
            self._db.log_rows.add(values)  # committed with the other rows waiting (``log_rows.py``)
            return
        generation = recent.generation
        await self._db.write(checked_insert, relaxed=True)
        recent.room_exists(room, generation)

    async def get_logs(
        self,
        *,
        entity_id: str | None = None,
        room_id: str | None = None,
        type: str | None = None,
        count: int = 10,
        offset: int = 0,
    ) -> list[Log]:
        sql = "SELECT * FROM logs WHERE agent_id = ?"
        args: list[Any] = [self._agent_id]
        for column, value in (
            ("entity_id", check_optional_id(entity_id, "entity_id")),
            ("room_id", check_optional_id(room_id, "room_id")),
            ("type", type),
        ):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        sql += " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?"
        args += [max(0, int(count)), max(0, int(offset))]
        await self._db.detached_writes_done()
        rows = await self._db.read(lambda c: c.execute(sql, args).fetchall())
        return [log_from_row(r) for r in rows]

    async def delete_log(self, log_id: str) -> None:
        target = check_id(log_id, "log_id")
        agent = self._agent_id
        await self._db.write(
            lambda tx: tx.conn.execute("DELETE FROM logs WHERE id = ? AND agent_id = ?", (target, agent))
        )

    async def get_agent_run_summaries(
        self,
        *,
        limit: int = 20,
        room_id: str | None = None,
        status: str | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> AgentRunSummaryResult:
        limit = max(1, min(100, int(limit)))
        room = check_optional_id(room_id, "room_id")
        agent = self._agent_id

        def job(conn: sqlite3.Connection) -> tuple[list[Log], list[Log]]:
            sql = "SELECT * FROM logs WHERE agent_id = ? AND type = ?"
            args: list[Any] = [agent, RUN_EVENT]
            for clause, value in (("room_id = ?", room), ("created_at >= ?", start), ("created_at <= ?", end)):
                if value is not None:
                    sql += f" AND {clause}"
                    args.append(value)
            sql += " ORDER BY created_at DESC LIMIT ?"
            events = [log_from_row(r) for r in conn.execute(sql, [*args, run_event_window(limit)]).fetchall()]
            if not events:
                return events, []
            since = min(e.created_at or 0 for e in events)
            counted = conn.execute(
                f"SELECT * FROM logs WHERE agent_id = ? AND created_at >= ? "
                f"AND (type IN ({placeholders(len(COUNTED_LOG_TYPES))}) OR type LIKE ?)",
                (agent, since, *COUNTED_LOG_TYPES, MODEL_LOG_PREFIX + "%"),
            ).fetchall()
            return events, [log_from_row(r) for r in counted]

        await self._db.detached_writes_done()
        events, counted = await self._db.read(job)
        return fold_run_summaries(events, counted, limit=limit, status=status)

    # -- relationships -----------------------------------------------------------------------------------
    async def create_relationship(
        self,
        source_entity_id: str,
        target_entity_id: str,
        tags: Sequence[str] = (),
        metadata: dict[str, Any] | None = None,
    ) -> bool:
        values = (
            new_uuid(),
            check_id(source_entity_id, "source_entity_id"),
            check_id(target_entity_id, "target_entity_id"),
            self._agent_id,
            dump_json(list(tags), "relationship tags"),
            dump_json(metadata or {}, "relationship metadata"),
            now_ms(),
        )

        def job(tx: WriteTx) -> bool:
            require_row(tx.conn, "entities", values[1], "entity")
            require_row(tx.conn, "entities", values[2], "entity")
            return (
                tx.conn.execute(
                    "INSERT INTO relationships (id, source_entity_id, target_entity_id, agent_id, tags, metadata, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    values,
                ).rowcount
                == 1
            )

        return await self._db.write(job)

    async def update_relationship(self, relationship: Relationship) -> None:
        if relationship.id is None:
            raise InvalidInputError("update_relationship needs a relationship with an id")
        values = (
            dump_json(relationship.tags, "relationship tags"),
            dump_json(relationship.metadata, "relationship metadata"),
            check_id(relationship.id, "relationship.id"),
        )
        await self._db.write(
            lambda tx: tx.conn.execute("UPDATE relationships SET tags = ?, metadata = ? WHERE id = ?", values)
        )

    async def get_relationship(self, source_entity_id: str, target_entity_id: str) -> Relationship | None:
        args = (check_id(source_entity_id, "source_entity_id"), check_id(target_entity_id, "target_entity_id"))
        agent = self._agent_id
        row = await self._db.read(
            lambda c: c.execute(
                "SELECT * FROM relationships WHERE source_entity_id = ? AND target_entity_id = ? AND agent_id = ?",
                (*args, agent),
            ).fetchone()
        )
        return relationship_from_row(row) if row else None

    async def get_relationships(self, entity_id: str, tags: Sequence[str] | None = None) -> list[Relationship]:
        target = check_id(entity_id, "entity_id")
        sql = "SELECT * FROM relationships WHERE agent_id = ? AND (source_entity_id = ? OR target_entity_id = ?)"
        args: list[Any] = [self._agent_id, target, target]
        if tags:
            sql += f" AND EXISTS (SELECT 1 FROM json_each(tags) t WHERE t.value IN ({placeholders(len(tags))}))"
            args += list(tags)
        sql += " ORDER BY created_at, id"
        rows = await self._db.read_remembered(("relationships", sql, *args), lambda c: tuple(c.execute(sql, args)))
        return [relationship_from_row(r) for r in rows]
