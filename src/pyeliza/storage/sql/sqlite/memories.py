"""Memories, their embeddings and vector search (exact cosine over the in-memory index)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from ....errors import EmbeddingDimensionError, InvalidInputError
from ....types import Content, Memory, MemoryMetadata, MemorySearchParams, new_uuid, now_ms
from ..codec import check_id, check_ids, check_optional_id, dump_json, memory_from_row, model_json
from ..rules import check_table_name, document_id_of
from .database import WriteTx
from .recent import WINDOW, Key, count_key
from .store import SqliteStore, chunks, diagnose_missing, placeholders
from .vector_index import F32, RowKeys, normalise

DUPLICATE_THRESHOLD = 0.95
"""Cosine similarity above which a new memory of the same table and room is marked ``unique=False``."""

_SELECT = "SELECT m.*, e.vector AS vector FROM memories m LEFT JOIN embeddings e ON e.memory_id = m.id"


def _embedding(row: sqlite3.Row) -> list[float] | None:
    blob = row["vector"]
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).tolist()


def _memory(row: sqlite3.Row, similarity: float | None = None) -> Memory:
    return memory_from_row(row, _embedding(row), similarity)


def _non_negative(value: int | None, what: str) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidInputError(f"{what} must be a non-negative integer, got {value!r}")
    return value


_UPDATE_KEYS = 'SELECT agent_id, type, room_id, world_id, entity_id, "unique" FROM memories WHERE id = ?'
"""What ``update_memory`` reads of the row it changes (not its content: a vector update is most updates)."""


class MemoryStore(SqliteStore):
    __slots__ = ()

    # -- reads -------------------------------------------------------------------------------------------
    async def get_memories(
        self,
        table_name: str,
        *,
        room_id: str | None = None,
        world_id: str | None = None,
        entity_id: str | None = None,
        count: int | None = None,
        offset: int | None = None,
        unique: bool | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> list[Memory]:
        sql = _SELECT + " WHERE m.agent_id = ? AND m.type = ?"
        args: list[Any] = [self._agent_id, check_table_name(table_name)]
        for column, value in (
            ("m.room_id = ?", check_optional_id(room_id, "room_id")),
            ("m.world_id = ?", check_optional_id(world_id, "world_id")),
            ("m.entity_id = ?", check_optional_id(entity_id, "entity_id")),
            ("m.created_at >= ?", start),
            ("m.created_at <= ?", end),
        ):
            if value is not None:
                sql += f" AND {column}"
                args.append(value)
        if unique:
            sql += ' AND m."unique" = 1'
        sql += " ORDER BY m.created_at DESC, m.id DESC LIMIT ? OFFSET ?"
        limit = _non_negative(count, "count")
        args += [-1 if limit is None else limit, _non_negative(offset, "offset") or 0]
        rows = await self._db.read(lambda c: c.execute(sql, args).fetchall())
        return [_memory(r) for r in rows]

    async def get_memory_by_id(self, memory_id: str) -> Memory | None:
        found = await self.get_memories_by_ids([memory_id])
        return found[0] if found else None

    async def get_memories_by_ids(self, memory_ids: Sequence[str], table_name: str | None = None) -> list[Memory]:
        ids = check_ids(memory_ids, "memory id")
        agent = self._agent_id

        def job(conn: sqlite3.Connection) -> list[sqlite3.Row]:
            rows: list[sqlite3.Row] = []
            for part in chunks(ids):
                sql = _SELECT + f" WHERE m.agent_id = ? AND m.id IN ({placeholders(len(part))})"
                args: list[Any] = [agent, *part]
                if table_name is not None:
                    sql += " AND m.type = ?"
                    args.append(table_name)
                rows += conn.execute(sql, args).fetchall()
            return rows

        rows = await self._db.read(job)
        rows.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
        return [_memory(r) for r in rows]

    async def get_memories_by_room_ids(
        self, table_name: str, room_ids: Sequence[str], limit: int | None = None, *, shared: bool = False
    ) -> list[Memory]:
        rooms = check_ids(room_ids, "room id")
        if not rooms:
            return []
        sql = (
            f"SELECT * FROM memories WHERE agent_id = ? AND type = ? AND room_id IN ({placeholders(len(rooms))}) "
            "ORDER BY created_at DESC, id DESC LIMIT ?"
        )
        cap = _non_negative(limit, "limit")
        table = check_table_name(table_name)
        if len(rooms) == 1:
            return await self._newest_of_room((self._agent_id, table, rooms[0]), cap, shared)
        args = [self._agent_id, table, *rooms, -1 if cap is None else cap]
        rows = await self._db.read(lambda c: c.execute(sql, args).fetchall())
        return [memory_from_row(r) for r in rows]

    async def _newest_of_room(self, key: Key, limit: int | None, shared: bool) -> list[Memory]:
        """The room's newest memories from its window of recent memories, loading the window when needed."""
        recent = self._db.recent
        found = recent.newest(key, limit, shared)
        if found is not None:
            return found
        load = limit is not None and limit <= WINDOW
        sql = (
            "SELECT * FROM memories WHERE agent_id = ? AND type = ? AND room_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?"
        )
        args = [*key, WINDOW if load else (-1 if limit is None else limit)]
        generation = recent.generation
        rows = await self._db.read(lambda c: c.execute(sql, args).fetchall())
        memories = [memory_from_row(r) for r in rows]
        if not load:
            return memories
        if recent.install(key, memories, generation):
            return recent.newest(key, limit, shared) or []  # the window keeps the memories just read
        return memories[:limit]

    async def get_memories_by_world_id(
        self, world_id: str, count: int | None = None, table_name: str = "messages"
    ) -> list[Memory]:
        world = check_id(world_id, "world_id")
        agent = self._agent_id
        room_rows = await self._db.read(
            lambda c: c.execute("SELECT id FROM rooms WHERE world_id = ? AND agent_id = ?", (world, agent)).fetchall()
        )
        return await self.get_memories_by_room_ids(table_name, [r[0] for r in room_rows], count)

    async def count_memories(self, room_id: str, unique: bool = True, table_name: str = "messages") -> int:
        sql = "SELECT COUNT(*) FROM memories WHERE agent_id = ? AND room_id = ? AND type = ?"
        if unique:
            sql += ' AND "unique" = 1'
        key: Key = (self._agent_id, check_table_name(table_name), check_id(room_id, "room_id"))
        args = (key[0], key[2], key[1])
        return await self._db.read_remembered(
            count_key(key, unique), lambda c: int(c.execute(sql, args).fetchone()[0]), counted_up=True
        )

    # -- vector search -----------------------------------------------------------------------------------
    async def search_memories(self, params: MemorySearchParams) -> list[Memory]:
        query = normalise(params.embedding, "search embedding")
        table = check_table_name(params.table_name)
        filters = {
            "room": check_optional_id(params.room_id, "room_id"),
            "world": check_optional_id(params.world_id, "world_id"),
            "entity": check_optional_id(params.entity_id, "entity_id"),
        }
        agent = self._agent_id

        def job(conn: sqlite3.Connection) -> list[Memory] | None:
            index = self._db.indexes.get(agent)
            if index is None:
                return None
            if index.dimension != query.shape[0]:
                raise EmbeddingDimensionError(index.dimension, int(query.shape[0]))
            hits = index.search(
                query,
                params.count,
                table=table,
                threshold=params.match_threshold,
                unique_only=bool(params.unique),
                **filters,
            )
            if not hits:
                return []
            rows = conn.execute(
                _SELECT + f" WHERE m.id IN ({placeholders(len(hits))})", [memory_id for memory_id, _ in hits]
            ).fetchall()
            by_id = {r["id"]: r for r in rows}
            return [_memory(by_id[i], score) for i, score in hits if i in by_id]

        for _attempt in range(3):
            if agent not in self._db.indexes:
                loaded = await self._db.on_writer(lambda conn: self._db.loaded_index(conn, agent))
                if loaded is None:
                    return []
            found = await self._db.read(job)
            if found is not None:
                return found
        return []

    # -- writes ------------------------------------------------------------------------------------------
    async def create_memory(self, memory: Memory, table_name: str, unique: bool | None = None) -> str:
        memory_id, _ = await self._insert_memory(memory, table_name, unique)
        return memory_id

    async def create_memory_if_new(self, memory: Memory, table_name: str) -> bool:
        _, inserted = await self._insert_memory(memory, table_name, None)
        return inserted

    async def _insert_memory(self, memory: Memory, table_name: str, unique: bool | None) -> tuple[str, bool]:
        """Insert-or-ignore; the id and whether this call inserted the row."""
        table = check_table_name(table_name)
        memory_id = check_id(memory.id or new_uuid(), "memory.id")
        agent = check_id(memory.agent_id or self._agent_id, "memory.agent_id")
        entity = check_id(memory.entity_id, "memory.entity_id")
        room = check_id(memory.room_id, "memory.room_id")
        world = check_optional_id(memory.world_id, "memory.world_id")
        content = dump_json(model_json(memory.content, "memory content"), "memory content")
        metadata = dump_json(model_json(memory.metadata, "memory metadata"), "memory metadata")
        vector = normalise(memory.embedding) if memory.embedding else None
        created_at = memory.created_at or now_ms()
        wanted_unique = unique if unique is not None else memory.unique
        document = document_id_of(memory)

        stored: dict[str, bool] = {}  # "unique": the flag the row was inserted with (no entry: not inserted)

        def insert(tx: WriteTx) -> str:
            conn = tx.conn
            stored.clear()
            is_unique = True if wanted_unique is None else wanted_unique
            if vector is not None:
                declared = self._check_dimension(tx, agent, vector)
                if wanted_unique is None and declared:
                    index = self._db.loaded_index(conn, agent)
                    if index is not None and index.search(
                        vector, 1, table=table, room=room, threshold=DUPLICATE_THRESHOLD
                    ):
                        is_unique = False
            cursor = conn.execute(
                "INSERT INTO memories (id, type, agent_id, entity_id, room_id, world_id, content, metadata, "
                '"unique", document_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) '
                "ON CONFLICT (id) DO NOTHING",
                (memory_id, table, agent, entity, room, world, content, metadata, is_unique, document, created_at),
            )
            if cursor.rowcount == 1:
                stored["unique"] = is_unique
                if vector is not None:
                    self._write_vector(tx, memory_id, agent, vector, RowKeys(table, room, world, entity, is_unique))
            return memory_id

        def job(tx: WriteTx) -> str:
            try:
                return insert(tx)
            except sqlite3.IntegrityError:
                checks = [("agents", agent, "agent"), ("entities", entity, "entity"), ("rooms", room, "room")]
                diagnose_missing(tx.conn, checks)
                raise

        recent = self._db.recent
        recent.inserting += 1
        try:
            result = await self._db.write(job, keeps_recent=True)
            if "unique" in stored:
                row = {
                    "id": memory_id,
                    "entity_id": entity,
                    "agent_id": agent,
                    "room_id": room,
                    "world_id": world,
                    "content": content,
                    "metadata": metadata,
                    "created_at": created_at,
                    "unique": stored["unique"],
                }
                recent.added((agent, table, room), lambda: memory_from_row(row), stored["unique"])
        finally:
            recent.inserting -= 1
        return result, "unique" in stored

    def _check_dimension(self, tx: WriteTx, agent: str, vector: F32) -> bool:
        """Validate ``vector`` against the agent's declared size; declare it on first use. True if it was declared."""
        size = int(vector.shape[0])
        declared = self._db.agent_dimension(tx.conn, agent)
        if declared is None:
            tx.conn.execute(
                "INSERT INTO agent_embedding (agent_id, dimension, model, updated_at) VALUES (?, ?, NULL, ?)",
                (agent, size, now_ms()),
            )
            tx.after_commit.append(lambda: self._db.dimensions.__setitem__(agent, (size, None)))
            return False
        if declared[0] != size:
            raise EmbeddingDimensionError(declared[0], size, declared[1])
        return True

    def _write_vector(self, tx: WriteTx, memory_id: str, agent: str, vector: F32, keys: RowKeys) -> None:
        tx.conn.execute(
            "INSERT INTO embeddings (memory_id, agent_id, dimension, vector, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (memory_id) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector",
            (memory_id, agent, int(vector.shape[0]), vector.astype("<f4").tobytes(), now_ms()),
        )

        def publish() -> None:
            index = self._db.indexes.get(agent)
            if index is not None and index.dimension == vector.shape[0]:
                index.upsert(memory_id, vector, keys)

        tx.after_commit.append(publish)

    async def update_memory(self, memory: Memory | dict[str, Any]) -> bool:
        fields = memory.model_dump(exclude_unset=True) if isinstance(memory, Memory) else dict(memory)
        memory_id = check_id(fields.get("id"), "memory.id")
        content = fields.get("content")
        metadata = fields.get("metadata")
        embedding = fields.get("embedding")
        try:
            content_json = None if content is None else model_json(Content.model_validate(content), "memory content")
            metadata_model = None if metadata is None else MemoryMetadata.model_validate(metadata)
        except ValueError as exc:
            raise InvalidInputError(f"update_memory {memory_id}: {exc}") from exc
        content_text = None if content_json is None else dump_json(content_json, "memory content")
        metadata_text = None if metadata_model is None else dump_json(model_json(metadata_model, "meta"), "metadata")
        vector = normalise(embedding) if embedding else None

        def job(tx: WriteTx) -> bool:
            row = tx.conn.execute(_UPDATE_KEYS, (memory_id,)).fetchone()
            if row is None:
                return False
            if content_text is not None:
                tx.conn.execute("UPDATE memories SET content = ? WHERE id = ?", (content_text, memory_id))
            if metadata_text is not None:
                doc = metadata_model.document_id if metadata_model is not None else None
                tx.conn.execute(
                    "UPDATE memories SET metadata = ?, document_id = ? WHERE id = ?",
                    (metadata_text, doc.lower() if isinstance(doc, str) else None, memory_id),
                )
            if vector is not None:
                agent = row["agent_id"]
                self._check_dimension(tx, agent, vector)
                keys = RowKeys(row["type"], row["room_id"], row["world_id"], row["entity_id"], bool(row["unique"]))
                self._write_vector(tx, memory_id, agent, vector, keys)
            return True

        vector_only = content_text is None and metadata_text is None  # the windows of recent memories hold no vectors
        return await self._db.write(job, keeps_recent=vector_only)

    async def delete_memory(self, memory_id: str) -> None:
        await self.delete_many_memories([memory_id])

    async def delete_many_memories(self, memory_ids: Sequence[str]) -> None:
        ids = check_ids(memory_ids, "memory id")
        agent = self._agent_id

        def job(tx: WriteTx) -> None:
            doomed: list[str] = []
            for part in chunks(ids):
                marks = placeholders(len(part))
                doomed += [
                    r[0]
                    for r in tx.conn.execute(
                        f"SELECT id FROM memories WHERE agent_id = ? AND (id IN ({marks}) OR document_id IN ({marks}))",
                        (agent, *part, *part),
                    ).fetchall()
                ]
            self._delete_ids(tx, doomed)

        await self._db.write(job)

    async def delete_all_memories(self, room_id: str, table_name: str) -> None:
        room = check_id(room_id, "room_id")
        table = check_table_name(table_name)
        agent = self._agent_id

        def job(tx: WriteTx) -> None:
            rows = tx.conn.execute(
                "SELECT id FROM memories WHERE agent_id = ? AND room_id = ? AND type = ?", (agent, room, table)
            ).fetchall()
            ids = [r[0] for r in rows]
            fragments: list[str] = []
            for part in chunks(ids):
                fragments += [
                    r[0]
                    for r in tx.conn.execute(
                        f"SELECT id FROM memories WHERE document_id IN ({placeholders(len(part))})", tuple(part)
                    ).fetchall()
                ]
            self._delete_ids(tx, ids + fragments)

        await self._db.write(job)

    def _delete_ids(self, tx: WriteTx, ids: list[str]) -> None:
        unique_ids = list(dict.fromkeys(ids))
        for part in chunks(unique_ids):
            tx.conn.execute(f"DELETE FROM memories WHERE id IN ({placeholders(len(part))})", tuple(part))
        if unique_ids:
            tx.after_commit.append(lambda: self._db.remove_vectors(unique_ids))
