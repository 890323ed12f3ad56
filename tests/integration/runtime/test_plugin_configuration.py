"""Late plugin registration (schema migrated at once) and required settings / model gaps, strict or lenient."""

from __future__ import annotations

import logging
from typing import ClassVar

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from pyeliza import AgentRuntime, Character, Plugin, Service
from pyeliza.errors import ConfigurationError
from pyeliza.storage import create_adapter
from pyeliza.testing import runtime_for_test, stub_embedding
from pyeliza.types import ModelType


def notes_schema() -> MetaData:
    metadata = MetaData()
    Table("late_notes", metadata, Column("id", Integer, primary_key=True), Column("body", String, nullable=False))
    return metadata


async def text_handler(runtime: object, params: object) -> str:
    return "ok"


async def runtime_on(database_url: str, plugins: list[Plugin], *, strict: bool, **settings: str) -> AgentRuntime:
    runtime = AgentRuntime(
        Character(name="Configured", bio="test"),
        plugins=[*plugins, Plugin(name="embed", models={ModelType.TEXT_EMBEDDING: stub_embedding})],
        settings=settings,
        strict_settings=strict,
    )
    runtime.register_database_adapter(await create_adapter(database_url, agent_id=runtime.agent_id))
    return runtime


async def test_plugin_registered_after_initialize_gets_its_tables_and_services(database_url: str) -> None:
    started: list[str] = []

    class NotesService(Service):
        service_type: ClassVar[str] = "notes"

        @classmethod
        async def start(cls, runtime: AgentRuntime) -> NotesService:
            started.append(runtime.agent_id)
            return cls(runtime)

    async with runtime_for_test(database_url=database_url) as runtime:
        await runtime.register_plugin(Plugin(name="late", schema=notes_schema(), services=[NotesService]))
        status = {s.plugin_name: s.version for s in await runtime.get_migration_status()}
        assert status["late"] == 1
        tables = notes_schema().tables["late_notes"]
        await runtime.db_execute(tables.insert().values(id=1, body="kept"))
        assert await runtime.db_fetch(tables.select()) == [{"id": 1, "body": "kept"}]
        assert started == [runtime.agent_id]
        assert runtime.has_service("notes")


async def test_strict_initialize_lists_every_problem_at_once(database_url: str) -> None:
    async def refuses(config: dict[str, str], runtime: AgentRuntime) -> None:
        raise ConfigurationError("REMOTE_URL is not a URL")

    plugins = [
        Plugin(name="first", required_settings=["FIRST_KEY", "PRESENT"]),
        Plugin(name="second", required_settings=["SECOND_KEY"]),
        Plugin(name="remote", init=refuses),
        Plugin(name="bootstrap", models={}),
    ]
    runtime = await runtime_on(database_url, plugins, strict=True, PRESENT="yes")
    with pytest.raises(ConfigurationError) as caught:
        await runtime.initialize()
    message = str(caught.value)
    assert "'first' needs setting(s) FIRST_KEY" in message
    assert "PRESENT" not in message
    assert "'second' needs setting(s) SECOND_KEY" in message
    assert "REMOTE_URL is not a URL" in message
    assert "TEXT_SMALL, TEXT_LARGE" in message
    assert not runtime.is_initialized
    assert await runtime.get_agent(runtime.agent_id) is None
    await runtime.close()


async def test_strict_initialize_passes_when_everything_is_configured(database_url: str) -> None:
    plugins = [
        Plugin(name="first", required_settings=["FIRST_KEY"]),
        Plugin(name="bootstrap"),
        Plugin(name="chat", models={ModelType.TEXT_SMALL: text_handler, ModelType.TEXT_LARGE: text_handler}),
    ]
    runtime = await runtime_on(database_url, plugins, strict=True, FIRST_KEY="set")
    await runtime.initialize()
    try:
        assert runtime.is_initialized
        assert runtime.configuration_problems() == []
    finally:
        await runtime.stop()


async def test_empty_setting_counts_as_missing(database_url: str) -> None:
    runtime = await runtime_on(database_url, [Plugin(name="needy", required_settings=["EMPTY"])], strict=True, EMPTY="")
    with pytest.raises(ConfigurationError, match="'needy' needs setting\\(s\\) EMPTY"):
        await runtime.initialize()
    await runtime.close()


async def test_lenient_initialize_warns_and_starts(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    plugins = [Plugin(name="needy", required_settings=["NEEDY_KEY"]), Plugin(name="bootstrap")]
    runtime = await runtime_on(database_url, plugins, strict=False)
    with caplog.at_level(logging.WARNING, logger="pyeliza.runtime"):
        await runtime.initialize()
    try:
        assert runtime.is_initialized
        messages = [r.getMessage() for r in caplog.records]
        assert sum("needy" in m and "NEEDY_KEY" in m for m in messages) == 1
        assert sum("TEXT_SMALL, TEXT_LARGE" in m for m in messages) == 1
    finally:
        await runtime.stop()


async def test_strict_late_registration_refuses_a_misconfigured_plugin(database_url: str) -> None:
    runtime = await runtime_on(database_url, [], strict=True)
    await runtime.initialize()
    try:
        with pytest.raises(ConfigurationError, match="'late' needs setting\\(s\\) LATE_KEY"):
            await runtime.register_plugin(Plugin(name="late", required_settings=["LATE_KEY"], schema=notes_schema()))
        assert [p.name for p in runtime.plugins] == ["embed"]
        assert "late" not in {s.plugin_name for s in await runtime.get_migration_status()}
    finally:
        await runtime.stop()


async def test_strict_retry_after_fixing_the_setting(database_url: str) -> None:
    runtime = await runtime_on(database_url, [Plugin(name="needy", required_settings=["NEEDY_KEY"])], strict=True)
    with pytest.raises(ConfigurationError):
        await runtime.initialize()
    runtime.set_setting("NEEDY_KEY", "now set")
    await runtime.initialize()
    try:
        assert runtime.is_initialized
    finally:
        await runtime.stop()


async def test_strict_keeps_a_refusal_of_a_plugin_registered_before_initialize(database_url: str) -> None:
    attempts: list[int] = []

    async def refuses_once(config: dict[str, str], runtime: AgentRuntime) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConfigurationError("REMOTE_URL is not a URL")

    runtime = await runtime_on(database_url, [], strict=True)
    await runtime.register_plugin(Plugin(name="remote", init=refuses_once))
    with pytest.raises(ConfigurationError, match="REMOTE_URL is not a URL"):
        await runtime.initialize()
    await runtime.register_plugin(Plugin(name="remote", init=refuses_once))
    assert runtime.configuration_problems() == []
    await runtime.initialize()
    try:
        assert runtime.is_initialized and "remote" in [p.name for p in runtime.plugins]
    finally:
        await runtime.stop()
