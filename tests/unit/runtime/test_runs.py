"""Run ids live in contextvars: concurrent tasks never share one."""

from __future__ import annotations

import asyncio

from pyeliza import AgentRuntime, Character, Content, Memory


def runtime() -> AgentRuntime:
    return AgentRuntime(Character(name="Runner", bio="test"))


async def test_start_end_and_lazy_run() -> None:
    rt = runtime()
    assert rt.get_current_run_context() is None
    lazy = rt.get_current_run_id()
    assert rt.get_current_run_id() == lazy
    room = "00000000-0000-0000-0000-0000000000aa"
    message = Memory(entity_id=room, room_id=room, content=Content(text="hi"))
    run_id = rt.start_run(room, message)
    assert run_id != lazy
    context = rt.get_current_run_context()
    assert context is not None
    assert (context.run_id, context.room_id, context.message) == (run_id, room, message)
    rt.end_run()
    assert rt.get_current_run_context() is None
    assert rt.create_run_id() != rt.create_run_id()


async def test_concurrent_tasks_keep_their_own_run_ids() -> None:
    rt = runtime()

    async def one_message(index: int) -> tuple[str, str]:
        started = rt.start_run(room_id=f"room-{index}")
        for _ in range(5):
            await asyncio.sleep(0)
        seen = rt.get_current_run_id()
        rt.end_run()
        return started, seen

    results = await asyncio.gather(*(one_message(i) for i in range(200)))
    assert all(started == seen for started, seen in results)
    assert len({started for started, _ in results}) == 200


async def test_runs_are_per_agent() -> None:
    a, b = runtime(), AgentRuntime(Character(name="Other", bio="test"))
    run_a = a.start_run()
    assert b.get_current_run_context() is None
    run_b = b.start_run()
    assert a.get_current_run_id() == run_a
    assert b.get_current_run_id() == run_b
