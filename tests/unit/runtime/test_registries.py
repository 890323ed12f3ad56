"""Task workers, send handlers, the database adapter slot and MODEL_USED events."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pytest

from pyeliza import AgentRuntime, Character, Content, EventType, ModelType
from pyeliza.errors import ServiceError, StateError
from pyeliza.types import Task, TaskWorker


def make() -> AgentRuntime:
    return AgentRuntime(Character(name="Registries", bio="test"))


async def execute(runtime: AgentRuntime, options: dict[str, Any], task: Task) -> None:
    return None


def test_task_workers_replace_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    rt = make()
    first, second = TaskWorker(name="job", execute=execute), TaskWorker(name="job", execute=execute)
    rt.register_task_worker(first)
    with caplog.at_level(logging.WARNING, logger="pyeliza.runtime"):
        rt.register_task_worker(second)
    assert rt.get_task_worker("job") is second
    assert rt.get_task_worker("other") is None
    assert "job" in caplog.text


async def test_send_handler_errors_are_translated() -> None:
    rt = make()

    async def broken(runtime: Any, target: Mapping[str, Any], content: Content) -> None:
        raise OSError("socket closed")

    rt.register_send_handler("chat", broken)
    with pytest.raises(ServiceError, match="chat") as info:
        await rt.send_message_to_target({"source": "chat"}, Content(text="x"))
    assert isinstance(info.value.__cause__, OSError)


async def test_database_methods_need_an_adapter() -> None:
    rt = make()
    with pytest.raises(StateError, match="sql plugin"):
        await rt.get_memories("messages")


async def test_model_used_event() -> None:
    rt = make()
    seen: list[dict[str, Any]] = []

    async def on_used(payload: dict[str, Any]) -> None:
        seen.append(payload)

    async def model(runtime: AgentRuntime, params: Any) -> str:
        return "ok"

    rt.register_event(EventType.MODEL_USED, on_used)
    rt.register_model(ModelType.TEXT_SMALL, model, "prov")
    await rt.use_model(ModelType.TEXT_SMALL, "prompt text")
    assert [(p["provider"], p["type"], p["prompt"]) for p in seen] == [("prov", "TEXT_SMALL", "prompt text")]
