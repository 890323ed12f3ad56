"""Plans with several actions, a failing action, unparsable model output, and the run's events and log rows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_reply, xml_response
from pyeliza.types import (
    Action,
    ActionResult,
    Content,
    EventPayload,
    EventType,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    Plugin,
    State,
)

from .conftest import CHARACTER, Agent


async def _note(
    runtime: object,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    assert callback is not None
    await callback(Content(text="Noted in your file.", actions=["NOTE"]))
    return ActionResult(success=True, text="noted", data={"actionName": "NOTE"})


async def _boom(
    runtime: object,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    raise ValueError("the boom action always fails")


extras = Plugin(
    name="test-actions",
    actions=[
        Action(name="NOTE", description="Write a note", handler=_note),
        Action(name="BOOM", description="Always fails", handler=_boom),
    ],
)


@pytest.fixture
async def planner(database_url: str | None) -> AsyncIterator[Agent]:
    small, large = ScriptedModel([]), ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin, extras],
        database_url=database_url,
        models={ModelType.TEXT_SMALL: small, ModelType.TEXT_LARGE: large},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        yield Agent(runtime, small, large)


async def test_multi_action_plan_stores_each_reply(planner: Agent) -> None:
    planner.large.add(
        xml_reply("plan text that is not sent", actions=["REPLY", "NOTE"]),
        xml_response(thought="answering", text="Here is the answer."),
    )
    conv = await Conversation.start(planner.runtime)

    reply = await conv.say("Answer me and take a note")

    assert reply == "Here is the answer.\nNoted in your file."
    assert planner.large.calls and len(planner.large.calls) == 2  # plan + the REPLY action's own call
    agent_messages = [
        m for m in await conv.history() if m.entity_id == planner.runtime.agent_id and m.content.type != "action_result"
    ]
    assert [m.content.text for m in agent_messages] == ["Here is the answer.", "Noted in your file."]
    user_id = (await conv.history())[0].id
    assert all(m.content.in_reply_to == user_id for m in agent_messages)
    assert conv.last_result is not None and conv.last_result.mode == "actions" and conv.last_result.did_respond


async def test_failing_action_does_not_stop_the_plan(planner: Agent) -> None:
    planner.large.add(
        xml_reply("", actions=["BOOM", "REPLY"]),
        xml_response(thought="still replying", text="Sorry, one step failed, but here I am."),
    )
    conv = await Conversation.start(planner.runtime)

    reply = await conv.say("Do the risky thing")

    assert reply == "Sorry, one step failed, but here I am."
    failed = [
        m
        for m in await conv.history()
        if m.content.type == "action_result" and (m.content.model_extra or {}).get("actionStatus") == "failed"
    ]
    assert failed and "boom" in (failed[0].content.text or failed[0].content.thought or "").lower()


async def test_garbage_three_times_is_a_logged_failure(planner: Agent, caplog: pytest.LogCaptureFixture) -> None:
    planner.large.add("total nonsense", "```still nothing```", "", xml_reply("Back to normal."))
    conv = await Conversation.start(planner.runtime)

    assert await conv.say("first") is None
    assert conv.last_result is not None and conv.last_result.reason == "unparsable"
    assert len(planner.large.calls) == 3
    assert "could not be parsed after 3 attempts" in caplog.text

    assert await conv.say("second") == "Back to normal."
    adapter = planner.runtime.adapter
    assert adapter is not None
    ended = [
        log.body
        for log in await adapter.get_logs(room_id=conv.room_id, type="run_event", count=50)
        if log.body.get("status") not in (None, "started")
    ]
    assert sorted(body["status"] for body in ended) == ["completed", "error"]


async def test_missing_actions_tag_with_text_replies(planner: Agent) -> None:
    planner.large.add("<response><thought>hm</thought><text>Just text, no actions tag.</text></response>")
    conv = await Conversation.start(planner.runtime)
    assert await conv.say("hi") == "Just text, no actions tag."


async def test_json_answer_in_a_code_fence_is_accepted(planner: Agent) -> None:
    planner.large.add('```json\n{"thought": "json", "actions": ["REPLY"], "text": "From JSON."}\n```')
    conv = await Conversation.start(planner.runtime)
    assert await conv.say("hi") == "From JSON."


async def test_run_events_and_every_log_row_carry_the_run_id(planner: Agent) -> None:
    seen: list[tuple[str, EventPayload]] = []

    async def record(payload: EventPayload) -> None:
        seen.append((str(payload.get("status") or payload.get("message", "")), payload))

    runtime = planner.runtime
    for event in (EventType.RUN_STARTED, EventType.RUN_ENDED, EventType.MESSAGE_RECEIVED, EventType.MESSAGE_SENT):
        runtime.register_event(event, record)
    planner.large.add(
        xml_reply("", actions=["REPLY"], providers=["FACTS"]),
        xml_response(thought="t", text="Logged reply."),
    )
    conv = await Conversation.start(runtime)

    assert await conv.say("log this") == "Logged reply."

    result = conv.last_result
    assert result is not None and result.run_id
    statuses = [status for status, payload in seen if payload.get("runId") == result.run_id]
    assert statuses[0] == "started" and statuses[-1] == "completed"
    assert any(isinstance(p.get("message"), Memory) and p["message"].content.text == "Logged reply." for _, p in seen)
    adapter = runtime.adapter
    assert adapter is not None
    logs = await adapter.get_logs(room_id=conv.room_id, count=100)
    types = {log.type for log in logs}
    assert {"run_event", "useModel:TEXT_LARGE", "action"} <= types
    # action rows belong to the action plan's own run, nested under the message's run
    assert all(result.run_id in (log.body.get("runId"), log.body.get("parentRunId")) for log in logs), [
        (log.type, log.body.get("runId"), log.body.get("parentRunId")) for log in logs
    ]
