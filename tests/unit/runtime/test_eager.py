"""start_eagerly / gather_eagerly: the same results, errors, cancellation and context isolation as tasks."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from pyeliza.runtime._eager import gather_eagerly, start_eagerly

marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="caller")


async def immediate(value: int) -> int:
    return value


async def waits(value: int) -> int:
    await asyncio.sleep(0.001)
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_soon(future.set_result, value * 10)
    return await future


async def fails_at_once() -> int:
    raise ValueError("at once")


async def fails_later() -> int:
    await asyncio.sleep(0)
    raise ValueError("later")


async def test_a_coroutine_that_does_not_wait_is_done_without_a_task() -> None:
    before = len(asyncio.all_tasks())
    future = start_eagerly(immediate(3))
    assert future.done() and future.result() == 3
    assert not isinstance(future, asyncio.Task)
    assert len(asyncio.all_tasks()) == before


async def test_a_coroutine_that_waits_goes_on_as_a_task() -> None:
    future = start_eagerly(waits(4))
    assert isinstance(future, asyncio.Task) and not future.done()
    assert await future == 40


async def test_errors_arrive_like_those_of_tasks() -> None:
    with pytest.raises(ValueError, match="at once"):
        await start_eagerly(fails_at_once())
    with pytest.raises(ValueError, match="later"):
        await start_eagerly(fails_later())


async def test_cancelling_the_continuation_cancels_the_coroutine() -> None:
    reached_end = False

    async def long() -> None:
        nonlocal reached_end
        await asyncio.sleep(0)
        await asyncio.sleep(10)
        reached_end = True

    future = start_eagerly(long())
    await asyncio.sleep(0.01)
    future.cancel()
    with pytest.raises(asyncio.CancelledError):
        await future
    assert not reached_end


async def test_context_changes_stay_inside_the_coroutine() -> None:
    async def sets_then_reads() -> str:
        marker.set("inner")
        await asyncio.sleep(0)
        return marker.get()

    assert await start_eagerly(sets_then_reads()) == "inner"
    assert marker.get() == "caller"


async def test_gather_eagerly_keeps_order_and_raises_the_first_error() -> None:
    assert await gather_eagerly([immediate(1), waits(2), immediate(3)]) == [1, 20, 3]
    assert await gather_eagerly([immediate(1), immediate(2)]) == [1, 2]
    with pytest.raises(ValueError, match="at once"):
        await gather_eagerly([immediate(1), fails_at_once()])


async def test_an_outcome_cancelled_in_the_first_step_reads_like_a_cancelled_future() -> None:
    async def cancelled_at_once() -> int:
        raise asyncio.CancelledError

    outcome = start_eagerly(cancelled_at_once())
    assert outcome.done() and outcome.cancelled()
    with pytest.raises(asyncio.CancelledError):
        outcome.exception()
    with pytest.raises(asyncio.CancelledError):
        await gather_eagerly([waits(1), cancelled_at_once()])


async def test_gather_eagerly_with_a_waiting_coroutine_still_raises_an_immediate_error() -> None:
    with pytest.raises(ValueError, match="at once"):
        await gather_eagerly([waits(1), fails_at_once()])
