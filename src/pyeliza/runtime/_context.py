"""Context-local run, action and streaming state.

Each asyncio task has its own copy of these variables, so two messages handled concurrently by one agent never
see each other's run id or action context. Values are keyed by agent id because one task may drive several agents.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..types import ActionContext, Memory
from ..types.models import StreamChunkCallback


@dataclass(frozen=True)
class RunContext:
    """The run the current task is executing for one agent: its id, room and the message that started it."""

    run_id: str
    room_id: str | None = None
    message: Memory | None = None


@dataclass(frozen=True)
class StreamingContext:
    """Where streamed model chunks go while a caller (the message pipeline, an action) wants them."""

    on_stream_chunk: StreamChunkCallback
    message_id: str | None = None


_runs: ContextVar[Mapping[str, RunContext]] = ContextVar("pyeliza_runs", default=MappingProxyType({}))
_actions: ContextVar[Mapping[str, ActionContext]] = ContextVar("pyeliza_actions", default=MappingProxyType({}))
_streaming: ContextVar[StreamingContext | None] = ContextVar("pyeliza_streaming", default=None)
_composition: ContextVar[dict[Hashable, Any] | None] = ContextVar("pyeliza_composition", default=None)


def get_run(agent_id: str) -> RunContext | None:
    return _runs.get().get(agent_id)


def set_run(agent_id: str, run: RunContext | None) -> None:
    current = dict(_runs.get())
    if run is None:
        current.pop(agent_id, None)
    else:
        current[agent_id] = run
    _runs.set(MappingProxyType(current))


def get_action(agent_id: str) -> ActionContext | None:
    return _actions.get().get(agent_id)


def set_action(agent_id: str, action: ActionContext | None) -> None:
    current = dict(_actions.get())
    if action is None:
        current.pop(agent_id, None)
    else:
        current[agent_id] = action
    _actions.set(MappingProxyType(current))


def get_streaming_context() -> StreamingContext | None:
    """The ambient streaming context of the current task, if a caller opened one."""
    return _streaming.get()


@contextmanager
def streaming_context(on_stream_chunk: StreamChunkCallback, message_id: str | None = None) -> Iterator[None]:
    """Forward the chunks of every streaming model call made inside this block to ``on_stream_chunk``."""
    token = _streaming.set(StreamingContext(on_stream_chunk, message_id))
    try:
        yield
    finally:
        _streaming.reset(token)


def composition_results() -> dict[Hashable, Any] | None:
    """Results that identical reads share while one state composition runs (``None`` outside a composition).

    The providers of one composition run concurrently and look up the same rooms, worlds and entities; a read
    helper may keep its result here under a key naming the read. Nothing outlives the composition.
    """
    return _composition.get()


@contextmanager
def composition_scope() -> Iterator[None]:
    """Open the shared results of one composition (``composition_results``) for the code inside the block."""
    token = _composition.set({})
    try:
        yield
    finally:
        _composition.reset(token)
