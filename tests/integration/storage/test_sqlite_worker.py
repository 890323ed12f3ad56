"""The SQLite worker threads: connection confinement under concurrency and the group commit of queued writes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from pathlib import Path

import pytest

from pyeliza.errors import IntegrityError
from pyeliza.storage.sql.sqlite import SqliteAdapter, SqliteDatabase
from pyeliza.storage.sql.sqlite.database import WriteTx
from pyeliza.types import Agent, ChannelType, Content, Entity, Log, Memory, Room, World, new_uuid


@pytest.fixture
def database(sqlite_database: SqliteDatabase) -> SqliteDatabase:
    return sqlite_database


async def agent_with_world(database: SqliteDatabase) -> tuple[SqliteAdapter, str]:
    agent_id = new_uuid()
    adapter = database.adapter(agent_id)
    assert await adapter.create_agent(Agent(id=agent_id, name="Worker", bio="a test agent"))
    assert await adapter.create_entities([Entity(id=agent_id, names=["Worker"])])
    world_id = await adapter.create_world(World(id=new_uuid(), name="w", agent_id=agent_id))
    return adapter, world_id


async def test_concurrent_create_rooms_and_reads_never_misuse_the_connection(database: SqliteDatabase) -> None:
    """Regression: 100 concurrent ENTITY_JOINED-style ``create_rooms`` once failed with SQLITE_MISUSE.

    A write job returned its cursor; the cursor was finalised on the event loop thread while the writer thread
    was running the same cached statement for the next room.
    """
    adapter, world_id = await agent_with_world(database)
    created: list[str] = []
    for _ in range(20):
        rooms = [
            Room(id=new_uuid(), name="r", source="t", type=ChannelType.GROUP, world_id=world_id) for _ in range(100)
        ]
        results = await asyncio.gather(
            *(adapter.create_rooms([room]) for room in rooms),
            *(adapter.get_rooms_by_ids([room.id]) for room in rooms),
            return_exceptions=True,
        )
        assert [r for r in results if isinstance(r, BaseException)] == []
        created += [room.id for room in rooms if room.id]
    stored = await adapter.get_rooms_by_ids(created)
    assert sorted(r.id for r in stored if r.id) == sorted(created)


async def test_write_job_returning_a_cursor_gets_none(database: SqliteDatabase) -> None:
    result = await database.write(lambda tx: tx.conn.execute("SELECT 1"))
    assert result is None


async def gate_writer(database: SqliteDatabase) -> tuple[threading.Event, asyncio.Future[None], list[str]]:
    """Hold the writer thread until the event is set, tracing the statements it runs from then on."""
    gate = threading.Event()
    statements: list[str] = []

    def hold(tx: WriteTx) -> None:
        tx.conn.set_trace_callback(statements.append)
        gate.wait(10)

    held = asyncio.ensure_future(database.write(hold))
    await asyncio.sleep(0.05)  # the writer took the gate job alone and now waits in it
    return gate, held, statements


async def test_writes_queued_together_share_one_commit_and_fail_alone(database: SqliteDatabase) -> None:
    adapter, world_id = await agent_with_world(database)
    room = Room(id=new_uuid(), name="r", source="t", type=ChannelType.GROUP, world_id=world_id)
    [room_id] = await adapter.create_rooms([room])
    gate, held, statements = await gate_writer(database)
    ghost_room = new_uuid()
    writes = [adapter.set_cache(f"key-{n}", n) for n in range(5)]
    writes.append(adapter.log(Log(entity_id=adapter.agent_id, room_id=ghost_room, type="x")))
    writes += [adapter.log(Log(entity_id=adapter.agent_id, room_id=room_id, type="y", body={"n": n})) for n in range(4)]
    pending = asyncio.gather(*writes, return_exceptions=True)
    await asyncio.sleep(0.05)  # every write is queued behind the gate
    gate.set()
    results = await pending
    await held
    await database.write(lambda tx: tx.conn.set_trace_callback(None))

    assert isinstance(results[5], IntegrityError) and ghost_room in str(results[5])
    assert [r for i, r in enumerate(results) if i != 5] == [True] * 5 + [None] * 4
    assert statements.count("COMMIT") == 2  # the gate job's own commit, then one for the ten queued writes
    assert [await adapter.get_cache(f"key-{n}") for n in range(5)] == list(range(5))
    logs = await adapter.get_logs(room_id=room_id, type="y")
    assert sorted(entry.body["n"] for entry in logs) == [0, 1, 2, 3]
    assert await adapter.get_logs(room_id=ghost_room) == []


async def test_a_group_sees_what_its_earlier_writes_declared(database: SqliteDatabase) -> None:
    """The first memory with a vector declares the agent's dimension; the rest of the same group must see it."""
    adapter, world_id = await agent_with_world(database)
    [room_id] = await adapter.create_rooms([Room(id=new_uuid(), source="t", type=ChannelType.GROUP, world_id=world_id)])
    gate, held, _ = await gate_writer(database)
    memories = [
        Memory(
            entity_id=adapter.agent_id,
            room_id=room_id,
            content=Content(text=f"memory {n}"),
            embedding=[float(n + 1), 1.0] + [0.0] * 14,
        )
        for n in range(8)
    ]
    pending = asyncio.gather(*(adapter.create_memory(m, "messages") for m in memories))
    await asyncio.sleep(0.05)
    gate.set()
    ids = await pending
    await held
    await database.write(lambda tx: tx.conn.set_trace_callback(None))
    stored = await adapter.get_memories_by_ids(ids)
    assert len(stored) == 8 and all(m.embedding is not None and len(m.embedding) == 16 for m in stored)
    assert await adapter.count_memories(room_id, False, "messages") == 8


