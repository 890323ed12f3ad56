"""Entities and their components."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from pydantic import ConfigDict

from ....errors import InvalidInputError
from ....types import Component, Entity, new_uuid, now_ms
from ..codec import (
    check_id,
    check_ids,
    check_optional_id,
    component_from_row,
    dump_json,
    entity_from_row,
)
from .database import WriteTx
from .store import SqliteStore, chunks, placeholders, require_row


class _ReadOnlyEntity(Entity):
    """A room's entity shared by the readers that only look (``shared=True``): assigning to it raises."""

    model_config = ConfigDict(frozen=True, defer_build=True)


def _names(entity: Entity) -> list[str]:
    return [str(n) for n in entity.names]


def _component_rows(conn: sqlite3.Connection, entity_ids: Sequence[str]) -> tuple[sqlite3.Row, ...]:
    rows: list[sqlite3.Row] = []
    for part in chunks(entity_ids):
        rows += conn.execute(
            f"SELECT * FROM components WHERE entity_id IN ({placeholders(len(part))}) ORDER BY created_at, id",
            tuple(part),
        ).fetchall()
    return tuple(rows)


def _by_entity(entity_ids: Sequence[str], component_rows: Sequence[sqlite3.Row]) -> dict[str, list[Component]]:
    out: dict[str, list[Component]] = {e: [] for e in entity_ids}
    for row in component_rows:
        out[row["entity_id"]].append(component_from_row(row))
    return out


def _components_by_entity(conn: sqlite3.Connection, entity_ids: Sequence[str]) -> dict[str, list[Component]]:
    return _by_entity(entity_ids, _component_rows(conn, entity_ids))


