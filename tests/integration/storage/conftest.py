"""One conformance suite over every storage backend: add a backend by adding its name to ``BACKENDS``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pyeliza.storage import Database, DatabaseAdapter, open_database
from pyeliza.storage.sql.sqlite import SqliteDatabase
from pyeliza.types import Agent, Entity, Room, World, new_uuid

BACKENDS = ["sqlite", "postgres"]


def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'conformance.db'}"
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    raise ValueError(f"unknown backend {request.param}")


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An open database (a fresh file for SQLite; tests use fresh agent ids, so PostgreSQL can be shared)."""
    db = open_database(database_url(request, tmp_path))
    await db.open()
    try:
        yield db
    finally:
        await db.close()


async def new_agent(database: Database, name: str = "Tester") -> DatabaseAdapter:
    agent_id = new_uuid()
    adapter = database.adapter(agent_id)
    assert await adapter.create_agent(Agent(id=agent_id, name=name, bio="a test agent"))
    return adapter


@pytest.fixture
async def adapter(database: Database) -> AsyncIterator[DatabaseAdapter]:
    """A view for a fresh agent whose agent row exists; the agent (and everything it owns) is deleted after."""
    view = await new_agent(database)
    try:
        yield view
    finally:
        if database.is_open:
            await view.delete_agent(view.agent_id)


@dataclass
class Place:
    """A world, a room in it and a user entity in the room, owned by the adapter's agent."""

    world_id: str
    room_id: str
    entity_id: str


async def make_place(adapter: DatabaseAdapter) -> Place:
    world_id = await adapter.create_world(World(id=new_uuid(), name="world", agent_id=adapter.agent_id))
    [room_id] = await adapter.create_rooms([Room(id=new_uuid(), name="room", world_id=world_id, source="test")])
    entity_id = new_uuid()
    assert await adapter.create_entities(
        [Entity(id=entity_id, names=["Alice", "al"], metadata={"test": {"name": "Alice"}})]
    )
    assert await adapter.add_participants_room([entity_id], room_id)
    return Place(world_id, room_id, entity_id)


@pytest.fixture
async def place(adapter: DatabaseAdapter) -> Place:
    return await make_place(adapter)


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    """An open SQLite database in a fresh file, for the tests of the SQLite backend's own machinery."""
    async with SqliteDatabase(str(tmp_path / "pyeliza.db")) as database:
        yield database
