"""emit_event: payload enrichment, registration order, isolation of failing handlers, lists of names."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pyeliza import AgentRuntime, Character


@pytest.fixture
def runtime() -> AgentRuntime:
    return AgentRuntime(Character(name="Events", bio="test"))


async def test_handlers_run_in_order_with_runtime_and_source(runtime: AgentRuntime) -> None:
    seen: list[tuple[str, Any, Any]] = []

    async def first(payload: dict[str, Any]) -> None:
        seen.append(("first", payload["runtime"], payload["source"]))

    async def second(payload: dict[str, Any]) -> None:
        seen.append(("second", payload["value"], payload["source"]))

    runtime.register_event("thing", first)
    runtime.register_event("thing", second)
    payload = {"value": 7}
    await runtime.emit_event("thing", payload)
    assert seen == [("first", runtime, "runtime"), ("second", 7, "runtime")]
    assert payload == {"value": 7}
    await runtime.emit_event("thing", {"value": 8, "source": "discord"})
    assert seen[-1] == ("second", 8, "discord")
    assert runtime.get_event("thing") == [first, second]
    assert runtime.get_event("nothing") is None


async def test_a_failing_handler_does_not_stop_the_others(
    runtime: AgentRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    async def broken(payload: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    async def fine(payload: dict[str, Any]) -> None:
        ran.append("fine")

    runtime.register_event("evt", broken)
    runtime.register_event("evt", fine)
    with caplog.at_level(logging.ERROR, logger="pyeliza.runtime"):
        await runtime.emit_event("evt", {})
    assert ran == ["fine"]
    assert any("evt" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_emit_a_list_of_names(runtime: AgentRuntime) -> None:
    names: list[str] = []

    async def a(payload: dict[str, Any]) -> None:
        names.append("a")

    async def b(payload: dict[str, Any]) -> None:
        names.append("b")

    runtime.register_event("A", a)
    runtime.register_event("B", b)
    await runtime.emit_event(["B", "unknown", "A"], {})
    assert names == ["b", "a"]
