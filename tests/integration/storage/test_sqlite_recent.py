"""The SQLite windows of recent memories: every read through them equals the table, after any kind of write."""

from __future__ import annotations

import asyncio
import threading

import pytest

from pyeliza.storage.sql.sqlite import SqliteAdapter, SqliteDatabase
from pyeliza.storage.sql.sqlite.database import WriteTx
from pyeliza.storage.sql.sqlite.recent import WINDOW
from pyeliza.types import Agent, Content, Entity, Memory, Room, World, new_uuid


@pytest.fixture
def database(sqlite_database: SqliteDatabase) -> SqliteDatabase:
    return sqlite_database


async def agent_in_room(database: SqliteDatabase) -> tuple[SqliteAdapter, str, str]:
    agent_id = new_uuid()
    adapter = database.adapter(agent_id)
    assert await adapter.create_agent(Agent(id=agent_id, name="Recent", bio="a test agent"))
    assert await adapter.create_entities([Entity(id=agent_id, names=["Recent"])])
    world_id = await adapter.create_world(World(id=new_uuid(), name="w", agent_id=agent_id))
    [room_id] = await adapter.create_rooms([Room(id=new_uuid(), source="t", type="GROUP", world_id=world_id)])
    return adapter, world_id, room_id


async def say(adapter: SqliteAdapter, room_id: str, text: str, at: int, vector: bool = False) -> str:
    memory = Memory(
        id=new_uuid(),
        entity_id=adapter.agent_id,
        room_id=room_id,
        content=Content(text=text, actions=["REPLY"]),
        created_at=at,
        embedding=[1.0, float(at % 7), 0.5] if vector else None,
    )
    return await adapter.create_memory(memory, "messages")


async def table_truth(adapter: SqliteAdapter, room_id: str, count: int | None) -> list[Memory]:
    """The newest memories as ``get_memories`` reads them from the table (it never uses the windows)."""
    found = await adapter.get_memories("messages", room_id=room_id, count=count)
    return [memory.model_copy(update={"embedding": None}) for memory in found]


async def assert_reads_match(adapter: SqliteAdapter, room_id: str) -> None:
    for count in (1, 5, 32, WINDOW, None):
        windowed = await adapter.get_memories_by_room_ids("messages", [room_id], count)
        assert windowed == await table_truth(adapter, room_id, count), count


async def test_reads_follow_creates_updates_and_deletes(database: SqliteDatabase) -> None:
    adapter, _, room_id = await agent_in_room(database)
    ids = [await say(adapter, room_id, f"m{n}", 1000 + n, vector=n % 2 == 0) for n in range(5)]
    await assert_reads_match(adapter, room_id)  # loads the window
    ids.append(await say(adapter, room_id, "newest", 5000))
    await say(adapter, room_id, "between", 1002)  # lands inside the window
    await assert_reads_match(adapter, room_id)
    assert (await adapter.get_memories_by_room_ids("messages", [room_id], 1))[0].content.text == "newest"

    assert await adapter.update_memory({"id": ids[0], "content": {"text": "edited"}})
    await assert_reads_match(adapter, room_id)
    assert await adapter.update_memory({"id": ids[1], "embedding": [0.0, 1.0, 0.0]})
    await assert_reads_match(adapter, room_id)

    await adapter.delete_memory(ids[-1])
    await assert_reads_match(adapter, room_id)
    await database.write(lambda tx: tx.conn.execute("DELETE FROM memories WHERE id = ?", (ids[2],)))
    await assert_reads_match(adapter, room_id)
    assert ids[2] not in {m.id for m in await adapter.get_memories_by_room_ids("messages", [room_id], 10)}

    await adapter.delete_room(room_id)
    assert await adapter.get_memories_by_room_ids("messages", [room_id], 10) == []


async def test_a_room_longer_than_the_window(database: SqliteDatabase) -> None:
    adapter, _, room_id = await agent_in_room(database)
    for n in range(WINDOW + 6):
        await say(adapter, room_id, f"m{n}", 1000 + n)
    await assert_reads_match(adapter, room_id)
    await say(adapter, room_id, "older than the window", 10)
    await say(adapter, room_id, "newest", 9000)
    await assert_reads_match(adapter, room_id)
    assert len(await adapter.get_memories_by_room_ids("messages", [room_id])) == WINDOW + 8


async def test_memories_read_are_the_callers_own(database: SqliteDatabase) -> None:
    adapter, _, room_id = await agent_in_room(database)
    await say(adapter, room_id, "hello", 1000)
    first = (await adapter.get_memories_by_room_ids("messages", [room_id], 5))[0]
    first.content.text = "changed"
    assert first.content.actions is not None
    first.content.actions.append("IGNORE")
    first.embedding = [1.0]
    again = (await adapter.get_memories_by_room_ids("messages", [room_id], 5))[0]
    assert again.content.text == "hello" and again.content.actions == ["REPLY"] and again.embedding is None