async def queued_behind_gate(database: SqliteDatabase, writes: list[Awaitable[object]]) -> list[str]:
    """Run ``writes`` queued together behind a held writer; the statements the writer ran for them."""
    gate, held, statements = await gate_writer(database)
    pending = asyncio.gather(*writes)
    await asyncio.sleep(0.05)
    gate.set()
    await pending
    await held
    await database.write(lambda tx: tx.conn.set_trace_callback(None))
    return statements[statements.index("COMMIT") + 1 :]  # after the gate job's own commit


async def test_with_synchronous_full_only_log_rows_commit_without_fsync(tmp_path: Path) -> None:
    """A group of log rows commits with synchronous=NORMAL; a group holding any other write commits with FULL."""
    async with SqliteDatabase(str(tmp_path / "full.db"), synchronous="full") as database:
        await _only_log_rows_relaxed(database)


async def _only_log_rows_relaxed(database: SqliteDatabase) -> None:
    adapter, world_id = await agent_with_world(database)
    [room_id] = await adapter.create_rooms([Room(id=new_uuid(), source="t", type=ChannelType.GROUP, world_id=world_id)])

    def log(kind: str) -> Awaitable[None]:
        return adapter.log(Log(entity_id=adapter.agent_id, room_id=room_id, type=kind))

    logs_only = await queued_behind_gate(database, [log("a"), log("a"), log("a")])
    assert logs_only[:2] == ["PRAGMA synchronous=NORMAL", "BEGIN IMMEDIATE"]
    assert logs_only.count("COMMIT") == 1
    assert logs_only[logs_only.index("COMMIT") + 1] == "PRAGMA synchronous=FULL"

    mixed = await queued_behind_gate(database, [log("b"), adapter.set_cache("k", 1)])
    assert "PRAGMA synchronous=NORMAL" not in mixed
    assert mixed.count("COMMIT") == 1

    level = await database.on_writer(lambda conn: conn.execute("PRAGMA synchronous").fetchone()[0])
    assert level == 2  # FULL
    assert len(await adapter.get_logs(room_id=room_id)) == 4
    assert await adapter.get_cache("k") == 1


async def test_by_default_commits_skip_the_fsync_and_the_wal_is_synced_soon_after(tmp_path: Path) -> None:
    async with SqliteDatabase(str(tmp_path / "normal.db"), sync_interval_s=0.3) as database:
        adapter, _ = await agent_with_world(database)
        level = await database.on_writer(lambda conn: conn.execute("PRAGMA synchronous").fetchone()[0])
        assert level == 1  # NORMAL
        await asyncio.sleep(0.7)
        synced = database.wal_sync.syncs
        await adapter.set_cache("k", 1)
        assert database.wal_sync.syncs == synced  # not at the commit ...
        await asyncio.sleep(0.8)
        assert database.wal_sync.syncs == synced + 1  # ... but within the interval, with no further write
        await asyncio.sleep(0.5)
        assert database.wal_sync.syncs == synced + 1  # nothing new, no sync


async def test_a_group_without_failures_runs_no_savepoints(database: SqliteDatabase) -> None:
    adapter, world_id = await agent_with_world(database)
    [room_id] = await adapter.create_rooms([Room(id=new_uuid(), source="t", type=ChannelType.GROUP, world_id=world_id)])
    statements = await queued_behind_gate(
        database, [adapter.set_cache(f"k{n}", n) for n in range(3)] + [adapter.update_room(Room(id=room_id, name="x"))]
    )
    assert not [s for s in statements if s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    assert statements.count("COMMIT") == 1
    assert [await adapter.get_cache(f"k{n}") for n in range(3)] == [0, 1, 2]
