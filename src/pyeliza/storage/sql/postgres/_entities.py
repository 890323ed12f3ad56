"""Entities and their components."""

from __future__ import annotations

from collections.abc import Sequence

from ....errors import IntegrityError
from ....types import Component, Entity, new_uuid, now_ms
from ..codec import check_id, check_ids, check_optional_id, component_from_row, dump_json, entity_from_row
from ._base import StoreBase
from ._pool import affected_rows

_COMPONENT_COLUMNS = "id, entity_id, agent_id, room_id, world_id, source_entity_id, type, data, created_at"


class EntityStore(StoreBase):
    async def _with_components(self, entities: list[Entity]) -> list[Entity]:
        ids = [entity.id for entity in entities if entity.id]
        if not ids:
            return entities
        rows = await self._pool.fetch(
            "read components",
            f"SELECT {_COMPONENT_COLUMNS} FROM components WHERE entity_id = ANY($1::uuid[]) ORDER BY created_at, id",
            ids,
        )
        by_entity: dict[str, list[Component]] = {}
        for row in rows:
            by_entity.setdefault(row["entity_id"], []).append(component_from_row(row))
        for entity in entities:
            entity.components = by_entity.get(entity.id or "", [])
        return entities

    async def get_entities_by_ids(self, entity_ids: Sequence[str]) -> list[Entity]:
        ids = check_ids(entity_ids, "entity_ids")
        if not ids:
            return []
        rows = await self._pool.fetch("read entities", "SELECT * FROM entities WHERE id = ANY($1::uuid[])", ids)
        order = {entity_id: index for index, entity_id in enumerate(ids)}
        entities = sorted((entity_from_row(row) for row in rows), key=lambda e: order.get(e.id or "", 0))
        return await self._with_components(entities)

    async def get_entities_for_room(
        self, room_id: str, include_components: bool = False, *, shared: bool = False
    ) -> list[Entity]:
        """Fresh entities (``shared`` changes nothing: this backend keeps no decoded rows)."""
        rows = await self._pool.fetch(
            "read the entities of a room",
            "SELECT e.* FROM entities e WHERE e.id IN (SELECT entity_id FROM participants WHERE room_id = $1) "
            "ORDER BY e.created_at, e.id",
            check_id(room_id, "room_id"),
        )
        entities = [entity_from_row(row) for row in rows]
        return await self._with_components(entities) if include_components else entities

    async def create_entities(self, entities: Sequence[Entity]) -> bool:
        if not entities:
            return True
        now = now_ms()
        ids, agents, names, metadata = [], [], [], []
        for entity in entities:
            ids.append(check_id(entity.id, "entity.id") if entity.id else new_uuid())
            agents.append(check_id(entity.agent_id or self._agent, "entity.agent_id"))
            names.append(dump_json([str(name) for name in entity.names], "entity.names"))
            metadata.append(dump_json(entity.metadata, "entity.metadata"))
        await self._pool.execute(
            "create entities",
            "INSERT INTO entities (id, agent_id, names, metadata, created_at) "
            "SELECT u.id, u.agent_id, u.names::jsonb, u.metadata::jsonb, $5 "
            "FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS u(id, agent_id, names, metadata) "
            "ON CONFLICT (id) DO NOTHING",
            ids,
            agents,
            names,
            metadata,
            now,
        )
        return True

    async def update_entity(self, entity: Entity) -> None:
        status = await self._pool.execute(
            "update entity",
            "UPDATE entities SET names = $2, metadata = $3, agent_id = $4 WHERE id = $1",
            check_id(entity.id, "entity.id"),
            dump_json([str(name) for name in entity.names], "entity.names"),
            dump_json(entity.metadata, "entity.metadata"),
            check_id(entity.agent_id or self._agent, "entity.agent_id"),
        )
        if affected_rows(status) == 0:
            raise IntegrityError(f"update_entity: no entity {entity.id}")

    async def delete_entity(self, entity_id: str) -> None:
        await self._pool.execute(
            "delete entity", "DELETE FROM entities WHERE id = $1", check_id(entity_id, "entity_id")
        )

    async def get_entities_by_names(self, names: Sequence[str]) -> list[Entity]:
        if not names:
            return []
        rows = await self._pool.fetch(
            "find entities by name",
            "SELECT * FROM entities WHERE agent_id = $1 AND EXISTS "
            "(SELECT 1 FROM jsonb_array_elements_text(names) AS n WHERE n = ANY($2::text[])) ORDER BY created_at, id",
            self._agent,
            list(names),
        )
        return [entity_from_row(row) for row in rows]

    async def search_entities_by_name(self, query: str, limit: int = 10) -> list[Entity]:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self._pool.fetch(
            "search entities by name",
            "SELECT * FROM entities e WHERE agent_id = $1 AND EXISTS "
            "(SELECT 1 FROM jsonb_array_elements_text(e.names) AS n WHERE n ILIKE $2) ORDER BY created_at, id LIMIT $3",
            self._agent,
            pattern,
            limit,
        )
        return [entity_from_row(row) for row in rows]

    async def get_component(
        self,
        entity_id: str,
        type: str,
        world_id: str | None = None,
        source_entity_id: str | None = None,
    ) -> Component | None:
        found = await self._components(entity_id, world_id, source_entity_id, type)
        return found[0] if found else None

    async def get_components(
        self, entity_id: str, world_id: str | None = None, source_entity_id: str | None = None
    ) -> list[Component]:
        return await self._components(entity_id, world_id, source_entity_id, None)

    async def _components(
        self, entity_id: str, world_id: str | None, source_entity_id: str | None, type: str | None
    ) -> list[Component]:
        args: list[object] = [check_id(entity_id, "entity_id")]
        clauses = ["entity_id = $1"]
        for column, value in (
            ("world_id", check_optional_id(world_id, "world_id")),
            ("source_entity_id", check_optional_id(source_entity_id, "source_entity_id")),
            ("type", type),
        ):
            if value is not None:
                args.append(value)
                clauses.append(f"{column} = ${len(args)}")
        rows = await self._pool.fetch(
            "read components",
            f"SELECT {_COMPONENT_COLUMNS} FROM components WHERE {' AND '.join(clauses)} ORDER BY created_at, id",
            *args,
        )
        return [component_from_row(row) for row in rows]

    async def create_component(self, component: Component) -> bool:
        await self._pool.execute(
            "create component",
            f"INSERT INTO components ({_COMPONENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            check_id(component.id, "component.id"),
            check_id(component.entity_id, "component.entity_id"),
            check_id(component.agent_id, "component.agent_id"),
            check_id(component.room_id, "component.room_id"),
            check_optional_id(component.world_id, "component.world_id"),
            check_optional_id(component.source_entity_id, "component.source_entity_id"),
            component.type,
            dump_json(component.data, "component.data"),
            component.created_at or now_ms(),
        )
        return True

    async def update_component(self, component: Component) -> None:
        await self._pool.execute(
            "update component",
            "UPDATE components SET entity_id = $2, agent_id = $3, room_id = $4, world_id = $5, source_entity_id = $6, "
            "type = $7, data = $8 WHERE id = $1",
            check_id(component.id, "component.id"),
            check_id(component.entity_id, "component.entity_id"),
            check_id(component.agent_id, "component.agent_id"),
            check_id(component.room_id, "component.room_id"),
            check_optional_id(component.world_id, "component.world_id"),
            check_optional_id(component.source_entity_id, "component.source_entity_id"),
            component.type,
            dump_json(component.data, "component.data"),
        )

    async def delete_component(self, component_id: str) -> None:
        await self._pool.execute(
            "delete component", "DELETE FROM components WHERE id = $1", check_id(component_id, "component_id")
        )
