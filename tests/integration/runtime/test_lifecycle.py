"""initialize() and stop() on a real SQLite database: order, idempotence and failure handling."""

from __future__ import annotations

import logging
from typing import ClassVar

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from pyeliza import AgentRuntime, Character, Content, Memory, Plugin, Service
from pyeliza.errors import ConfigurationError, ServiceError
from pyeliza.storage import create_adapter
from pyeliza.testing import runtime_for_test, stub_embedding
from pyeliza.types import ChannelType, ModelType


def character(**extra: object) -> Character:
    return Character.model_validate({"name": "Lifecycle", "bio": "test", **extra})


async def test_initialize_creates_the_agent_and_its_own_world(database_url: str) -> None:
    async with runtime_for_test(character(), database_url=database_url) as runtime:
        assert runtime.is_initialized
        agent = await runtime.get_agent(runtime.agent_id)
        assert agent is not None and agent.name == "Lifecycle"
        world = await runtime.get_world(runtime.agent_id)
        assert world is not None and world.name == "Lifecycle's World"
        entity = await runtime.get_entity_by_id(runtime.agent_id)
        assert entity is not None and entity.names == ["Lifecycle"]
        room = await runtime.get_room(runtime.agent_id)
        assert room is not None and room.type == ChannelType.SELF and room.world_id == runtime.agent_id
        assert runtime.agent_id in await runtime.get_participants_for_room(runtime.agent_id)
        assert await runtime.get_embedding_dimension() == 384
        assert runtime.get_current_run_context() is None
    assert not runtime.is_initialized


async def test_settings_merge_with_the_stored_agent(database_url: str) -> None:
    first = character(settings={"STORED": "db", "BOTH": "db", "secrets": {"OLD_SECRET": "s1"}})
    async with runtime_for_test(first, database_url=database_url):
        pass
    second = character(settings={"BOTH": "character"}, secrets={"NEW_SECRET": "s2"})
    async with runtime_for_test(second, database_url=database_url) as runtime:
        assert runtime.get_setting("STORED") == "db"
        assert runtime.get_setting("BOTH") == "character"
        assert runtime.get_setting("OLD_SECRET") == "s1"
        assert runtime.get_setting("NEW_SECRET") == "s2"
        stored = await runtime.get_agent(runtime.agent_id)
        assert stored is not None and (stored.settings or {})["BOTH"] == "character"


async def test_double_initialize_warns(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    async with runtime_for_test(character(), database_url=database_url) as runtime:
        with caplog.at_level(logging.WARNING, logger="pyeliza.runtime"):
            await runtime.initialize()
        assert "already initialised" in caplog.text
        assert runtime.is_initialized


async def test_stop_twice_is_harmless(database_url: str) -> None:
    stops: list[str] = []

    class Counted(Service):
        service_type: ClassVar[str] = "counted"

        async def stop(self) -> None:
            stops.append("stop")

    runtime = AgentRuntime(character(), plugins=[Plugin(name="svc", services=[Counted])])
    runtime.register_database_adapter(await create_adapter(database_url, agent_id=runtime.agent_id))
    await runtime.initialize()
    await runtime.stop()
    await runtime.stop()
    assert stops == ["stop"]
    assert not runtime.is_initialized


async def test_missing_adapter_says_what_to_do() -> None:
    runtime = AgentRuntime(character())
    with pytest.raises(ConfigurationError, match="sql plugin") as info:
        await runtime.initialize()
    assert any("registering plugins" in n or "opening the database" in n for n in info.value.__notes__)
    assert not runtime.is_initialized


async def test_plugin_schema_is_migrated_before_the_agent_row(database_url: str) -> None:
    metadata = MetaData()
    Table("demo_notes", metadata, Column("id", Integer, primary_key=True), Column("text", String))
    async with runtime_for_test(character(), [Plugin(name="demo", schema=metadata)], database_url=database_url) as rt:
        status = await rt.get_migration_status()
        assert "demo" in {s.plugin_name for s in status}


async def test_embedding_dimension_setting_wins(database_url: str) -> None:
    async def embed_768(runtime: AgentRuntime, params: object) -> list[float]:
        return [0.0] * 768

    async with runtime_for_test(
        character(settings={"EMBEDDING_DIMENSION": "768"}),
        database_url=database_url,
        models={ModelType.TEXT_EMBEDDING: embed_768},
    ) as runtime:
        assert await runtime.get_embedding_dimension() == 768


async def test_failing_service_fails_initialize_and_stops_the_others(database_url: str) -> None:
    events: list[str] = []

    class Good(Service):
        service_type: ClassVar[str] = "good"

        async def stop(self) -> None:
            events.append("good stopped")

    class Bad(Service):
        service_type: ClassVar[str] = "bad"

        @classmethod
        async def start(cls, runtime: AgentRuntime) -> Bad:
            raise OSError("port in use")

    runtime = AgentRuntime(
        character(),
        plugins=[Plugin(name="p", services=[Good, Bad]), Plugin(name="m", models={"TEXT_EMBEDDING": stub_embedding})],
    )
    runtime.register_database_adapter(await create_adapter(database_url, agent_id=runtime.agent_id))
    with pytest.raises(ServiceError, match="Bad") as info:
        await runtime.initialize()
    assert isinstance(info.value.__cause__, OSError)
    assert not runtime.is_initialized
    assert events == ["good stopped"]
    assert runtime.get_service_registration_status("bad") == "unknown"
    await runtime.stop()


async def test_message_service_is_created(database_url: str) -> None:
    async with runtime_for_test(character(), database_url=database_url) as runtime:
        assert runtime.message_service is not None


async def test_stop_clears_caches_events_and_the_run(database_url: str) -> None:
    async def handler(payload: dict[str, object]) -> None:
        return None

    async with runtime_for_test(character(), database_url=database_url) as runtime:
        runtime.register_event("x", handler)
        runtime.start_run()
        room = runtime.agent_id
        await runtime.compose_state(
            Memory(id="00000000-0000-0000-0000-0000000000ab", entity_id=room, room_id=room, content=Content(text="x"))
        )
        assert len(runtime.state_cache) == 1
    assert runtime.events == {}
    assert len(runtime.state_cache) == 0
    assert runtime.get_current_run_context() is None
    assert runtime.message_service is None


async def test_adapter_slot_keeps_the_first_adapter(database_url: str) -> None:
    runtime = AgentRuntime(character())
    first = await create_adapter(database_url, agent_id=runtime.agent_id)
    runtime.register_database_adapter(first)
    runtime.register_database_adapter(first)
    assert runtime.adapter is first
    await first.close()
