"""The whole PostgreSQL server stops and comes back while a Database is open: clear errors, then recovery."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from tests.support.postgres import EmbeddedServer, embedded_server

from pyeliza.errors import StorageError
from pyeliza.storage.sql.postgres import PostgresAdapter, PostgresDatabase
from pyeliza.types import Agent, Content, Entity, Memory, MemorySearchParams, Room, new_uuid

pytestmark = pytest.mark.postgres


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    """A server of this test's own (the session's shared one must stay up)."""
    with embedded_server() as running:
        yield running


def _unit(index: int) -> list[float]:
    vector = [0.0] * 384
    vector[index] = 1.0
    return vector


async def _memory(adapter: PostgresAdapter, entity: str, room: str, index: int) -> str:
    memory = Memory(entity_id=entity, room_id=room, content=Content(text=f"memory {index}"), embedding=_unit(index))
    return await adapter.create_memory(memory, "messages")


async def test_calls_fail_during_an_outage_and_the_pool_recovers(server: EmbeddedServer) -> None:
    async with PostgresDatabase(server.url, max_pool_size=3) as database:
        adapter = database.adapter(new_uuid())
        await adapter.create_agent(Agent(id=adapter.agent_id, name="Ada", bio="test agent"))
        [room] = await adapter.create_rooms([Room(id=new_uuid())])
        entity = new_uuid()
        await adapter.create_entities([Entity(id=entity, names=["user"])])
        before = await _memory(adapter, entity, room, 1)
        in_flight = asyncio.create_task(database.fetch("SELECT pg_sleep(30)"))
        await asyncio.sleep(0.2)

        await asyncio.to_thread(server.stop)

        with pytest.raises(StorageError, match="connection was lost"):
            await in_flight
        with pytest.raises(StorageError, match="PostgreSQL"):
            await adapter.get_agents()
        with pytest.raises(StorageError, match="create memory"):
            await _memory(adapter, entity, room, 2)
        with pytest.raises(StorageError, match="search memories"):
            await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=_unit(1)))
        assert not await adapter.is_ready()

        await asyncio.to_thread(server.start)

        assert await adapter.is_ready()
        assert [agent.name for agent in await adapter.get_agents()] == ["Ada"]
        after = await _memory(adapter, entity, room, 3)
        found = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=_unit(3), count=5))
        assert found[0].id == after
        assert {m.id for m in found} == {before, after}
        assert await adapter.count_memories(room) == 2
        await asyncio.gather(*(adapter.get_agent(adapter.agent_id) for _ in range(10)))
