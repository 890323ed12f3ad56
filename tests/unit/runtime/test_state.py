"""compose_state: selection, order, concurrency, error isolation, timeouts and the bounded cache."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pyeliza import AgentRuntime, Character, Content, Memory, Provider, ProviderResult, State
from pyeliza.errors import InvalidInputError
from pyeliza.runtime import StateCache
from pyeliza.types import new_uuid

ROOM = "00000000-0000-0000-0000-0000000000aa"


def message() -> Memory:
    return Memory(id=new_uuid(), entity_id=ROOM, room_id=ROOM, content=Content(text="hello"))


def provider(name: str, text: str, *, position: int = 0, dynamic: bool = False, private: bool = False) -> Provider:
    async def get(runtime: AgentRuntime, msg: Memory, state: State) -> ProviderResult:
        return ProviderResult(text=text, values={name: text, "shared": name}, data={"from": name})

    return Provider(name=name, get=get, position=position, dynamic=dynamic, private=private)


def make(*providers: Provider, settings: dict[str, str] | None = None) -> AgentRuntime:
    rt = AgentRuntime(Character(name="Stateful", bio="test"), settings=settings)
    for p in providers:
        rt.register_provider(p)
    return rt


async def test_default_selection_and_position_order() -> None:
    rt = make(
        provider("LATE", "late", position=10),
        provider("EARLY", "early", position=-5),
        provider("MIDDLE", "middle"),
        provider("DYN", "dynamic", dynamic=True),
        provider("SECRET", "private", private=True),
    )
    state = await rt.compose_state(message())
    assert state.text == "early\nmiddle\nlate"
    assert state.values["providers"] == state.text
    assert state.values["shared"] == "LATE"
    assert set(state.data["providers"]) == {"EARLY", "MIDDLE", "LATE"}
    assert state.data["providers"]["EARLY"]["providerName"] == "EARLY"
    with_dynamic = await rt.compose_state(message(), ["DYN", "SECRET"])
    assert "dynamic" in with_dynamic.text and "private" in with_dynamic.text
    only = await rt.compose_state(message(), ["DYN"], only_include=True)
    assert only.text == "dynamic"


async def test_cache_accumulates_values_per_message() -> None:
    rt = make(provider("A", "a"), provider("B", "b", dynamic=True))
    msg = message()
    await rt.compose_state(msg, ["B"], only_include=True)
    later = await rt.compose_state(msg, ["A"], only_include=True)
    assert later.text == "a"
    assert later.values["B"] == "b"
    fresh = await rt.compose_state(msg, ["A"], only_include=True, skip_cache=True)
    assert "B" not in fresh.values


async def test_raising_provider_is_isolated(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(runtime: AgentRuntime, msg: Memory, state: State) -> ProviderResult:
        raise KeyError("room missing")

    rt = make(provider("GOOD", "good"), Provider(name="BROKEN", get=broken))
    with caplog.at_level(logging.ERROR, logger="pyeliza.runtime"):
        state = await rt.compose_state(message())
    assert state.text == "good"
    assert any("BROKEN" in r.getMessage() for r in caplog.records)


async def test_hanging_provider_times_out(caplog: pytest.LogCaptureFixture) -> None:
    cancelled = asyncio.Event()

    async def hangs(runtime: AgentRuntime, msg: Memory, state: State) -> ProviderResult:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        return ProviderResult(text="never")

    rt = make(provider("GOOD", "good"), Provider(name="HANGS", get=hangs), settings={"PROVIDER_TIMEOUT_MS": "50"})
    with caplog.at_level(logging.ERROR, logger="pyeliza.runtime"):
        state = await rt.compose_state(message())
    assert state.text == "good"
    assert cancelled.is_set()
    assert any("HANGS" in r.getMessage() for r in caplog.records)


async def test_providers_run_concurrently() -> None:
    both_started = asyncio.Event()
    started: list[str] = []

    def waiting(name: str) -> Provider:
        async def get(runtime: AgentRuntime, msg: Memory, state: State) -> ProviderResult:
            started.append(name)
            if len(started) == 2:
                both_started.set()
            await both_started.wait()
            return ProviderResult(text=name)

        return Provider(name=name, get=get)

    rt = make(waiting("ONE"), waiting("TWO"), settings={"PROVIDER_TIMEOUT_MS": "2000"})
    state = await rt.compose_state(message())
    assert state.text == "ONE\nTWO"


async def test_state_cache_is_bounded() -> None:
    cache = StateCache(max_entries=3)
    for key in "abcd":
        cache.set(key, State(text=key))
    assert len(cache) == 3
    assert "a" not in cache
    assert cache.get("b") is not None
    cache.set("e", State())
    assert list(cache) == ["d", "b", "e"]
    with pytest.raises(InvalidInputError):
        StateCache(0)


async def test_runtime_state_cache_does_not_grow_forever() -> None:
    rt = make(provider("A", "a"))
    rt.state_cache.max_entries = 10
    for _ in range(25):
        await rt.compose_state(message())
    assert len(rt.state_cache) == 10
