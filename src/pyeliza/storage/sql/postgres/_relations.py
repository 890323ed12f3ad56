"""Relationships between entities and the per-agent key/value cache."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ....types import Relationship, new_uuid, now_ms
from ..codec import check_id, dump_json, relationship_from_row
from ._base import StoreBase
from ._pool import affected_rows


class RelationshipStore(StoreBase):
    async def create_relationship(
        self,
        source_entity_id: str,
        target_entity_id: str,
        tags: Sequence[str] = (),
        metadata: dict[str, Any] | None = None,
    ) -> bool:
        status = await self._pool.execute(
            "create relationship",
            "INSERT INTO relationships (id, source_entity_id, target_entity_id, agent_id, tags, metadata, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source_entity_id, target_entity_id, agent_id) DO NOTHING",
            new_uuid(),
            check_id(source_entity_id, "source_entity_id"),
            check_id(target_entity_id, "target_entity_id"),
            self._agent,
            dump_json([str(tag) for tag in tags], "relationship tags"),
            dump_json(metadata or {}, "relationship metadata"),
            now_ms(),
        )
        return affected_rows(status) == 1

    async def update_relationship(self, relationship: Relationship) -> None:
        await self._pool.execute(
            "update relationship",
            "UPDATE relationships SET tags = $2, metadata = $3 WHERE id = $1",
            check_id(relationship.id, "relationship.id"),
            dump_json([str(tag) for tag in relationship.tags], "relationship tags"),
            dump_json(relationship.metadata, "relationship metadata"),
        )

    async def get_relationship(self, source_entity_id: str, target_entity_id: str) -> Relationship | None:
        row = await self._pool.fetchrow(
            "get relationship",
            "SELECT * FROM relationships WHERE source_entity_id = $1 AND target_entity_id = $2 AND agent_id = $3",
            check_id(source_entity_id, "source_entity_id"),
            check_id(target_entity_id, "target_entity_id"),
            self._agent,
        )
        return None if row is None else relationship_from_row(row)

    async def get_relationships(self, entity_id: str, tags: Sequence[str] | None = None) -> list[Relationship]:
        query = "SELECT * FROM relationships WHERE agent_id = $1 AND (source_entity_id = $2 OR target_entity_id = $2)"
        args: list[Any] = [self._agent, check_id(entity_id, "entity_id")]
        if tags:
            args.append([str(tag) for tag in tags])
            query += " AND tags ?| $3::text[]"
        rows = await self._pool.fetch("read relationships", query + " ORDER BY created_at, id", *args)
        return [relationship_from_row(row) for row in rows]

    async def get_cache(self, key: str) -> Any | None:
        row = await self._pool.fetchrow(
            "read cache",
            "SELECT value FROM cache WHERE key = $1 AND agent_id = $2 AND (expires_at IS NULL OR expires_at > $3)",
            key,
            self._agent,
            now_ms(),
        )
        return None if row is None else row["value"]

    async def set_cache(self, key: str, value: Any, expires_at: int | None = None) -> bool:
        await self._pool.execute(
            "write cache",
            "INSERT INTO cache (key, agent_id, value, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (key, agent_id) DO UPDATE SET value = EXCLUDED.value, created_at = EXCLUDED.created_at, "
            "expires_at = EXCLUDED.expires_at",
            key,
            self._agent,
            dump_json(value, "cache value"),
            now_ms(),
            expires_at,
        )
        return True

    async def delete_cache(self, key: str) -> bool:
        status = await self._pool.execute(
            "delete cache", "DELETE FROM cache WHERE key = $1 AND agent_id = $2", key, self._agent
        )
        return affected_rows(status) > 0
