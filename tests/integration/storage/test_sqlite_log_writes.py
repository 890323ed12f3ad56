"""SQLite log rows for rooms known to exist are written without waiting; readers of logs still see every one."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from pyeliza.errors import IntegrityError, StorageError
from pyeliza.storage.sql.sqlite import SqliteAdapter, SqliteDatabase
from pyeliza.storage.sql.sqlite.database import WriteTx
from pyeliza.types import Agent, ChannelType, Entity, Log, Room, World, new_uuid


@pytest.fixture
def database(sqlite_database: SqliteDatabase) -> SqliteDatabase:
    return sqlite_database


async def agent_in_room(database: SqliteDatabase) -> tuple[SqliteAdapter, str]:
    agent_id = new_uuid()
    adapter = database.adapter(agent_id)
    assert await adapter.create_agent(Agent(id=agent_id, name="Logger", bio="a test agent"))
    assert await adapter.create_entities([Entity(id=agent_id, names=["Logger"])])
    world_id = await adapter.create_world(World(id=new_uuid(), name="w", agent_id=agent_id))
    [room_id] = await adapter.create_rooms([Room(id=new_uuid(), source="t", type=ChannelType.GROUP, world_id=world_id)])
    return adapter, room_id


def entry(adapter: SqliteAdapter, room_id: str | None, n: int) -> Log:
    return Log(entity_id=adapter.agent_id, room_id=room_id, type="row", body={"n": n})


async def hold_writer(database: SqliteDatabase) -> tuple[threading.Event, asyncio.Future[None]]:
    gate = threading.Event()
    held = asyncio.ensure_future(database.write(lambda tx: gate.wait(10), keeps_recent=True))
    await asyncio.sleep(0.05)  # the writer is inside the gate job
    return gate, held


async def test_a_log_row_of_a_known_room_returns_before_its_commit_and_readers_wait_for_it(
    database: SqliteDatabase,
) -> None:
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))  # waited for: the room is now known to exist
    gate, held = await hold_writer(database)
    await asyncio.wait_for(adapter.log(entry(adapter, room_id, 1)), 1)  # returns although the writer is held
    await asyncio.wait_for(adapter.log(entry(adapter, None, 2)), 1)
    reading = asyncio.ensure_future(adapter.get_logs(type="row", count=10))
    summaries = asyncio.ensure_future(adapter.get_agent_run_summaries())
    await asyncio.sleep(0.05)
    assert not reading.done()  # the reader waits for the rows queued before it
    gate.set()
    await held
    assert sorted(log.body["n"] for log in await reading) == [0, 1, 2]
    assert (await summaries).runs == []


async def test_a_room_delete_makes_the_next_log_row_wait_again(database: SqliteDatabase) -> None:
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))
    await adapter.delete_room(room_id)
    with pytest.raises(IntegrityError, match=room_id):
        await adapter.log(entry(adapter, room_id, 1))


async def test_a_failing_detached_write_is_logged_not_raised(
    database: SqliteDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(tx: WriteTx) -> None:
        tx.conn.execute("INSERT INTO no_such_table VALUES (1)")

    with caplog.at_level(logging.ERROR, logger="pyeliza.storage.sqlite"):
        database.write_detached(fail, what="the test row")
        await database.detached_writes_done()
    assert any("the test row failed" in record.getMessage() for record in caplog.records)


async def test_close_writes_the_queued_log_rows(tmp_path: Path) -> None:
    path = str(tmp_path / "closing.db")
    database = SqliteDatabase(path)
    await database.open()
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))
    for n in range(1, 20):
        await adapter.log(entry(adapter, room_id, n))
    await database.close()
    reopened = SqliteDatabase(path)
    await reopened.open()
    try:
        logs = await reopened.adapter(adapter.agent_id).get_logs(type="row", count=50)
        assert sorted(log.body["n"] for log in logs) == list(range(20))
    finally:
        await reopened.close()


def commits_counted(database: SqliteDatabase) -> list[int]:
    """Count the write groups (one transaction each) the writer thread runs from now on."""
    runs = [0]
    run_group = database._run_write_group

    def counted(conn, jobs):  # type: ignore[no-untyped-def]
        runs[0] += 1
        return run_group(conn, jobs)

    database._writer._group_runner = counted
    return runs


async def test_log_rows_commit_together_apart_from_awaited_writes(database: SqliteDatabase) -> None:
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))  # the room becomes known: later rows are detached
    await adapter.get_logs(room_id=room_id)
    commits = commits_counted(database)
    for n in range(1, 4):
        await adapter.log(entry(adapter, room_id, n))
        await adapter.set_cache(f"k{n}", n)  # awaited writes commit at once, without the rows
    assert commits[0] == 3
    await asyncio.sleep(0.2)
    assert commits[0] == 4  # the three rows, in one commit of their own
    assert sorted(log.body["n"] for log in await adapter.get_logs(room_id=room_id)) == [0, 1, 2, 3]


async def test_a_log_row_queued_before_its_room_was_deleted_is_dropped_quietly(
    database: SqliteDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    """The delete may commit first (log rows wait for company); the row then goes the way the cascade sends it."""
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))
    with caplog.at_level(logging.ERROR, logger="pyeliza.storage.sqlite"):
        await adapter.log(entry(adapter, room_id, 1))  # detached, waiting
        await adapter.delete_room(room_id)  # commits at once
        await database.detached_writes_done()
    assert not [record for record in caplog.records if "log row" in record.getMessage()]
    assert await adapter.get_logs(type="row") == []


async def test_a_lone_log_row_is_written_after_a_short_delay(database: SqliteDatabase) -> None:
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))
    await adapter.get_logs(room_id=room_id)
    commits = commits_counted(database)
    await adapter.log(entry(adapter, room_id, 1))
    await asyncio.sleep(0.01)
    assert commits[0] == 0  # waiting for company
    await asyncio.sleep(0.2)
    assert commits[0] == 1  # written on its own after the delay, without anybody asking


async def test_many_rows_travel_as_one_job_and_a_bad_row_loses_only_itself(
    database: SqliteDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))
    orphan = database.adapter(new_uuid())  # its agent does not exist: the foreign key refuses its rows
    commits = commits_counted(database)
    with caplog.at_level(logging.ERROR, logger="pyeliza.storage.sqlite"):
        for n in range(1, 251):
            await adapter.log(entry(adapter, room_id if n % 2 else None, n))
            if n == 120:
                await orphan.log(Log(entity_id=orphan.agent_id, type="row", body={"n": -1}))
        await database.detached_writes_done()
    assert commits[0] == 1  # one group transaction for all the rows
    stored = await adapter.get_logs(type="row", count=1000)
    assert sorted(log.body["n"] for log in stored) == list(range(251))
    assert [r.getMessage() for r in caplog.records if "log row was not written" in r.getMessage()] == [
        "the 'row' log row was not written: FOREIGN KEY constraint failed"
    ]


async def test_a_batch_run_again_after_a_failing_neighbour_keeps_its_rows(database: SqliteDatabase) -> None:
    adapter, room_id = await agent_in_room(database)
    await adapter.log(entry(adapter, room_id, 0))
    gate, held = await hold_writer(database)
    for n in range(1, 4):
        await adapter.log(entry(adapter, room_id, n))
    database._writer.flush_detached()  # the batch waits in the queue behind the held job ...

    def fail(tx: WriteTx) -> None:
        tx.conn.execute("INSERT INTO no_such_table VALUES (1)")

    failing = asyncio.ensure_future(database.write(fail, keeps_recent=True))  # ... and shares a group with this
    await asyncio.sleep(0.05)
    gate.set()
    await held
    with pytest.raises(StorageError, match="no_such_table"):
        await failing
    assert sorted(log.body["n"] for log in await adapter.get_logs(type="row", count=10)) == [0, 1, 2, 3]
