"""A run that times out or fails still ends with RUN_ENDED and its status; the message stays unanswered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyeliza.errors import ModelError
from pyeliza.messaging import DefaultMessageService
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import Conversation
from pyeliza.types import EventPayload, EventType, ModelType

from .conftest import Agent


def _record(runtime: AgentRuntime) -> list[EventPayload]:
    events: list[EventPayload] = []

    async def record(payload: EventPayload) -> None:
        events.append(payload)

    for event in (EventType.RUN_ENDED, EventType.RUN_TIMEOUT):
        runtime.register_event(event, record)
    return events


async def test_a_run_that_exceeds_its_timeout_ends_with_status_timeout(agent: Agent) -> None:
    runtime = agent.runtime
    events = _record(runtime)

    async def slow(rt: AgentRuntime, params: Any) -> str:
        await asyncio.sleep(30)
        return "never"

    runtime.register_model(ModelType.TEXT_LARGE, slow, "slow-model", priority=10_000)
    service = DefaultMessageService(runtime, timeout_s=0.2)
    conv = await Conversation.start(runtime)

    result = await service.handle_message(conv.message("hello?"))

    assert result.reason == "timeout" and not result.did_respond
    assert [e["status"] for e in events] == ["timeout", "timeout"]  # RUN_TIMEOUT, then RUN_ENDED
    assert [m.content.text for m in await conv.history()] == ["hello?"]  # answered again after a restart


async def test_a_failing_model_ends_the_run_with_status_error_and_raises(agent: Agent) -> None:
    runtime = agent.runtime
    events = _record(runtime)

    async def broken(rt: AgentRuntime, params: Any) -> str:
        raise ModelError("provider down")

    runtime.register_model(ModelType.TEXT_LARGE, broken, "broken-model", priority=10_000)
    conv = await Conversation.start(runtime)

    with pytest.raises(ModelError, match="provider down"):
        await conv.say("hello?")

    assert [(e["status"], e.get("error")) for e in events] == [("error", "provider down")]
