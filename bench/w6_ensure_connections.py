"""W6: 10,000 entities into one room of one world.

Calls the adapter directly (the storage half of ensure_connections): create the world and room, then one
create_entities with 10,000 entities and one add_participants_room with their ids.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time

from bench._common import emit, result

N = 10_000


async def run(n: int) -> None:
    from pyeliza.storage import open_database
    from pyeliza.types import Agent, Entity, Room, World, new_uuid

    with tempfile.TemporaryDirectory(prefix="pyeliza-w6-") as tmp:
        async with open_database(f"sqlite:///{tmp}/w6.db") as db:
            agent_id = new_uuid()
            adapter = db.adapter(agent_id)
            await adapter.create_agent(Agent(id=agent_id, name="W6", bio=""))
            entities = [
                Entity(id=new_uuid(), names=[f"user{i}"], metadata={"bench": {"id": str(i), "name": f"user{i}"}})
                for i in range(n)
            ]
            started = time.perf_counter()
            world = await adapter.create_world(World(id=new_uuid(), name="w6"))
            [room] = await adapter.create_rooms([Room(id=new_uuid(), world_id=world, source="bench")])
            await adapter.create_entities(entities)
            await adapter.add_participants_room([e.id for e in entities if e.id], room)
            seconds = time.perf_counter() - started
            assert len(await adapter.get_participants_for_room(room)) == n
    emit(
        result(
            "W6",
            n,
            seconds,
            "SQLite; adapter called directly: create_world + create_rooms + create_entities(10,000) + "
            "add_participants_room(10,000), each one transaction (not the runtime's ensure_connections)",
        )
    )


def main() -> None:
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else N))


if __name__ == "__main__":
    main()
