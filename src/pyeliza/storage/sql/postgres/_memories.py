"""Memories: rows of ``memories`` with their vector in ``embeddings`` (one row per memory, with its dimension)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import numpy as np
from pydantic import ValidationError

from ....errors import EmbeddingDimensionError, InvalidInputError
from ....types import Memory, MemorySearchParams, new_uuid, now_ms
from ..codec import check_id, check_ids, check_optional_id, dump_json, memory_from_row, model_json
from ..rules import check_table_name, document_id_of
from ._agents import AgentStore
from ._insert import insert_memory
from ._search import MEMORY_COLUMNS, nearest
from ._vectors import check_finite

_DUPLICATE_THRESHOLD = 0.95
_NEWEST_FIRST = "ORDER BY m.created_at DESC, m.id DESC"
_MEMORY_FIELD_BY_ALIAS = {(info.alias or name): name for name, info in Memory.model_fields.items()}


def _normalised(embedding: Sequence[float]) -> np.ndarray:
    """Unit length, like the SQLite backend stores them (a zero vector stays zero)."""
    vector = np.asarray(embedding, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


class MemoryStore(AgentStore):
    async def _dimension_for(self, embedding: Sequence[float]) -> int:
        """The agent's declared dimension, checking ``embedding`` against it (declared on first use)."""
        check_finite(embedding)
        declared = await self._database.declared_dimension(self._agent)
        if declared is None:
            await self.ensure_embedding_dimension(len(embedding))
            return len(embedding)
        dimension, model = declared
        if len(embedding) != dimension:
            raise EmbeddingDimensionError(dimension, len(embedding), model)
        return dimension

    async def _select(
        self, where: str, args: Sequence[Any], *, tail: str = "", embeddings: bool = True
    ) -> list[Memory]:
        if embeddings:
            query = (
                f"SELECT {MEMORY_COLUMNS}, e.vector AS embedding FROM memories m "
                f"LEFT JOIN embeddings e ON e.memory_id = m.id WHERE {where} {tail}"
            )
        else:
            query = f"SELECT {MEMORY_COLUMNS}, NULL::vector AS embedding FROM memories m WHERE {where} {tail}"
        rows = await self._pool.fetch("read memories", query, *args)
        return [memory_from_row(row, row["embedding"]) for row in rows]

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
        if offset is not None and offset < 0:
            raise InvalidInputError(f"offset must be >= 0, got {offset}")
        if count is not None and count < 0:
            raise InvalidInputError(f"count must be >= 0, got {count}")
        clauses = ["m.agent_id = $1", "m.type = $2"]
        args: list[Any] = [self._agent, check_table_name(table_name)]
        for condition, value in (
            ("m.room_id = ${}", check_optional_id(room_id, "room_id")),
            ("m.world_id = ${}", check_optional_id(world_id, "world_id")),
            ("m.entity_id = ${}", check_optional_id(entity_id, "entity_id")),
            ("m.created_at >= ${}", start),
            ("m.created_at <= ${}", end),
        ):
            if value is not None:
                args.append(value)
                clauses.append(condition.format(len(args)))
        if unique:
            clauses.append('m."unique"')
        tail = _NEWEST_FIRST
        if count is not None:
            args.append(count)
            tail += f" LIMIT ${len(args)}"
        if offset:
            args.append(offset)
            tail += f" OFFSET ${len(args)}"
        return await self._select(" AND ".join(clauses), args, tail=tail)

    async def get_memory_by_id(self, memory_id: str) -> Memory | None:
        found = await self._select("m.id = $1 AND m.agent_id = $2", [check_id(memory_id, "memory_id"), self._agent])
        return found[0] if found else None

    async def get_memories_by_ids(self, memory_ids: Sequence[str], table_name: str | None = None) -> list[Memory]:
        ids = check_ids(memory_ids, "memory_ids")
        if not ids:
            return []
        if table_name:
            return await self._select(
                "m.id = ANY($1::uuid[]) AND m.agent_id = $2 AND m.type = $3",
                [ids, self._agent, table_name],
                tail=_NEWEST_FIRST,
            )
        return await self._select("m.id = ANY($1::uuid[]) AND m.agent_id = $2", [ids, self._agent], tail=_NEWEST_FIRST)

    async def get_memories_by_room_ids(
        self, table_name: str, room_ids: Sequence[str], limit: int | None = None, *, shared: bool = False
    ) -> list[Memory]:
        """Fresh memories from the table (``shared`` changes nothing: this backend keeps no window)."""
        rooms = check_ids(room_ids, "room_ids")
        if not rooms:
            return []
        args: list[Any] = [self._agent, check_table_name(table_name), rooms]
        tail = _NEWEST_FIRST
        if limit is not None:
            args.append(limit)
            tail += " LIMIT $4"
        return await self._select(
            "m.agent_id = $1 AND m.type = $2 AND m.room_id = ANY($3::uuid[])", args, tail=tail, embeddings=False
        )

    async def get_memories_by_world_id(
        self, world_id: str, count: int | None = None, table_name: str = "messages"
    ) -> list[Memory]:
        args: list[Any] = [self._agent, check_table_name(table_name), check_id(world_id, "world_id")]
        tail = _NEWEST_FIRST
        if count is not None:
            args.append(count)
            tail += " LIMIT $4"
        return await self._select(
            "m.agent_id = $1 AND m.type = $2 AND m.room_id IN "
            "(SELECT id FROM rooms WHERE world_id = $3 AND agent_id = $1)",
            args,
            tail=tail,
            embeddings=False,
        )

    async def search_memories(self, params: MemorySearchParams) -> list[Memory]:
        check_table_name(params.table_name)
        dimension = await self._dimension_for(params.embedding)
        exact = self._database.exact_search
        session = self._pool.connection if exact else self._pool.transaction
        async with session("search memories") as connection:
            return await nearest(
                connection,
                agent_id=self._agent,
                dimension=dimension,
                params=params,
                query=_normalised(params.embedding),
                exact=exact,
                ef_search=self._database.ef_search,
            )

    async def create_memory(self, memory: Memory, table_name: str, unique: bool | None = None) -> str:
        memory_id, _ = await self._insert_memory(memory, table_name, unique)
        return memory_id

    async def create_memory_if_new(self, memory: Memory, table_name: str) -> bool:
        _, inserted = await self._insert_memory(memory, table_name, None)
        return inserted

    async def _insert_memory(self, memory: Memory, table_name: str, unique: bool | None) -> tuple[str, bool]:
        """One statement, so one round trip: the duplicate probe, the memory and its vector (see ``insert_memory``).

        Returns the id and whether a row was inserted (the statement's tag counts the memory, or the vector row
        that is written only with a new memory)."""
        table = check_table_name(table_name)
        memory_id = check_id(memory.id, "memory.id") if memory.id else new_uuid()
        embedding = memory.embedding
        dimension = await self._dimension_for(embedding) if embedding else None
        is_unique = unique if unique is not None else memory.unique
        now = now_ms()
        args: list[Any] = [
            memory_id,
            table,
            check_id(memory.agent_id or self._agent, "memory.agent_id"),
            check_id(memory.entity_id, "memory.entity_id"),
            check_id(memory.room_id, "memory.room_id"),
            check_optional_id(memory.world_id, "memory.world_id"),
            dump_json(model_json(memory.content, "memory content"), "memory content"),
            dump_json(model_json(memory.metadata, "memory metadata"), "memory metadata"),
            True if is_unique is None else is_unique,
            document_id_of(memory),
            memory.created_at or now,
        ]
        if embedding and dimension is not None:
            args += [_normalised(embedding), now]
            probe = is_unique is None
            if probe:
                args.append(1.0 - _DUPLICATE_THRESHOLD)
            query = insert_memory(dimension, probe=probe, exact=self._database.exact_search)
        else:
            query = insert_memory(None, probe=False, exact=True)
        status = await self._pool.execute("create memory", query, *args)
        return memory_id, status.endswith(" 1")

    async def update_memory(self, memory: Memory | dict[str, Any]) -> bool:
        if isinstance(memory, Memory):
            partial, keys = memory, set(memory.model_fields_set)
        else:
            if memory.get("id") is None:
                raise InvalidInputError("update_memory needs the memory id")
            keys = {_MEMORY_FIELD_BY_ALIAS.get(key, key) for key in memory}
            placeholder = memory["id"]
            try:
                partial = Memory.model_validate(
                    {"entityId": placeholder, "roomId": placeholder, "content": {}, **memory}
                )
            except ValidationError as exc:
                raise InvalidInputError(f"update_memory: invalid memory fields: {exc}") from exc
        memory_id = check_id(partial.id, "memory.id")
        content = dump_json(model_json(partial.content, "memory content"), "memory content")
        metadata = dump_json(model_json(partial.metadata, "memory metadata"), "memory metadata")
        embedding = partial.embedding if "embedding" in keys else None
        dimension = await self._dimension_for(embedding) if embedding else None
        async with self._pool.transaction("update memory") as connection:
            row = await connection.fetchrow("SELECT agent_id FROM memories WHERE id = $1 FOR UPDATE", memory_id)
            if row is None:
                return False
            if "content" in keys:
                await connection.execute("UPDATE memories SET content = $2 WHERE id = $1", memory_id, content)
            if "metadata" in keys:
                await connection.execute(
                    "UPDATE memories SET metadata = $2, document_id = $3 WHERE id = $1",
                    memory_id,
                    metadata,
                    document_id_of(partial),
                )
            if embedding and dimension is not None:
                await connection.execute(
                    "INSERT INTO embeddings (memory_id, agent_id, dimension, vector, created_at) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (memory_id) DO UPDATE SET "
                    "dimension = EXCLUDED.dimension, vector = EXCLUDED.vector",
                    memory_id,
                    row["agent_id"],
                    dimension,
                    _normalised(embedding),
                    now_ms(),
                )
        return True

    async def delete_memory(self, memory_id: str) -> None:
        await self.delete_many_memories([memory_id])

    async def delete_many_memories(self, memory_ids: Sequence[str]) -> None:
        ids = check_ids(memory_ids, "memory_ids")
        if not ids:
            return
        async with self._pool.transaction("delete memories") as connection:
            await _delete_with_fragments(connection, self._agent, ids)

    async def delete_all_memories(self, room_id: str, table_name: str) -> None:
        room = check_id(room_id, "room_id")
        table = check_table_name(table_name)
        async with self._pool.transaction("delete all memories of a room") as connection:
            rows = await connection.fetch(
                "SELECT id FROM memories WHERE room_id = $1 AND type = $2 AND agent_id = $3", room, table, self._agent
            )
            await _delete_with_fragments(connection, self._agent, [row["id"] for row in rows])

    async def count_memories(self, room_id: str, unique: bool = True, table_name: str = "messages") -> int:
        query = "SELECT count(*) FROM memories WHERE room_id = $1 AND type = $2 AND agent_id = $3"
        if unique:
            query += ' AND "unique"'
        count: int = await self._pool.fetchval(
            "count memories", query, check_id(room_id, "room_id"), check_table_name(table_name), self._agent
        )
        return count


async def _delete_with_fragments(connection: asyncpg.Connection, agent_id: str, ids: list[str]) -> None:
    """Delete memories and the fragments of any that are documents; vectors go with them (ON DELETE CASCADE)."""
    if not ids:
        return
    await connection.execute(
        "DELETE FROM memories WHERE agent_id = $1 AND document_id = ANY($2::uuid[])", agent_id, ids
    )
    await connection.execute("DELETE FROM memories WHERE id = ANY($1::uuid[])", ids)
