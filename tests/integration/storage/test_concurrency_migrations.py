"""Concurrent writers on one agent, and plugin migrations (additive, destructive refused or allowed)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text

from pyeliza.errors import DestructiveMigrationError, MigrationError
from pyeliza.storage import DatabaseAdapter, PluginSchema
from pyeliza.types import Content, Entity, Memory, MemorySearchParams, Room, new_uuid

from .conftest import Place


async def test_fifty_concurrent_writers_on_one_agent(adapter: DatabaseAdapter, place: Place) -> None:
    async def writer(n: int) -> list[str]:
        ids = []
        [room] = await adapter.create_rooms([Room(id=new_uuid(), source="w")])
        entity = new_uuid()
        await adapter.create_entities([Entity(id=entity, names=[f"w{n}"])])
        await adapter.add_participants_room([entity, place.entity_id], room)
        for i in range(10):
            memory = Memory(
                entity_id=entity, room_id=room, content=Content(text=f"{n}-{i}"), embedding=[n, i, 1.0] + [0.0] * 381
            )
            ids.append(await adapter.create_memory(memory, "messages"))
        await adapter.set_cache(f"writer-{n}", n)
        return ids

    results = await asyncio.gather(*(writer(n) for n in range(50)))
    all_ids = {i for ids in results for i in ids}
    assert len(all_ids) == 500
    stored = await adapter.get_memories("messages")
    assert {m.id for m in stored} == all_ids
    assert len(await adapter.get_rooms_for_participant(place.entity_id)) == 51
    assert [await adapter.get_cache(f"writer-{n}") for n in range(50)] == list(range(50))


def _plugin_v1() -> MetaData:
    md = MetaData()
    Table("notes_test", md, Column("id", Integer, primary_key=True), Column("body", Text, nullable=False))
    return md


def _plugin_v2() -> MetaData:
    md = MetaData()
    Table(
        "notes_test",
        md,
        Column("id", Integer, primary_key=True),
        Column("body", Text, nullable=False),
        Column("author", Text),
    )
    Table("tags_test", md, Column("id", Integer, primary_key=True))
    return md


def _plugin_v3_drops_a_column() -> MetaData:
    md = MetaData()
    Table("notes_test", md, Column("id", Integer, primary_key=True), Column("body", Text, nullable=False))
    Table("tags_test", md, Column("id", Integer, primary_key=True))
    return md


async def test_plugin_migrations(adapter: DatabaseAdapter, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = f"notes_{new_uuid()[:8]}"
    monkeypatch.delenv("PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS", raising=False)
    await adapter.run_plugin_migrations([PluginSchema(plugin, _plugin_v1())])
    await adapter.run_plugin_migrations([PluginSchema(plugin, _plugin_v1())])
    status = {s.plugin_name: s for s in await adapter.get_migration_status()}
    assert status[plugin].version == 1

    await adapter.run_plugin_migrations([PluginSchema(plugin, _plugin_v2())])
    status = {s.plugin_name: s for s in await adapter.get_migration_status()}
    assert status[plugin].version == 2 and status["core"].version >= 1

    with pytest.raises(DestructiveMigrationError, match="author"):
        await adapter.run_plugin_migrations([PluginSchema(plugin, _plugin_v3_drops_a_column())])
    status = {s.plugin_name: s for s in await adapter.get_migration_status()}
    assert status[plugin].version == 2

    monkeypatch.setenv("PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS", "true")
    await adapter.run_plugin_migrations([PluginSchema(plugin, _plugin_v3_drops_a_column())])
    status = {s.plugin_name: s for s in await adapter.get_migration_status()}
    assert status[plugin].version == 3


async def test_adding_a_not_null_column_without_default_is_refused(adapter: DatabaseAdapter) -> None:
    plugin = f"strict_{new_uuid()[:8]}"
    md = MetaData()
    Table("strict_test", md, Column("id", Integer, primary_key=True))
    await adapter.run_plugin_migrations([PluginSchema(plugin, md)])
    md2 = MetaData()
    Table("strict_test", md2, Column("id", Integer, primary_key=True), Column("x", Text, nullable=False))
    with pytest.raises(MigrationError, match=r"strict_test\.x"):
        await adapter.run_plugin_migrations([PluginSchema(plugin, md2)])


async def test_searches_interleaved_with_writes_and_deletes_stay_consistent(
    adapter: DatabaseAdapter, place: Place
) -> None:
    def vector(i: int) -> list[float]:
        v = [0.0] * 384
        v[i % 384] = 1.0
        v[(i + 1) % 384] = 0.5
        return v

    async def write(i: int) -> str:
        memory = Memory(
            entity_id=place.entity_id, room_id=place.room_id, content=Content(text=f"{i}"), embedding=vector(i)
        )
        return await adapter.create_memory(memory, "messages", unique=True)

    async def search(i: int) -> None:
        hits = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=vector(i), count=3))
        assert all(h.similarity is not None for h in hits)

    ids = await asyncio.gather(*(write(i) for i in range(100)))
    await asyncio.gather(
        *(write(i) for i in range(100, 200)),
        *(search(i) for i in range(100)),
        adapter.delete_many_memories(list(ids[:50])),
    )
    remaining = {m.id for m in await adapter.get_memories("messages")}
    assert len(remaining) == 150
    for i in range(50, 200, 10):
        [best] = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=vector(i), count=1))
        assert best.content.text == str(i) and best.id in remaining
