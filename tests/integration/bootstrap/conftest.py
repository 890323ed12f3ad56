"""Fixtures of the bootstrap tests: a runtime with the plugin and scripted text models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import ScriptedModel, runtime_for_test
from pyeliza.types import Character, ModelType

CHARACTER = Character(name="Ada", bio="Ada helps in group chats.")


@dataclass
class Agent:
    runtime: AgentRuntime
    small: ScriptedModel
    large: ScriptedModel


@pytest.fixture
async def agent() -> AsyncIterator[Agent]:
    small, large = ScriptedModel([]), ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        models={ModelType.TEXT_SMALL: small, ModelType.TEXT_LARGE: large},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        yield Agent(runtime, small, large)
