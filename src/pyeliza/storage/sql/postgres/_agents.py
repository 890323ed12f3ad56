"""Agents and their declared embedding dimension."""

from __future__ import annotations

from typing import Any

from ....errors import EmbeddingDimensionError
from ....types import Agent, now_ms
from ..codec import agent_from_row, check_id
from ..rules import AgentColumns, agent_columns, apply_agent_changes
from ._base import StoreBase
from ._pool import affected_rows
from ._schema import check_dimension

_UPSERT_COLUMNS = "id, name, username, enabled, status, data, created_at, updated_at"


class AgentStore(StoreBase):
    async def get_agent(self, agent_id: str) -> Agent | None:
        row = await self._pool.fetchrow(
            "get agent", "SELECT * FROM agents WHERE id = $1", check_id(agent_id, "agent_id")
        )
        return None if row is None else agent_from_row(row)

    async def get_agents(self) -> list[Agent]:
        rows = await self._pool.fetch("list agents", "SELECT * FROM agents ORDER BY created_at, id")
        return [agent_from_row(row) for row in rows]

    async def create_agent(self, agent: Agent) -> bool:
        columns = agent_columns(agent, check_id(agent.id or self._agent, "agent.id"))
        status = await self._pool.execute(
            "create agent",
            f"INSERT INTO agents ({_UPSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (id) DO NOTHING",
            *_values(columns),
        )
        return affected_rows(status) == 1

    async def update_agent(self, agent_id: str, changes: dict[str, Any]) -> bool:
        target = check_id(agent_id, "agent_id")
        async with self._pool.transaction("update agent") as connection:
            row = await connection.fetchrow("SELECT * FROM agents WHERE id = $1 FOR UPDATE", target)
            if row is None:
                return False
            columns = agent_columns(apply_agent_changes(agent_from_row(row), changes), target)
            await connection.execute(
                "UPDATE agents SET name = $2, username = $3, enabled = $4, status = $5, data = $6, updated_at = $7 "
                "WHERE id = $1",
                *_values(columns)[:6],
                columns.updated_at,
            )
        return True

    async def delete_agent(self, agent_id: str) -> bool:
        target = check_id(agent_id, "agent_id")
        status = await self._pool.execute("delete agent", "DELETE FROM agents WHERE id = $1", target)
        self._database.forget_dimension(target)
        return affected_rows(status) == 1

    async def count_agents(self) -> int:
        count: int = await self._pool.fetchval("count agents", "SELECT count(*) FROM agents")
        return count

    async def ensure_embedding_dimension(self, dimension: int, model: str | None = None) -> None:
        check_dimension(dimension, model)
        async with self._pool.transaction("declare the embedding dimension") as connection:
            row = await connection.fetchrow(
                "SELECT dimension, model FROM agent_embedding WHERE agent_id = $1 FOR UPDATE", self._agent
            )
            if row is not None and row["dimension"] != dimension:
                stored = await connection.fetchval(
                    "SELECT EXISTS (SELECT 1 FROM embeddings WHERE agent_id = $1 AND dimension = $2)",
                    self._agent,
                    row["dimension"],
                )
                if stored:
                    raise EmbeddingDimensionError(row["dimension"], dimension, model or row["model"])
            declared = await connection.fetchrow(
                "INSERT INTO agent_embedding (agent_id, dimension, model, updated_at) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (agent_id) DO UPDATE SET dimension = EXCLUDED.dimension, "
                "model = COALESCE(EXCLUDED.model, agent_embedding.model), updated_at = EXCLUDED.updated_at "
                "RETURNING dimension, model",
                self._agent,
                dimension,
                model,
                now_ms(),
            )
        self._database.remember_dimension(self._agent, declared["dimension"], declared["model"])

    async def reset_embeddings(self, dimension: int, model: str | None = None) -> int:
        """Drop this agent's vectors and declare ``dimension`` and ``model``, in one transaction (explicit re-embed).

        The memories stay; ``update_memory`` with new embeddings makes them searchable again. Returns how many
        vectors were dropped.
        """
        check_dimension(dimension, model)
        async with self._pool.transaction("reset the embeddings") as connection:
            status = await connection.execute("DELETE FROM embeddings WHERE agent_id = $1", self._agent)
            await connection.execute(
                "INSERT INTO agent_embedding (agent_id, dimension, model, updated_at) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (agent_id) DO UPDATE SET dimension = EXCLUDED.dimension, model = EXCLUDED.model, "
                "updated_at = EXCLUDED.updated_at",
                self._agent,
                dimension,
                model,
                now_ms(),
            )
        self._database.remember_dimension(self._agent, dimension, model)
        return affected_rows(status)

    async def get_embedding_dimension(self) -> int | None:
        declared = await self._database.declared_dimension(self._agent)
        return None if declared is None else declared[0]


def _values(columns: AgentColumns) -> tuple[Any, ...]:
    return (
        columns.id,
        columns.name,
        columns.username,
        columns.enabled,
        columns.status,
        columns.data,
        columns.created_at,
        columns.updated_at,
    )
