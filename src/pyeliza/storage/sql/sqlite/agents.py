"""Agents, the embedding dimension declaration, and the cache."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from ....errors import EmbeddingDimensionError, InvalidInputError
from ....types import Agent, now_ms
from ..codec import agent_from_row, check_id, dump_json, load_json
from ..rules import agent_columns, apply_agent_changes
from .database import WriteTx
from .store import SqliteStore

_AGENT_INSERT = (
    "INSERT INTO agents (id, name, username, enabled, status, data, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)


def _cache_key(agent_id: str, key: str) -> tuple[str, str, str]:
    return ("cache", agent_id, key)


class AgentStore(SqliteStore):
    __slots__ = ()

    async def get_agent(self, agent_id: str) -> Agent | None:
        wanted = check_id(agent_id, "agent_id")
        row = await self._db.read(lambda c: c.execute("SELECT * FROM agents WHERE id = ?", (wanted,)).fetchone())
        return agent_from_row(row) if row else None

    async def get_agents(self) -> list[Agent]:
        rows = await self._db.read(lambda c: c.execute("SELECT * FROM agents ORDER BY created_at, id").fetchall())
        return [agent_from_row(r) for r in rows]

    async def create_agent(self, agent: Agent) -> bool:
        cols = agent_columns(agent, check_id(agent.id or self._agent_id, "agent.id"))
        values = (cols.id, cols.name, cols.username, cols.enabled, cols.status, cols.data)
        return await self._db.write(
            lambda tx: tx.conn.execute(_AGENT_INSERT, (*values, cols.created_at, cols.updated_at)).rowcount == 1
        )

    async def update_agent(self, agent_id: str, changes: dict[str, Any]) -> bool:
        target = check_id(agent_id, "agent_id")
        if not isinstance(changes, dict):
            raise InvalidInputError(f"update_agent changes must be a dict, got {type(changes).__name__}")

        def job(tx: WriteTx) -> bool:
            row = tx.conn.execute("SELECT * FROM agents WHERE id = ?", (target,)).fetchone()
            if row is None:
                return False
            updated = apply_agent_changes(agent_from_row(row), changes)
            cols = agent_columns(updated, target)
            tx.conn.execute(
                "UPDATE agents SET name = ?, username = ?, enabled = ?, status = ?, data = ?, updated_at = ? "
                "WHERE id = ?",
                (cols.name, cols.username, cols.enabled, cols.status, cols.data, cols.updated_at, target),
            )
            return True

        return await self._db.write(job)

    async def delete_agent(self, agent_id: str) -> bool:
        target = check_id(agent_id, "agent_id")

        def job(tx: WriteTx) -> bool:
            deleted = tx.conn.execute("DELETE FROM agents WHERE id = ?", (target,)).rowcount == 1
            tx.after_commit.append(lambda: self._db.drop_indexes(None))
            return deleted

        return await self._db.write(job)

    async def count_agents(self) -> int:
        return int(await self._db.read(lambda c: c.execute("SELECT COUNT(*) FROM agents").fetchone()[0]))

    # -- embedding dimension -------------------------------------------------------------------------------
    async def ensure_embedding_dimension(self, dimension: int, model: str | None = None) -> None:
        if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension <= 0:
            raise InvalidInputError(f"embedding dimension must be a positive integer, got {dimension!r}")
        agent = self._agent_id

        def job(tx: WriteTx) -> None:
            declared = self._db.agent_dimension(tx.conn, agent)
            if declared is not None and declared[0] != dimension:
                stored = tx.conn.execute("SELECT 1 FROM embeddings WHERE agent_id = ? LIMIT 1", (agent,)).fetchone()
                if stored is not None:
                    raise EmbeddingDimensionError(declared[0], dimension, model)
            tx.conn.execute(
                "INSERT INTO agent_embedding (agent_id, dimension, model, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (agent_id) DO UPDATE SET dimension = excluded.dimension, "
                "model = COALESCE(excluded.model, agent_embedding.model), updated_at = excluded.updated_at",
                (agent, dimension, model, now_ms()),
            )
            tx.after_commit.append(lambda: self._db.drop_indexes([agent]))

        await self._db.write(job)

    async def reset_embeddings(self, dimension: int, model: str | None = None) -> int:
        """For an explicit re-embed: drop this agent's stored vectors and declare a new size, in one transaction.

        The memories stay; they are searchable again once ``update_memory`` gives them new embeddings. Returns
        how many vectors were dropped.
        """
        if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension <= 0:
            raise InvalidInputError(f"embedding dimension must be a positive integer, got {dimension!r}")
        agent = self._agent_id

        def job(tx: WriteTx) -> int:
            dropped = tx.conn.execute("DELETE FROM embeddings WHERE agent_id = ?", (agent,)).rowcount
            tx.conn.execute(
                "INSERT INTO agent_embedding (agent_id, dimension, model, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (agent_id) DO UPDATE SET dimension = excluded.dimension, model = excluded.model, "
                "updated_at = excluded.updated_at",
                (agent, dimension, model, now_ms()),
            )
            tx.after_commit.append(lambda: self._db.drop_indexes([agent]))
            return int(dropped)

        return await self._db.write(job)

    async def get_embedding_dimension(self) -> int | None:
        agent = self._agent_id
        row = await self._db.read(
            lambda c: c.execute("SELECT dimension FROM agent_embedding WHERE agent_id = ?", (agent,)).fetchone()
        )
        return int(row[0]) if row else None

    # -- cache ---------------------------------------------------------------------------------------------
    async def get_cache(self, key: str) -> Any | None:
        agent = self._agent_id

        def job(conn: sqlite3.Connection) -> sqlite3.Row | None:
            return conn.execute(  # type: ignore[no-any-return]
                "SELECT value, expires_at FROM cache WHERE key = ? AND agent_id = ?", (key, agent)
            ).fetchone()

        row = await self._db.read_remembered(_cache_key(agent, key), job)
        if row is None or (row[1] is not None and row[1] <= now_ms()):
            return None
        return load_json(row[0])

    async def set_cache(self, key: str, value: Any, expires_at: int | None = None) -> bool:
        if not isinstance(key, str) or not key:
            raise InvalidInputError(f"cache key must be a non-empty string, got {key!r}")
        encoded = dump_json(value, f"cache value for {key!r}")
        args = (key, self._agent_id, encoded, now_ms(), expires_at)
        return await self._cache_write(
            key,
            lambda tx: (
                tx.conn.execute(
                    "INSERT INTO cache (key, agent_id, value, created_at, expires_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (key, agent_id) DO UPDATE SET value = excluded.value, "
                    "created_at = excluded.created_at, expires_at = excluded.expires_at",
                    args,
                ).rowcount
                == 1
            ),
            stored=(encoded, expires_at),
        )

    async def delete_cache(self, key: str) -> bool:
        args = (key, self._agent_id)
        return await self._cache_write(
            key, lambda tx: tx.conn.execute("DELETE FROM cache WHERE key = ? AND agent_id = ?", args).rowcount == 1
        )

    async def _cache_write(
        self, key: str, job: Callable[[WriteTx], bool], stored: tuple[str, int | None] | None = None
    ) -> bool:
        """The cache table holds no memories and deletes nothing else: only the remembered read of ``key`` changes.

        ``stored``: the row the write leaves (value, expires_at), remembered once it committed, so the next
        ``get_cache`` of the key (REFLECTION reads its marker after every reply) needs no read.
        """
        remembered = _cache_key(self._agent_id, key)
        recent = self._db.recent
        recent.forget(remembered)
        try:
            result = await self._db.write(job, keeps_recent=True)
        finally:
            recent.forget(remembered)
        if stored is not None:
            recent.remember(remembered, stored, recent.generation)
        return result