async def test_a_write_during_a_read_is_never_lost(database: SqliteDatabase) -> None:
    """Reads and writes racing: after everything finished, the window equals the table."""
    adapter, _, room_id = await agent_in_room(database)
    await say(adapter, room_id, "first", 1000)

    async def reader() -> None:
        for _ in range(30):
            await adapter.get_memories_by_room_ids("messages", [room_id], 10)

    async def writer() -> None:
        for n in range(30):
            await say(adapter, room_id, f"w{n}", 2000 + n)
            if n % 10 == 0:
                await database.write(lambda tx: tx.conn.execute("UPDATE memories SET content = content"))

    await asyncio.gather(reader(), reader(), writer())
    await assert_reads_match(adapter, room_id)


async def test_other_agents_and_rooms_stay_apart(database: SqliteDatabase) -> None:
    adapter, world_id, room_id = await agent_in_room(database)
    [other_room] = await adapter.create_rooms([Room(id=new_uuid(), source="t", type="GROUP", world_id=world_id)])
    await say(adapter, room_id, "here", 1000)
    await say(adapter, other_room, "there", 1001)
    await assert_reads_match(adapter, room_id)
    await assert_reads_match(adapter, other_room)
    other_agent = database.adapter(new_uuid())
    assert await other_agent.get_memories_by_room_ids("messages", [room_id], 10) == []


async def test_a_plugin_statement_drops_the_windows(database: SqliteDatabase) -> None:
    adapter, _, room_id = await agent_in_room(database)
    await say(adapter, room_id, "kept", 1000)
    await assert_reads_match(adapter, room_id)

    def rewrite(tx: WriteTx) -> None:
        tx.conn.execute("UPDATE memories SET content = ? WHERE room_id = ?", ('{"text":"rewritten"}', room_id))

    await database.write(rewrite)
    [memory] = await adapter.get_memories_by_room_ids("messages", [room_id], 5)
    assert memory.content.text == "rewritten"


async def test_a_window_read_before_a_finished_write_is_not_kept(database: SqliteDatabase) -> None:
    """The window's read runs before a write commits but its result arrives after: it must not be kept."""
    adapter, _, room_id = await agent_in_room(database)
    await say(adapter, room_id, "old", 1000)
    release = threading.Event()
    load = asyncio.ensure_future(adapter.get_memories_by_room_ids("messages", [room_id], 10))
    held = asyncio.ensure_future(database.read(lambda conn: release.wait(5)))  # same hand-off: delivered together
    await asyncio.sleep(0.05)  # the reader ran the window's SELECT and now waits in the second job
    await say(adapter, room_id, "new", 2000)
    release.set()
    assert [m.content.text for m in await load] == ["old"]
    await held
    assert [m.content.text for m in await adapter.get_memories_by_room_ids("messages", [room_id], 10)] == ["new", "old"]


async def test_shared_reads_are_read_only_snapshots_and_copies_stay_the_callers(database: SqliteDatabase) -> None:
    from pydantic import ValidationError

    adapter, _, room_id = await agent_in_room(database)
    for n in range(3):
        await say(adapter, room_id, f"m{n}", at=100 + n)
    [first] = await adapter.get_memories_by_room_ids("messages", [room_id], 1, shared=True)
    [again] = await adapter.get_memories_by_room_ids("messages", [room_id], 1, shared=True)
    assert first is again and isinstance(first, Memory)  # made once, shared by every reader that only looks
    with pytest.raises(ValidationError, match="frozen"):
        first.content.text = "changed"
    with pytest.raises(ValidationError, match="frozen"):
        first.room_id = new_uuid()
    [copy] = await adapter.get_memories_by_room_ids("messages", [room_id], 1)
    copy.content.text = "the caller's own"
    assert first.content.text == "m2"
    await assert_reads_match(adapter, room_id)


async def test_shared_entity_reads_are_decoded_once_and_follow_writes(database: SqliteDatabase) -> None:
    from pydantic import ValidationError

    adapter, _, room_id = await agent_in_room(database)
    user = Entity(id=new_uuid(), names=["Ann"], metadata={"source": "test"})
    assert await adapter.create_entities([user])
    assert await adapter.add_participants_room([adapter.agent_id, user.id or ""], room_id)

    first = await adapter.get_entities_for_room(room_id, True, shared=True)
    again = await adapter.get_entities_for_room(room_id, True, shared=True)
    ann = next(e for e in first if e.id == user.id)
    assert sorted(e.names[0] for e in first) == ["Ann", "Recent"]
    assert ann in again and all(a is b for a, b in zip(first, again, strict=True)) and first is not again
    with pytest.raises(ValidationError, match="frozen"):
        ann.names = ["changed"]
    own = next(e for e in await adapter.get_entities_for_room(room_id, True) if e.id == user.id)
    own.names.append("the caller's own")
    assert ann.names == ["Ann"]

    await adapter.update_entity(Entity(id=user.id, names=["Ann B."], metadata={"source": "test"}))
    after = await adapter.get_entities_for_room(room_id, True, shared=True)
    assert sorted(e.names[0] for e in after) == ["Ann B.", "Recent"]
