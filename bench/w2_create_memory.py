"""W2: create_memory x N into 'messages' with a stub embedding, one room, sequential, one commit each.

Also measures the SQLite thread hand-off: one empty job round trip through the writer thread's queue +
``call_soon_threadsafe`` versus ``loop.run_in_executor`` on a one-thread pool.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from bench._common import emit, percentile, result, stub_embedding

N = 10_000
HANDOFF_ROUNDS = 5_000


async def measure_handoff(db: object) -> tuple[float, float]:
    from pyeliza.storage.sql.sqlite import SqliteDatabase

    assert isinstance(db, SqliteDatabase)

    def nothing(conn: sqlite3.Connection) -> None:
        return None

    started = time.perf_counter()
    for _ in range(HANDOFF_ROUNDS):
        await db.on_writer(nothing)
    ours = (time.perf_counter() - started) / HANDOFF_ROUNDS
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.perf_counter()
        for _ in range(HANDOFF_ROUNDS):
            await loop.run_in_executor(pool, lambda: None)
        executor = (time.perf_counter() - started) / HANDOFF_ROUNDS
    return ours * 1e6, executor * 1e6


async def run(n: int) -> None:
    from pyeliza.storage import open_database
    from pyeliza.types import Agent, Content, Entity, Memory, Room, World, new_uuid

    with tempfile.TemporaryDirectory(prefix="pyeliza-w2-") as tmp:
        async with open_database(f"sqlite:///{tmp}/w2.db") as db:
            agent_id = new_uuid()
            adapter = db.adapter(agent_id)
            await adapter.create_agent(Agent(id=agent_id, name="W2", bio=""))
            world = await adapter.create_world(World(id=new_uuid(), name="w2"))
            [room] = await adapter.create_rooms([Room(id=new_uuid(), world_id=world, source="bench")])
            user = new_uuid()
            await adapter.create_entities([Entity(id=user, names=["user"])])
            await adapter.add_participants_room([user], room)
            latencies: list[float] = []
            started = time.perf_counter()
            for i in range(n):
                text = f"benchmark message number {i}"
                t0 = time.perf_counter()
                memory = Memory(
                    entity_id=user, room_id=room, content=Content(text=text), embedding=stub_embedding(text)
                )
                await adapter.create_memory(memory, "messages")
                latencies.append((time.perf_counter() - t0) * 1000)
            seconds = time.perf_counter() - started
            ours, executor = await measure_handoff(db)
    emit(
        result(
            "W2",
            n,
            seconds,
            "SQLite (stdlib sqlite3, WAL, synchronous=NORMAL with the WAL fsynced within 1 s, one commit per memory), "
            "adapter.create_memory with the 384-dim stub embedding computed in the loop; "
            "duplicate probe on (unique unset)",
            p50_ms=round(percentile(latencies, 50), 3),
            p99_ms=round(percentile(latencies, 99), 3),
            handoff_us=round(ours, 1),
            run_in_executor_us=round(executor, 1),
        )
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N
    asyncio.run(run(n))


if __name__ == "__main__":
    main()
