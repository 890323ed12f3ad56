"""Search mode without code: URL parameters and PYELIZA_PG_SEARCH; the duplicate probe in both modes."""

from __future__ import annotations

import pytest
from tests.support.postgres import scratch_database

from pyeliza.errors import ConfigurationError
from pyeliza.storage import open_database
from pyeliza.storage.sql.postgres import PostgresDatabase
from pyeliza.types import Agent, Content, Entity, Memory, MemorySearchParams, Room, new_uuid

pytestmark = pytest.mark.postgres


@pytest.fixture
async def url(postgres_url: str) -> str:
    return await scratch_database(postgres_url)


def test_defaults_are_exact_search_with_ef_search_400() -> None:
    database = PostgresDatabase("postgresql://u@127.0.0.1:1/db", environ={})
    assert (database.exact_search, database.ef_search) == (True, 400)
    assert database.pool.url == "postgresql://u@127.0.0.1:1/db"


def test_url_parameters_choose_the_mode_and_are_removed_from_the_driver_url() -> None:
    database = PostgresDatabase(
        "postgresql://u:secret@127.0.0.1:1/db?sslmode=disable&pyeliza_search=hnsw&pyeliza_ef_search=100", environ={}
    )
    assert (database.exact_search, database.ef_search) == (False, 100)
    assert database.pool.url == "postgresql://u:secret@127.0.0.1:1/db?sslmode=disable"


def test_the_environment_chooses_the_mode_and_the_url_wins_over_it() -> None:
    environ = {"PYELIZA_PG_SEARCH": "HNSW", "PYELIZA_PG_EF_SEARCH": "64"}
    from_env = PostgresDatabase("postgresql://u@127.0.0.1:1/db", environ=environ)
    assert (from_env.exact_search, from_env.ef_search) == (False, 64)
    from_url = PostgresDatabase("postgresql://u@127.0.0.1:1/db?pyeliza_search=exact", environ=environ)
    assert (from_url.exact_search, from_url.ef_search) == (True, 64)
    explicit = PostgresDatabase("postgresql://u@127.0.0.1:1/db?pyeliza_search=exact", exact_search=False, environ={})
    assert explicit.exact_search is False


@pytest.mark.parametrize(
    ("url", "environ", "message"),
    [
        ("postgresql://h/db?pyeliza_search=fast", {}, "pyeliza_search must be 'exact' or 'hnsw', got 'fast'"),
        ("postgresql://h/db?pyeliza_ef_search=0", {}, "pyeliza_ef_search must be a whole number from 1 to 1000"),
        ("postgresql://h/db?pyeliza_ef_search=lots", {}, "got 'lots'"),
        ("postgresql://h/db?pyeliza_mode=hnsw", {}, "unknown database URL parameter 'pyeliza_mode'"),
        ("postgresql://h/db", {"PYELIZA_PG_SEARCH": "approximate"}, "PYELIZA_PG_SEARCH must be 'exact' or 'hnsw'"),
        ("postgresql://h/db", {"PYELIZA_PG_EF_SEARCH": "5000"}, "PYELIZA_PG_EF_SEARCH must be a whole number"),
    ],
)
def test_bad_settings_are_named(url: str, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        PostgresDatabase(url, environ=environ)


async def test_open_database_connects_with_the_parameters_stripped(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYELIZA_PG_SEARCH", raising=False)
    monkeypatch.delenv("PYELIZA_PG_EF_SEARCH", raising=False)
    async with open_database(f"{url}?pyeliza_search=hnsw&pyeliza_ef_search=100") as database:
        assert isinstance(database, PostgresDatabase)
        assert (database.exact_search, database.ef_search) == (False, 100)
        adapter = database.adapter(new_uuid())
        assert await adapter.is_ready()
        assert await adapter.create_agent(Agent(id=adapter.agent_id, name="Ada", bio=""))


@pytest.mark.parametrize("mode", ["exact", "hnsw"])
async def test_the_one_statement_insert_probes_for_duplicates_in_both_modes(url: str, mode: str) -> None:
    async with PostgresDatabase(f"{url}?pyeliza_search={mode}", environ={}) as database:
        adapter = database.adapter(new_uuid())
        await adapter.create_agent(Agent(id=adapter.agent_id, name="Ada", bio=""))
        room, other_room = await adapter.create_rooms([Room(id=new_uuid()), Room(id=new_uuid())])
        entity = new_uuid()
        await adapter.create_entities([Entity(id=entity, names=["user"])])

        async def create(room_id: str, text: str, spike: int, unique: bool | None = None) -> str:
            vector = [0.01] * 384
            vector[spike] = 1.0
            memory = Memory(entity_id=entity, room_id=room_id, content=Content(text=text), embedding=vector)
            return await adapter.create_memory(memory, "messages", unique=unique)

        original = await create(room, "original", 0)
        duplicate = await create(room, "duplicate", 0)
        elsewhere = await create(other_room, "same vector, other room", 0)
        different = await create(room, "different", 7)
        forced = await create(room, "forced unique", 0, unique=True)
        again = await adapter.create_memory(
            Memory(id=original, entity_id=entity, room_id=room, content=Content(text="ignored"), embedding=[1.0] * 384),
            "messages",
        )

        assert again == original
        flags = {m.id: m.unique for m in await adapter.get_memories("messages")}
        assert flags == {original: True, duplicate: False, elsewhere: True, different: True, forced: True}
        stored = await adapter.get_memory_by_id(original)
        assert stored is not None and stored.content.text == "original"
        hits = await adapter.search_memories(
            MemorySearchParams(table_name="messages", embedding=[0.01] * 384, count=10)
        )
        assert len(hits) == 5
