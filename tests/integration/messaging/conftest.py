"""Fixtures of the message pipeline tests: a runtime with the bootstrap plugin and scripted models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from tests.support.postgres import scratch_database

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import ScriptedModel, runtime_for_test
from pyeliza.types import Character, ModelType

CHARACTER = Character(
    name="Ada",
    bio=["Ada is a patient teacher of mathematics."],
    adjectives=["curious"],
    topics=["number theory"],
    style={"all": ["Speak plainly."], "chat": ["Keep answers short."]},
)


@dataclass
class Agent:
    runtime: AgentRuntime
    small: ScriptedModel
    large: ScriptedModel


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest) -> str | None:
    """``None`` (a fresh SQLite file made by ``runtime_for_test``) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return await scratch_database(str(request.getfixturevalue("postgres_url")))


@pytest.fixture
async def agent(database_url: str | None) -> AsyncIterator[Agent]:
    small = ScriptedModel([])
    large = ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        database_url=database_url,
        models={ModelType.TEXT_SMALL: small, ModelType.TEXT_LARGE: large},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        yield Agent(runtime, small, large)
