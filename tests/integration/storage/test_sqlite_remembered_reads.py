"""Remembered reads of the SQLite backend: a read repeated after any write equals the table, never a stale copy."""

from __future__ import annotations

import asyncio
import time

import pytest

from pyeliza.storage.sql.sqlite import SqliteAdapter, SqliteDatabase
from pyeliza.storage.sql.sqlite.database import WriteTx
from pyeliza.types import Agent, Content, Entity, Memory, Room, Task, World, new_uuid


@pytest.fixture
def database(sqlite_database: SqliteDatabase) -> SqliteDatabase:
    return sqlite_database


@pytest.fixture
async def adapter(database: SqliteDatabase) -> SqliteAdapter:
    agent_id = new_uuid()
    view = database.adapter(agent_id)
    assert await view.create_agent(Agent(id=agent_id, name="Memo", bio="a test agent"))
    assert await view.create_entities([Entity(id=agent_id, names=["Memo"])])
    return view


async def room_in_world(adapter: SqliteAdapter) -> tuple[str, str]:
    world_id = await adapter.create_world(World(id=new_uuid(), name="w", agent_id=adapter.agent_id))
    [room_id] = await adapter.create_rooms([Room(id=new_uuid(), source="t", type="GROUP", world_id=world_id)])
    return world_id, room_id


def count_reads(database: SqliteDatabase) -> list[int]:
    """Patch ``database.read`` to count the reads that reach the reader thread; returns the counter."""
    calls = [0]
    original = database.read

    async def counted(job):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return await original(job)

    database.read = counted  # type: ignore[method-assign]
    return calls


async def test_repeated_structural_reads_do_not_reach_the_database(
    database: SqliteDatabase, adapter: SqliteAdapter
) -> None:
    world_id, room_id = await room_in_world(adapter)
    await adapter.add_participants_room([adapter.agent_id], room_id)
    reads = count_reads(database)
    for _ in range(3):
        assert (await adapter.get_world(world_id)) is not None
        assert [r.id for r in await adapter.get_rooms_by_ids([room_id])] == [room_id]
        assert [e.id for e in await adapter.get_entities_for_room(room_id, True)] == [adapter.agent_id]
        assert await adapter.get_participant_user_state(room_id, adapter.agent_id) is None
        assert await adapter.get_rooms_for_participant(adapter.agent_id) == [room_id]
        assert await adapter.get_tasks(room_id=room_id) == []
        assert await adapter.count_memories(room_id, False) == 0
    assert reads[0] == 7


async def test_handed_out_models_are_the_callers_own(adapter: SqliteAdapter) -> None:
    _, room_id = await room_in_world(adapter)
    [room] = await adapter.get_rooms_by_ids([room_id])
    room.name = "changed by the caller"
    [again] = await adapter.get_rooms_by_ids([room_id])
    assert again.name != "changed by the caller"


async def test_every_kind_of_write_is_seen_by_the_next_read(database: SqliteDatabase, adapter: SqliteAdapter) -> None:
    world_id, room_id = await room_in_world(adapter)
    user = new_uuid()
    assert await adapter.get_entities_for_room(room_id) == []
    await adapter.create_entities([Entity(id=user, names=["Ann"])])
    await adapter.add_participants_room([user], room_id)
    assert [e.id for e in await adapter.get_entities_for_room(room_id)] == [user]
    assert await adapter.get_rooms_for_participant(user) == [room_id]

    await adapter.set_participant_user_state(room_id, user, "MUTED")
    assert await adapter.get_participant_user_state(room_id, user) == "MUTED"

    [room] = await adapter.get_rooms_by_ids([room_id])
    await adapter.update_room(room.model_copy(update={"name": "renamed"}))
    assert [r.name for r in await adapter.get_rooms_by_ids([room_id])] == ["renamed"]

    world = await adapter.get_world(world_id)
    assert world is not None
    await adapter.update_world(world.model_copy(update={"name": "new world name"}))
    assert [w.name for w in await adapter.get_all_worlds()] == ["new world name"]

    task_id = await adapter.create_task(Task(name="job", room_id=room_id, tags=["queue"]))
    assert [t.id for t in await adapter.get_tasks(room_id=room_id, tags=["queue"])] == [task_id]
    await adapter.delete_task(task_id)
    assert await adapter.get_tasks(room_id=room_id, tags=["queue"]) == []

    await database.write(lambda tx: tx.conn.execute("UPDATE rooms SET name = 'raw' WHERE id = ?", (room_id,)))
    assert [r.name for r in await adapter.get_rooms_by_ids([room_id])] == ["raw"]

    await adapter.delete_room(room_id)
    assert await adapter.get_rooms_by_ids([room_id]) == []
    assert await adapter.get_rooms_for_participant(user) == []


