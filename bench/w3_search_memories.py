"""W3: search_memories(count=10, table 'messages', room) x Q over N memories (N = 10,000 and 100,000).

The N memories are written as in W2 (create_memory with the stub embedding, one commit each), 100 writes in
flight at a time to shorten the setup; only the searches are timed. Also reports the vector index size.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time

from bench._common import emit, percentile, result, stub_embedding

SIZES = (10_000, 100_000)
Q = 200


def current_rss_mb() -> float:
    """Resident memory now (not the peak), from /proc/self/statm."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


async def run(n: int) -> None:
    from pyeliza.storage import open_database
    from pyeliza.storage.sql.sqlite import SqliteDatabase
    from pyeliza.types import Agent, Content, Entity, Memory, MemorySearchParams, Room, World, new_uuid

    with tempfile.TemporaryDirectory(prefix="pyeliza-w3-") as tmp:
        async with open_database(f"sqlite:///{tmp}/w3.db") as db:
            assert isinstance(db, SqliteDatabase)
            agent_id = new_uuid()
            adapter = db.adapter(agent_id)
            await adapter.create_agent(Agent(id=agent_id, name="W3", bio=""))
            world = await adapter.create_world(World(id=new_uuid(), name="w3"))
            [room] = await adapter.create_rooms([Room(id=new_uuid(), world_id=world, source="bench")])
            user = new_uuid()
            await adapter.create_entities([Entity(id=user, names=["user"])])

            async def write(i: int) -> None:
                text = f"benchmark message number {i}"
                memory = Memory(
                    entity_id=user, room_id=room, content=Content(text=text), embedding=stub_embedding(text)
                )
                await adapter.create_memory(memory, "messages", unique=True)

            setup_started = time.perf_counter()
            for batch in range(0, n, 100):
                await asyncio.gather(*(write(i) for i in range(batch, min(n, batch + 100))))
            setup_seconds = time.perf_counter() - setup_started
            rss_before_index = current_rss_mb()
            rng = random.Random(3)
            latencies: list[float] = []
            for q in range(Q + 1):
                query = stub_embedding(f"query {rng.random()}")
                t0 = time.perf_counter()
                hits = await adapter.search_memories(
                    MemorySearchParams(table_name="messages", embedding=query, room_id=room, count=10)
                )
                if q > 0:
                    latencies.append((time.perf_counter() - t0) * 1000)
                else:
                    rss_growth = current_rss_mb() - rss_before_index
                assert len(hits) == 10
            index = db.indexes[agent_id]
            index_mb = index.nbytes / 1e6
    seconds = sum(latencies) / 1000
    emit(
        result(
            "W3",
            Q,
            seconds,
            f"SQLite exact cosine over an in-memory float32 numpy matrix; N={n} memories (setup {setup_seconds:.1f}s); "
            "first search (index load) excluded",
            memories=n,
            p50_ms=round(percentile(latencies, 50), 3),
            p99_ms=round(percentile(latencies, 99), 3),
            index_mb=round(index_mb, 1),
            index_mb_per_100k=round(index_mb * 100_000 / n, 1),
            rss_growth_mb_at_index_load=round(rss_growth, 1),
        )
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    for n in sizes:
        asyncio.run(run(n))


if __name__ == "__main__":
    main()
