"""PostgreSQL-specific behaviour: restart survival, bad input, advisory-locked migrations, lost connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text
from tests.support.postgres import scratch_database

from pyeliza.errors import EmbeddingDimensionError, IntegrityError, InvalidInputError, StorageError
from pyeliza.storage import PluginSchema
from pyeliza.storage.sql.postgres import PostgresAdapter, PostgresDatabase, advisory_lock_key
from pyeliza.types import Agent, Content, Entity, Memory, MemorySearchParams, Room, World, new_uuid

pytestmark = pytest.mark.postgres


@pytest.fixture
async def url(postgres_url: str) -> str:
    return await scratch_database(postgres_url)


@pytest.fixture
async def database(url: str) -> AsyncIterator[PostgresDatabase]:
    async with PostgresDatabase(url) as db:
        yield db


async def _agent_with_room(adapter: PostgresAdapter) -> tuple[str, str]:
    await adapter.create_agent(Agent(id=adapter.agent_id, name="Ada", bio="test agent"))
    world = await adapter.create_world(World(id=new_uuid(), name="w"))
    [room] = await adapter.create_rooms([Room(id=new_uuid(), world_id=world)])
    entity = new_uuid()
    await adapter.create_entities([Entity(id=entity, names=["user"])])
    await adapter.add_participants_room([entity], room)
    return entity, room


def _unit(index: int, dimension: int = 384) -> list[float]:
    vector = [0.0] * dimension
    vector[index] = 1.0
    return vector


async def test_data_survives_a_restart(url: str) -> None:
    agent_id = new_uuid()
    async with PostgresDatabase(url) as first:
        adapter = first.adapter(agent_id)
        entity, room = await _agent_with_room(adapter)
        memory_id = await adapter.create_memory(
            Memory(entity_id=entity, room_id=room, content=Content(text="remember me"), embedding=_unit(3)), "messages"
        )
    async with PostgresDatabase(url) as second:
        adapter = second.adapter(agent_id)
        stored = await adapter.get_memory_by_id(memory_id)
        assert stored is not None and stored.content.text == "remember me"
        assert stored.embedding == _unit(3)
        assert await adapter.get_embedding_dimension() == 384
        found = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=_unit(3), count=1))
        assert [m.id for m in found] == [memory_id]
        assert found[0].similarity == pytest.approx(1.0)
        assert await adapter.get_participants_for_room(room) == [entity]


async def test_wrong_embedding_size_is_rejected_and_nothing_written(database: PostgresDatabase) -> None:
    adapter = database.adapter(new_uuid())
    entity, room = await _agent_with_room(adapter)
    await adapter.ensure_embedding_dimension(384, "stub-model")
    with pytest.raises(EmbeddingDimensionError, match=r"512 dimensions but this agent stores 384.*stub-model"):
        await adapter.create_memory(
            Memory(entity_id=entity, room_id=room, content=Content(text="x"), embedding=[0.5] * 512), "messages"
        )
    assert await adapter.count_memories(room) == 0
    with pytest.raises(InvalidInputError, match="out of range"):
        await adapter.ensure_embedding_dimension(0)


async def test_bad_ids_and_unknown_rooms_raise_typed_errors(database: PostgresDatabase) -> None:
    adapter = database.adapter(new_uuid())
    entity, room = await _agent_with_room(adapter)
    with pytest.raises(InvalidInputError, match="room_id must be a UUID"):
        await adapter.get_memories("messages", room_id="not-a-uuid")
    with pytest.raises(IntegrityError, match="memories_room_id_fkey"):
        await adapter.create_memory(Memory(entity_id=entity, room_id=new_uuid(), content=Content(text="x")), "messages")
    with pytest.raises(InvalidInputError, match="over the limit"):
        await adapter.create_memory(
            Memory(entity_id=entity, room_id=room, content=Content(text="x" * 2_000_000)), "messages"
        )
    assert await adapter.count_memories(room) == 0


async def test_two_databases_migrating_at_once_apply_each_migration_once(url: str) -> None:
    first, second = PostgresDatabase(url), PostgresDatabase(url)
    await asyncio.gather(first.open(), second.open())
    plugin = MetaData()
    Table("notes", plugin, Column("id", Integer, primary_key=True), Column("body", Text))
    schema = PluginSchema("@test/notes", plugin)
    await asyncio.gather(first.run_plugin_migrations([schema]), second.run_plugin_migrations([schema]))
    status = await first.get_migration_status()
    assert sorted((s.plugin_name, s.version) for s in status) == [("@test/notes", 1), ("core", 1)]
    assert await first.fetch("SELECT count(*) AS n FROM notes") == [{"n": 0}]
    await asyncio.gather(first.close(), second.close())


def test_advisory_lock_key_is_a_63_bit_hash_of_the_plugin_name() -> None:
    key = advisory_lock_key("core")
    assert 0 <= key < 2**63
    assert key == advisory_lock_key("core") != advisory_lock_key("@test/notes")


async def test_a_terminated_connection_fails_clearly_and_the_pool_recovers(
    database: PostgresDatabase, url: str
) -> None:
    adapter = database.adapter(new_uuid())
    await _agent_with_room(adapter)
    sleeper = asyncio.create_task(database.fetch("SELECT pg_sleep(30)"))
    killer = await asyncpg.connect(url)
    try:
        for _ in range(500):
            if await killer.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"
            ):
                break
            await asyncio.sleep(0.02)
        else:
            pytest.fail("the sleeping query never started")
        await killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await killer.close()
    with pytest.raises(StorageError, match="connection was lost"):
        await sleeper
    assert [agent.name for agent in await adapter.get_agents()] == ["Ada"]
    assert await adapter.is_ready()
