"""Action parameters from the plan's ``<params>`` reach each action; actions are re-validated right before running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.runtime import AgentRuntime
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

received: list[tuple[str, dict[str, Any] | None]] = []


def _recording_handler(name: str) -> Any:
    async def handler(
        runtime: object,
        message: Memory,
        state: State | None,
        options: HandlerOptions | None,
        callback: HandlerCallback | None,
        responses: list[Memory] | None,
    ) -> ActionResult:
        assert options is not None and callback is not None
        received.append((name, options.parameters))
        await callback(Content(text=f"{name} done with {json.dumps(options.parameters, sort_keys=True)}"))
        return ActionResult(success=True, data={"actionName": name})

    return handler


async def _only_when_asked_politely(runtime: object, message: Memory, state: State | None) -> bool:
    return "please" in (message.content.text or "")


extras = Plugin(
    name="param-actions",
    actions=[
        Action(
            name="SET_REMINDER",
            description="Set a reminder",
            handler=_recording_handler("SET_REMINDER"),
            parameters={
                "topic": ActionParameter(type="string", description="what to remind", required=True),
                "minutes": ActionParameter(type="number", description="in how many minutes"),
            },
        ),
        Action(name="TAG", description="Tag the conversation", handler=_recording_handler("TAG")),
        Action(
            name="POLITE",
            description="Only for polite requests",
            handler=_recording_handler("POLITE"),
            validate=_only_when_asked_politely,
        ),
    ],
)


@pytest.fixture
async def planner(database_url: str | None) -> AsyncIterator[Agent]:
    received.clear()
    small, large = ScriptedModel([]), ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin, extras],
        database_url=database_url,
        models={ModelType.TEXT_SMALL: small, ModelType.TEXT_LARGE: large},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        yield Agent(runtime, small, large)


def _results(runtime: AgentRuntime, conv: Conversation) -> list[ActionResult]:
    result = conv.last_result
    assert result is not None
    message_id = next(m.content.in_reply_to for m in result.response_messages)
    assert message_id is not None
    return runtime.get_action_results(message_id)


async def test_xml_params_reach_each_action(planner: Agent) -> None:
    planner.large.add(
        xml_response(
            thought="set it and tag it",
            actions="SET_REMINDER,TAG",
            params={"SET_REMINDER": {"topic": "call mum", "minutes": "30"}, "tag": {"label": "family"}},
        )
    )
    conv = await Conversation.start(planner.runtime)

    reply = await conv.say("remind me to call mum in 30 minutes")

    assert received == [("SET_REMINDER", {"topic": "call mum", "minutes": "30"}), ("TAG", {"label": "family"})]
    assert reply == 'SET_REMINDER done with {"minutes": "30", "topic": "call mum"}\nTAG done with {"label": "family"}'


async def test_json_params_in_xml_and_a_json_answer(planner: Agent) -> None:
    planner.large.add(
        xml_response(thought="t", actions="TAG", params=json.dumps({"TAG": {"label": "from xml json"}})),
        json.dumps({"thought": "t", "actions": ["TAG"], "params": {"TAG": {"label": "from json"}}}),
    )
    conv = await Conversation.start(planner.runtime)

    await conv.say("tag this")
    await conv.say("and this")

    assert received == [("TAG", {"label": "from xml json"}), ("TAG", {"label": "from json"})]


async def test_an_action_without_params_gets_none(planner: Agent) -> None:
    planner.large.add(xml_response(thought="t", actions="TAG"))
    conv = await Conversation.start(planner.runtime)

    await conv.say("tag")

    assert received == [("TAG", None)]


async def test_missing_required_parameter_skips_the_action_with_a_failed_result(planner: Agent) -> None:
    planner.large.add(xml_response(thought="t", actions="SET_REMINDER,TAG", params={"SET_REMINDER": {"minutes": "5"}}))
    conv = await Conversation.start(planner.runtime)

    await conv.say("remind me")

    assert [name for name, _ in received] == ["TAG"]
    first, second = _results(planner.runtime, conv)
    assert not first.success and first.error is not None and "topic" in first.error
    assert second.success


async def test_actions_are_revalidated_right_before_they_run(planner: Agent) -> None:
    planner.large.add(
        xml_response(thought="t", actions="POLITE,TAG"),
        xml_response(thought="t", actions="POLITE"),
    )
    conv = await Conversation.start(planner.runtime)

    await conv.say("do it now")
    rude_results = _results(planner.runtime, conv)
    await conv.say("do it please")

    assert [name for name, _ in received] == ["TAG", "POLITE"]
    assert not rude_results[0].success and "not valid" in (rude_results[0].error or "")
    history = await conv.history()
    skipped = [m for m in history if m.content.model_extra and m.content.model_extra.get("actionStatus") == "failed"]
    assert len(skipped) == 1 and "POLITE" in (skipped[0].content.thought or "")
