"""W2, W3 (exact and HNSW) and W6 on PostgreSQL + pgvector: ``python -m bench.pg_workloads [N]``.

Starts a throw-away embedded PostgreSQL 18 server (``tests/support/postgres.py``) with durable settings (fsync and
synchronous commit on), in a fresh temporary directory. W2 writes N memories sequentially with the duplicate probe
on (then again, for another agent, with it off); W3 searches the first N memories (one room, count=10) in exact
mode and in HNSW mode and measures recall@10 against numpy brute force over the same vectors; W6 puts 10,000
entities into one room of a fresh agent.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from typing import TYPE_CHECKING

import numpy as np

from bench._common import emit, percentile, result, stub_embedding

if TYPE_CHECKING:
    from pyeliza.storage.sql.postgres import PostgresAdapter, PostgresDatabase

N = 10_000
Q = 200
ENTITIES = 10_000
EF_SEARCH = 100


async def _agent_in_room(database: PostgresDatabase, name: str) -> tuple[PostgresAdapter, str, str]:
    from pyeliza.types import Agent, Entity, Room, World, new_uuid

    adapter = database.adapter(new_uuid())
    await adapter.create_agent(Agent(id=adapter.agent_id, name=name, bio=""))
    world = await adapter.create_world(World(id=new_uuid(), name=name))
    [room] = await adapter.create_rooms([Room(id=new_uuid(), world_id=world, source="bench")])
    user = new_uuid()
    await adapter.create_entities([Entity(id=user, names=["user"])])
    await adapter.add_participants_room([user], room)
    return adapter, room, user


async def _w2(adapter: PostgresAdapter, room: str, user: str, n: int, *, probe: bool) -> tuple[list[str], np.ndarray]:
    from pyeliza.types import Content, Memory

    ids: list[str] = []
    vectors = np.empty((n, 384), dtype=np.float32)
    latencies: list[float] = []
    started = time.perf_counter()
    for i in range(n):
        text = f"benchmark message number {i}"
        t0 = time.perf_counter()
        embedding = stub_embedding(text)
        memory = Memory(entity_id=user, room_id=room, content=Content(text=text), embedding=embedding)
        ids.append(await adapter.create_memory(memory, "messages", unique=None if probe else True))
        latencies.append((time.perf_counter() - t0) * 1000)
        vectors[i] = embedding
    seconds = time.perf_counter() - started
    emit(
        result(
            "W2",
            n,
            seconds,
            "postgres (embedded PostgreSQL 18 + pgvector 0.8, fsync on, synchronous_commit on, asyncpg pool), "
            "adapter.create_memory with the 384-dim stub embedding computed in the loop; "
            + ("duplicate probe on (unique unset), exact mode" if probe else "duplicate probe off (unique=True)"),
            p50_ms=round(percentile(latencies, 50), 3),
            p99_ms=round(percentile(latencies, 99), 3),
        )
    )
    return ids, vectors


async def _w3(
    database: PostgresDatabase, adapter: PostgresAdapter, room: str, ids: list[str], vectors: np.ndarray, hnsw: bool
) -> None:
    from pyeliza.types import MemorySearchParams

    database.exact_search = not hnsw
    database.ef_search = EF_SEARCH
    rng = random.Random(3)
    latencies: list[float] = []
    hits = 0
    for q in range(Q + 1):
        query = stub_embedding(f"query {rng.random()}")
        t0 = time.perf_counter()
        found = await adapter.search_memories(
            MemorySearchParams(table_name="messages", embedding=query, room_id=room, count=10)
        )
        elapsed = (time.perf_counter() - t0) * 1000
        if q == 0:
            continue
        latencies.append(elapsed)
        best = np.argsort(-(vectors @ np.asarray(query, dtype=np.float32)), kind="stable")[:10]
        hits += len({m.id for m in found} & {ids[i] for i in best})
    mode = f"HNSW (ef_search={EF_SEARCH}, iterative scan)" if hnsw else "exact"
    emit(
        result(
            "W3",
            Q,
            sum(latencies) / 1000,
            f"postgres {mode} search_memories(count=10, room) over the N={len(ids)} memories of W2; "
            "first search excluded; recall@10 against numpy brute force",
            memories=len(ids),
            p50_ms=round(percentile(latencies, 50), 3),
            p99_ms=round(percentile(latencies, 99), 3),
            recall_at_10=round(hits / (Q * 10), 4),
        )
    )


async def _w6(database: PostgresDatabase) -> None:
    from pyeliza.types import Agent, Entity, Room, World, new_uuid

    adapter = database.adapter(new_uuid())
    await adapter.create_agent(Agent(id=adapter.agent_id, name="W6", bio=""))
    entities = [
        Entity(id=new_uuid(), names=[f"user{i}"], metadata={"bench": {"id": str(i), "name": f"user{i}"}})
        for i in range(ENTITIES)
    ]
    started = time.perf_counter()
    world = await adapter.create_world(World(id=new_uuid(), name="w6"))
    [room] = await adapter.create_rooms([Room(id=new_uuid(), world_id=world, source="bench")])
    await adapter.create_entities(entities)
    await adapter.add_participants_room([e.id for e in entities if e.id], room)
    seconds = time.perf_counter() - started
    if len(await adapter.get_participants_for_room(room)) != ENTITIES:
        raise RuntimeError("W6 lost participants")
    emit(
        result(
            "W6",
            ENTITIES,
            seconds,
            "postgres; adapter called directly: create_world + create_rooms + create_entities(10,000) + "
            "add_participants_room(10,000), each one transaction (not the runtime's ensure_connections)",
        )
    )


async def run(url: str, n: int) -> None:
    from pyeliza.storage.sql.postgres import PostgresDatabase

    async with PostgresDatabase(url) as database:
        adapter, room, user = await _agent_in_room(database, "W2")
        ids, vectors = await _w2(adapter, room, user, n, probe=True)
        await _w3(database, adapter, room, ids, vectors, hnsw=False)
        await _w3(database, adapter, room, ids, vectors, hnsw=True)
        database.exact_search = True
        adapter, room, user = await _agent_in_room(database, "W2 without probe")
        await _w2(adapter, room, user, n, probe=False)
        await _w6(database)


def main() -> None:
    from tests.support.postgres import embedded_postgres

    n = int(sys.argv[1]) if len(sys.argv) > 1 else N
    with embedded_postgres(durable=True) as url:
        asyncio.run(run(url, n))


if __name__ == "__main__":
    main()
