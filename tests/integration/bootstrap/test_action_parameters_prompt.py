"""The message-handler prompt of a running agent documents the parameters of its actions; the answer's
``<params>`` reach the action."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_response
from pyeliza.types import (
    Action,
    ActionParameter,
    ActionResult,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    Plugin,
    State,
)

from .conftest import CHARACTER, Agent


def _reminder_plugin(received: list[dict[str, Any] | None]) -> Plugin:
    async def handler(
        runtime: object,
        message: Memory,
        state: State | None,
        options: HandlerOptions | None,
        callback: HandlerCallback | None,
        responses: list[Memory] | None,
    ) -> ActionResult:
        received.append(options.parameters if options is not None else None)
        if callback is not None:
            await callback(Content(text="Reminder set."))
        return ActionResult(success=True)

    reminder = Action(
        name="SET_REMINDER",
        description="Set a reminder for the user",
        handler=handler,
        parameters={
            "topic": ActionParameter(type="string", description="what to remind the user of", required=True),
            "minutes": ActionParameter(type="number", description="in how many minutes"),
        },
    )
    return Plugin(name="reminders", actions=[reminder])


@pytest.fixture
async def reminders() -> AsyncIterator[tuple[Agent, list[dict[str, Any] | None]]]:
    received: list[dict[str, Any] | None] = []
    small, large = ScriptedModel([]), ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin, _reminder_plugin(received)],
        models={ModelType.TEXT_SMALL: small, ModelType.TEXT_LARGE: large},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        yield Agent(runtime, small, large), received


async def test_the_plan_prompt_documents_parameters_and_the_params_reach_the_action(
    reminders: tuple[Agent, list[dict[str, Any] | None]],
) -> None:
    agent, received = reminders
    agent.large.add(
        xml_response(
            thought="set it",
            actions="SET_REMINDER",
            params={"SET_REMINDER": {"topic": "call mum", "minutes": "30"}},
        )
    )
    conv = await Conversation.start(agent.runtime)

    reply = await conv.say("remind me to call mum in 30 minutes")

    prompt = agent.large.prompts[0]
    block = prompt.split("<actions_and_parameters>")[1].split("</actions_and_parameters>")[0]
    assert "## SET_REMINDER\nSet a reminder for the user\n**Parameters:**" in block
    assert "- `topic` (string) (required): what to remind the user of" in block
    assert "- `minutes` (number): in how many minutes" in block
    assert "## REPLY" in block
    assert "add a <params> element" in prompt
    assert reply == "Reminder set." and received == [{"topic": "call mum", "minutes": "30"}]