class EntityStore(SqliteStore):
    __slots__ = ()

    async def get_entities_by_ids(self, entity_ids: Sequence[str]) -> list[Entity]:
        ids = check_ids(entity_ids, "entity id")

        def job(conn: sqlite3.Connection) -> list[Entity]:
            rows = []
            for part in chunks(ids):
                rows += conn.execute(
                    f"SELECT * FROM entities WHERE id IN ({placeholders(len(part))})", tuple(part)
                ).fetchall()
            components = _components_by_entity(conn, [r["id"] for r in rows])
            return [entity_from_row(r, components[r["id"]]) for r in rows]

        return await self._db.read(job)

    async def get_entities_for_room(
        self, room_id: str, include_components: bool = False, *, shared: bool = False
    ) -> list[Entity]:
        room = check_id(room_id, "room_id")

        def job(conn: sqlite3.Connection) -> tuple[tuple[sqlite3.Row, ...], tuple[sqlite3.Row, ...]]:
            rows = tuple(
                conn.execute(
                    "SELECT DISTINCT e.* FROM participants p JOIN entities e ON e.id = p.entity_id "
                    "WHERE p.room_id = ? ORDER BY e.created_at, e.id",
                    (room,),
                )
            )
            return rows, (_component_rows(conn, [r["id"] for r in rows]) if include_components else ())

        def decode(found: tuple[tuple[sqlite3.Row, ...], tuple[sqlite3.Row, ...]]) -> tuple[Entity, ...]:
            rows, component_rows = found
            model = _ReadOnlyEntity if shared else Entity
            if not include_components:
                return tuple(entity_from_row(r, model=model) for r in rows)
            components = _by_entity([r["id"] for r in rows], component_rows)
            return tuple(entity_from_row(r, components[r["id"]], model) for r in rows)

        key = ("entities of room", room, include_components)
        if shared:
            return await self._db.read_shared(key, job, decode)
        return list(decode(await self._db.read_remembered(key, job)))

    async def create_entities(self, entities: Sequence[Entity]) -> bool:
        now = now_ms()
        values = []
        for entity in entities:
            entity_id = check_id(entity.id or new_uuid(), "entity.id")
            owner = check_id(entity.agent_id or self._agent_id, "entity.agent_id")
            values.append(
                (
                    entity_id,
                    owner,
                    dump_json(_names(entity), "entity names"),
                    dump_json(entity.metadata, f"metadata of entity {entity_id}"),
                    now,
                )
            )

        def job(tx: WriteTx) -> bool:
            tx.conn.executemany(
                "INSERT INTO entities (id, agent_id, names, metadata, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                values,
            )
            return True

        return await self._db.write(job)

    async def update_entity(self, entity: Entity) -> None:
        if entity.id is None:
            raise InvalidInputError("update_entity needs an entity with an id")
        entity_id = check_id(entity.id, "entity.id")
        owner = check_id(entity.agent_id or self._agent_id, "entity.agent_id")
        names = dump_json(_names(entity), "entity names")
        metadata = dump_json(entity.metadata, f"metadata of entity {entity_id}")

        def job(tx: WriteTx) -> None:
            require_row(tx.conn, "entities", entity_id, "entity")
            tx.conn.execute(
                "UPDATE entities SET names = ?, metadata = ?, agent_id = ? WHERE id = ?",
                (names, metadata, owner, entity_id),
            )

        await self._db.write(job)

    async def delete_entity(self, entity_id: str) -> None:
        target = check_id(entity_id, "entity_id")

        def job(tx: WriteTx) -> None:
            tx.conn.execute("DELETE FROM entities WHERE id = ?", (target,))
            tx.after_commit.append(lambda: self._db.drop_indexes(None))

        await self._db.write(job)

    async def get_entities_by_names(self, names: Sequence[str]) -> list[Entity]:
        wanted = {n for n in names if isinstance(n, str)}
        if not wanted:
            return []
        agent = self._agent_id

        def job(conn: sqlite3.Connection) -> list[Entity]:
            rows = conn.execute(
                f"SELECT DISTINCT e.* FROM entities e, json_each(e.names) n WHERE e.agent_id = ? "
                f"AND n.value IN ({placeholders(len(wanted))}) ORDER BY e.created_at, e.id",
                (agent, *wanted),
            ).fetchall()
            return [entity_from_row(r) for r in rows]

        return await self._db.read(job)

    async def search_entities_by_name(self, query: str, limit: int = 10) -> list[Entity]:
        agent = self._agent_id
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        def job(conn: sqlite3.Connection) -> list[Entity]:
            rows = conn.execute(
                "SELECT DISTINCT e.* FROM entities e, json_each(e.names) n WHERE e.agent_id = ? "
                "AND lower(n.value) LIKE ? ESCAPE '\\' ORDER BY e.created_at, e.id LIMIT ?",
                (agent, pattern, max(0, int(limit))),
            ).fetchall()
            return [entity_from_row(r) for r in rows]

        return await self._db.read(job)

    # -- components --------------------------------------------------------------------------------------
    async def get_component(
        self,
        entity_id: str,
        type: str,
        world_id: str | None = None,
        source_entity_id: str | None = None,
    ) -> Component | None:
        found = await self._components(entity_id, type, world_id, source_entity_id)
        return found[0] if found else None

    async def get_components(
        self, entity_id: str, world_id: str | None = None, source_entity_id: str | None = None
    ) -> list[Component]:
        return await self._components(entity_id, None, world_id, source_entity_id)

    async def _components(
        self, entity_id: str, type: str | None, world_id: str | None, source_entity_id: str | None
    ) -> list[Component]:
        sql = "SELECT * FROM components WHERE entity_id = ?"
        args: list[object] = [check_id(entity_id, "entity_id")]
        for column, value in (
            ("type", type),
            ("world_id", check_optional_id(world_id, "world_id")),
            ("source_entity_id", check_optional_id(source_entity_id, "source_entity_id")),
        ):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        rows = await self._db.read(lambda c: c.execute(sql + " ORDER BY created_at, id", args).fetchall())
        return [component_from_row(r) for r in rows]

    async def create_component(self, component: Component) -> bool:
        values = (
            check_id(component.id, "component.id"),
            check_id(component.entity_id, "component.entity_id"),
            check_id(component.agent_id, "component.agent_id"),
            check_id(component.room_id, "component.room_id"),
            check_optional_id(component.world_id, "component.world_id"),
            check_optional_id(component.source_entity_id, "component.source_entity_id"),
            component.type,
            dump_json(component.data, f"data of component {component.id}"),
            component.created_at or now_ms(),
        )

        def job(tx: WriteTx) -> bool:
            require_row(tx.conn, "entities", values[1], "entity")
            require_row(tx.conn, "rooms", values[3], "room")
            tx.conn.execute(
                "INSERT INTO components (id, entity_id, agent_id, room_id, world_id, source_entity_id, type, data, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            return True

        return await self._db.write(job)

    async def update_component(self, component: Component) -> None:
        values = (
            check_id(component.entity_id, "component.entity_id"),
            check_id(component.agent_id, "component.agent_id"),
            check_id(component.room_id, "component.room_id"),
            check_optional_id(component.world_id, "component.world_id"),
            check_optional_id(component.source_entity_id, "component.source_entity_id"),
            component.type,
            dump_json(component.data, f"data of component {component.id}"),
            check_id(component.id, "component.id"),
        )
        await self._db.write(
            lambda tx: tx.conn.execute(
                "UPDATE components SET entity_id = ?, agent_id = ?, room_id = ?, world_id = ?, source_entity_id = ?, "
                "type = ?, data = ? WHERE id = ?",
                values,
            )
        )

    async def delete_component(self, component_id: str) -> None:
        target = check_id(component_id, "component_id")
        await self._db.write(lambda tx: tx.conn.execute("DELETE FROM components WHERE id = ?", (target,)))