async def test_cache_reads_follow_writes_and_expiry(adapter: SqliteAdapter) -> None:
    assert await adapter.get_cache("k") is None
    await adapter.set_cache("k", {"n": 1})
    value = await adapter.get_cache("k")
    assert value == {"n": 1}
    value["n"] = 99  # the caller's own copy
    assert await adapter.get_cache("k") == {"n": 1}
    await adapter.set_cache("k", {"n": 2})
    assert await adapter.get_cache("k") == {"n": 2}
    await adapter.delete_cache("k")
    assert await adapter.get_cache("k") is None
    await adapter.set_cache("soon", "gone", expires_at=1)
    assert await adapter.get_cache("soon") is None


async def test_counts_follow_inserts_of_unique_and_duplicate_memories(adapter: SqliteAdapter) -> None:
    _, room_id = await room_in_world(adapter)

    async def say(text: str, unique: bool) -> str:
        memory = Memory(id=new_uuid(), entity_id=adapter.agent_id, room_id=room_id, content=Content(text=text))
        return await adapter.create_memory(memory, "messages", unique=unique)

    assert (await adapter.count_memories(room_id, False), await adapter.count_memories(room_id, True)) == (0, 0)
    first = await say("one", True)
    await say("two", False)
    assert (await adapter.count_memories(room_id, False), await adapter.count_memories(room_id, True)) == (2, 1)
    again = Memory(id=first, entity_id=adapter.agent_id, room_id=room_id, content=Content(text="one"))
    await adapter.create_memory(again, "messages")  # the same id again: not inserted, not counted
    assert await adapter.count_memories(room_id, False) == 2
    await adapter.delete_memory(first)
    assert (await adapter.count_memories(room_id, False), await adapter.count_memories(room_id, True)) == (1, 0)


async def test_a_read_overlapping_a_write_is_not_remembered(database: SqliteDatabase, adapter: SqliteAdapter) -> None:
    _, room_id = await room_in_world(adapter)
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_rename(tx: WriteTx) -> None:
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result()
        tx.conn.execute("UPDATE rooms SET name = 'after' WHERE id = ?", (room_id,))

    writing = asyncio.create_task(database.write(slow_rename))
    await asyncio.sleep(0.05)
    before = await adapter.get_rooms_by_ids([room_id])  # reads the committed state while the write runs
    release.set()
    await writing
    assert [r.name for r in before] != ["after"]
    assert [r.name for r in await adapter.get_rooms_by_ids([room_id])] == ["after"]


async def test_a_count_read_overlapping_an_insert_is_never_counted_twice(
    database: SqliteDatabase, adapter: SqliteAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer hands the insert's result back late, so the count read sees the committed row first."""
    _, room_id = await room_in_world(adapter)
    writer = database._writer
    deliver = writer._deliver

    def late_deliver(deliveries):  # type: ignore[no-untyped-def]
        time.sleep(0.05)
        deliver(deliveries)

    monkeypatch.setattr(writer, "_deliver", late_deliver)
    memory = Memory(id=new_uuid(), entity_id=adapter.agent_id, room_id=room_id, content=Content(text="late"))
    inserting = asyncio.create_task(adapter.create_memory(memory, "messages"))
    await asyncio.sleep(0.02)  # committed, its result not handed back yet
    assert await adapter.count_memories(room_id, False) == 1  # read from the table: the row is committed
    await inserting
    assert await adapter.count_memories(room_id, False) == 1
