"""A counting semaphore with the reference's API (``acquire`` / ``release``), usable as ``async with``."""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType

from ..errors import InvalidInputError


class Semaphore:
    """At most ``count`` holders at a time; waiters are served first come, first served."""

    def __init__(self, count: int) -> None:
        if count < 0:
            raise InvalidInputError(f"a semaphore needs a count of at least 0, got {count}")
        self._permits = count
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def available(self) -> int:
        """Permits that can be acquired right now without waiting."""
        return self._permits

    async def acquire(self) -> None:
        if self._permits > 0 and not self._waiters:
            self._permits -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()
            else:
                self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        """Return a permit; the longest waiter (if any) gets it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._permits += 1

    async def __aenter__(self) -> Semaphore:
        await self.acquire()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
