"""Semaphore(n): at most n holders, FIFO wake-up, async with, cancellation returns the permit."""

from __future__ import annotations

import asyncio

import pytest

from pyeliza import Semaphore
from pyeliza.errors import InvalidInputError


async def test_limits_concurrency() -> None:
    semaphore = Semaphore(2)
    active = 0
    peak = 0

    async def work() -> None:
        nonlocal active, peak
        async with semaphore:
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            active -= 1

    await asyncio.gather(*(work() for _ in range(10)))
    assert peak == 2
    assert semaphore.available == 2


async def test_waiters_are_served_in_order() -> None:
    semaphore = Semaphore(1)
    await semaphore.acquire()
    order: list[int] = []

    async def waiter(i: int) -> None:
        await semaphore.acquire()
        order.append(i)
        semaphore.release()

    tasks = [asyncio.create_task(waiter(i)) for i in range(3)]
    await asyncio.sleep(0)
    semaphore.release()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2]


async def test_cancelled_waiter_does_not_leak_a_permit() -> None:
    semaphore = Semaphore(1)
    await semaphore.acquire()
    task = asyncio.create_task(semaphore.acquire())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    semaphore.release()
    assert semaphore.available == 1


def test_negative_count_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="at least 0"):
        Semaphore(-1)
