"""process_actions and evaluate on a real database: events, memories, logs and error isolation."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pyeliza import Action, ActionResult, AgentRuntime, Content, Evaluator, EventType, Memory, Plugin, State
from pyeliza.testing import ScriptedModel, runtime_for_test
from pyeliza.types import HandlerCallback, HandlerOptions, ModelType, TextStreamResult, new_uuid

USER = "00000000-0000-0000-0000-00000000000a"
ROOM = "00000000-0000-0000-0000-00000000000b"


async def incoming(runtime: AgentRuntime, text: str = "please act") -> Memory:
    await runtime.ensure_connection(USER, ROOM, name="User", source="test")
    message = Memory(id=new_uuid(), entity_id=USER, room_id=ROOM, content=Content(text=text, source="test"))
    await runtime.create_memory(message, "messages")
    return message


def response(runtime: AgentRuntime, *actions: str) -> Memory:
    return Memory(
        id=new_uuid(),
        entity_id=runtime.agent_id,
        room_id=ROOM,
        content=Content(text="", actions=list(actions), thought="plan it"),
    )


async def greet(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    prompt_answer = await runtime.use_model(ModelType.TEXT_SMALL, "compose a greeting")
    if callback is not None:
        await callback(Content(text=prompt_answer, actions=["GREET"]))
    return ActionResult(text=prompt_answer, values={"greeted": True}, data={"actionName": "GREET"})


async def explode(*args: Any) -> ActionResult:
    raise RuntimeError("the action exploded")


async def inspect_previous(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    assert options is not None
    return ActionResult(text=f"saw {len(options.previous_results)} results", values={"count": 1})


ACTIONS = Plugin(
    name="acts",
    actions=[
        Action(name="GREET", description="say hi", handler=greet),
        Action(name="EXPLODE", description="fails", handler=explode),
        Action(name="INSPECT", description="looks back", handler=inspect_previous),
    ],
)


async def test_actions_run_in_order_and_a_failure_does_not_stop_the_rest(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    model = ScriptedModel(["Hello there"])
    async with runtime_for_test(plugins=[ACTIONS], database_url=database_url, models={"TEXT_SMALL": model}) as rt:
        events: list[tuple[str, str]] = []

        async def record(payload: dict[str, Any]) -> None:
            events.append((payload["content"]["actions"][0], payload["content"]["actionStatus"]))

        rt.register_event(EventType.ACTION_STARTED, record)
        rt.register_event(EventType.ACTION_COMPLETED, record)
        sent: list[Content] = []

        async def callback(content: Content) -> list[Memory]:
            sent.append(content)
            return []

        message = await incoming(rt)
        with caplog.at_level(logging.ERROR, logger="pyeliza.runtime"):
            results = await rt.process_actions(
                message, [response(rt, "GREET", "EXPLODE", "MISSING_ACTION", "INSPECT")], callback=callback
            )

        assert [r.success for r in results] == [True, False, True]
        assert results[1].error == "the action exploded"
        assert results[2].text == "saw 2 results"
        assert "EXPLODE" in caplog.text
        assert events == [
            ("GREET", "executing"),
            ("GREET", "completed"),
            ("EXPLODE", "executing"),
            ("EXPLODE", "failed"),
            ("INSPECT", "executing"),
            ("INSPECT", "completed"),
        ]
        assert [c.text for c in sent] == ["Hello there"]
        assert sent[0].response_id is not None
        assert rt.get_current_action_context() is None

        memories = await rt.get_memories("messages", room_id=ROOM, count=50)
        texts = {m.content.text or m.content.thought for m in memories}
        assert "Action EXPLODE failed: the action exploded" in texts
        assert "Action not found: MISSING_ACTION" in texts
        assert "Hello there" in texts
        logs = await rt.get_logs(room_id=ROOM, type="action", count=10)
        greet_log = next(entry for entry in logs if entry.body["action"] == "GREET")
        assert greet_log.body["promptCount"] == 1
        assert greet_log.body["prompts"][0]["prompt"] == "compose a greeting"
        assert rt.get_action_results(str(message.id))[0].text == "Hello there"
        model_logs = await rt.get_logs(type="useModel:TEXT_SMALL", count=5)
        assert model_logs[0].body["actionContext"]["actionName"] == "GREET"


async def test_evaluators_run_isolated_with_events(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    async def good(*args: Any) -> None:
        ran.append("good")

    async def bad(*args: Any) -> None:
        raise RuntimeError("evaluator broke")

    async def never(*args: Any) -> bool:
        return False

    evaluators = Plugin(
        name="evals",
        evaluators=[
            Evaluator(name="GOOD", description="", handler=good),
            Evaluator(name="BAD", description="", handler=bad, always_run=True),
            Evaluator(name="SKIPPED", description="", handler=good, validate=never),
        ],
    )
    async with runtime_for_test(plugins=[evaluators], database_url=database_url) as rt:
        seen: list[tuple[str, Any]] = []

        async def on_done(payload: dict[str, Any]) -> None:
            seen.append((payload["evaluatorName"], payload["error"]))

        rt.register_event(EventType.EVALUATOR_COMPLETED, on_done)
        message = await incoming(rt)
        with caplog.at_level(logging.ERROR, logger="pyeliza.runtime"):
            did_run = await rt.evaluate(message, did_respond=True)
        assert sorted(e.name for e in did_run) == ["BAD", "GOOD"]
        assert ran == ["good"]
        assert sorted(seen) == [("BAD", "evaluator broke"), ("GOOD", None)]
        assert "BAD" in caplog.text
        only_always = await rt.evaluate(message, did_respond=False)
        assert [e.name for e in only_always] == ["BAD"]
        assert len(await rt.get_logs(room_id=ROOM, type="evaluator", count=10)) == 3


async def test_action_model_streams_reach_the_caller(database_url: str) -> None:
    async def streaming_model(runtime: AgentRuntime, params: Any) -> TextStreamResult:
        async def chunks() -> AsyncIterator[str]:
            yield "Hel"
            yield "lo"

        return TextStreamResult(text_stream=chunks())

    async with runtime_for_test(
        plugins=[ACTIONS], database_url=database_url, models={"TEXT_SMALL": streaming_model}
    ) as rt:
        received: list[tuple[str, str | None]] = []

        async def on_chunk(chunk: str, message_id: str | None) -> None:
            received.append((chunk, message_id))

        sent: list[Content] = []

        async def callback(content: Content) -> list[Memory]:
            sent.append(content)
            return []

        message = await incoming(rt)
        results = await rt.process_actions(
            message, [response(rt, "GREET")], callback=callback, on_stream_chunk=on_chunk
        )
        assert results[0].text == "Hello"
        assert [chunk for chunk, _ in received] == ["Hel", "lo"]
        assert {mid for _, mid in received} == {sent[0].response_id}


async def test_legacy_and_dict_results_are_normalised(database_url: str) -> None:
    async def returns_none(*args: Any) -> None:
        return None

    async def returns_dict(*args: Any) -> dict[str, Any]:
        return {"text": "from a dict", "success": False}

    plugin = Plugin(
        name="legacy",
        actions=[
            Action(name="QUIET", description="", handler=returns_none),
            Action(name="DICTY", description="", handler=returns_dict),  # a legacy handler shape
        ],
    )
    async with runtime_for_test(plugins=[plugin], database_url=database_url) as rt:
        message = await incoming(rt)
        quiet, dicty = await rt.process_actions(message, [response(rt, "QUIET", "DICTY")])
        assert quiet.success and (quiet.data or {})["legacy"] is True
        assert (dicty.success, dicty.text) == (False, "from a dict")
