"""W6: ``runtime.ensure_connections`` with 10,000 entities into one room of one world.

An initialised runtime (bootstrap plugin, stub models, fresh SQLite file) connects 10,000 new entities to one new
room of a new world: world, room, entities in batches, participants in batches.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time

from bench._agent import bench_runtime
from bench._common import emit, result

N = 10_000


async def run(n: int) -> None:
    from pyeliza.types import ChannelType, Entity, Room, World, new_uuid

    with tempfile.TemporaryDirectory(prefix="pyeliza-w6-") as tmp:
        async with bench_runtime(tmp) as runtime:
            entities = [
                Entity(id=new_uuid(), names=[f"user{i}"], metadata={"bench": {"id": str(i), "name": f"user{i}"}})
                for i in range(n)
            ]
            world = World(id=new_uuid(), name="w6", agent_id=runtime.agent_id)
            room = Room(id=new_uuid(), name="general", type=ChannelType.GROUP, world_id=world.id)
            started = time.perf_counter()
            await runtime.ensure_connections(entities, [room], "bench", world)
            seconds = time.perf_counter() - started
            participants = await runtime.get_participants_for_room(room.id)
            assert len(participants) == n + 1, len(participants)
    emit(
        result(
            "W6",
            n,
            seconds,
            "SQLite; runtime.ensure_connections(10,000 new entities, one new room, new world) on an initialised "
            "runtime; entities and participants written in batches",
        )
    )


def main() -> None:
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else N))


if __name__ == "__main__":
    main()
