"""Start coroutines eagerly: run each one's first step at once and make a task only of those that must wait.

Most providers and action validators finish without awaiting anything (they format what the runtime already
holds), yet a task per coroutine costs its creation, a turn of the event loop and the gather bookkeeping, about
20 µs each; a composition started 12 provider tasks and the ACTIONS provider one per action. Python 3.12's
eager task factory does the same as this module. The first step runs in a copy of the caller's context and a
coroutine that has to wait goes on as a task in that same copy, so context variables behave as with
``create_task``. A coroutine that ended in its first step gives a :class:`Finished` outcome: no future and no
event-loop look-up (in Python 3.11 each look-up is a ``getpid`` system call).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine, Generator, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class _Resumed(Generic[T]):
    """Awaiting it continues a coroutine that already ran its first step and yielded ``first``."""

    __slots__ = ("_coro", "_first")

    def __init__(self, coro: Coroutine[Any, Any, T], first: Any) -> None:
        self._coro = coro
        self._first = first

    def __await__(self) -> Generator[Any, Any, T]:
        coro, pending = self._coro, self._first
        while True:
            try:
                sent = yield pending
            except BaseException as exc:
                try:
                    pending = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value  # type: ignore[no-any-return]
            else:
                try:
                    pending = coro.send(sent)
                except StopIteration as stop:
                    return stop.value  # type: ignore[no-any-return]


class Finished(Generic[T]):
    """The outcome of a coroutine that ended in its first step: a value or an error.

    It answers like a done future (``done``, ``cancelled``, ``result``, ``exception``) and can be awaited, without
    the loop look-up and the future a finished coroutine does not need.
    """

    __slots__ = ("_error", "_value")

    def __init__(self, value: T | None, error: BaseException | None = None) -> None:
        self._value = value
        self._error = error

    def done(self) -> bool:
        return True

    def cancelled(self) -> bool:
        return isinstance(self._error, asyncio.CancelledError)

    def exception(self) -> BaseException | None:
        if isinstance(self._error, asyncio.CancelledError):
            raise self._error
        return self._error

    def result(self) -> T:
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def as_future(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[T]:
        future: asyncio.Future[T] = loop.create_future()
        if isinstance(self._error, asyncio.CancelledError):
            future.cancel()
        elif self._error is not None:
            future.set_exception(self._error)
        else:
            future.set_result(self._value)  # type: ignore[arg-type]
        return future

    def __await__(self) -> Generator[Any, None, T]:
        yield from ()
        return self.result()


async def _continue(coro: Coroutine[Any, Any, T], first: Any) -> T:
    return await _Resumed(coro, first)


def start_eagerly(coro: Coroutine[Any, Any, T]) -> asyncio.Task[T] | Finished[T]:
    """``coro``'s outcome when it completed in its first step, otherwise a task that goes on with it."""
    context = contextvars.copy_context()
    try:
        first = context.run(coro.send, None)
    except StopIteration as stop:
        return Finished(stop.value)
    except (Exception, asyncio.CancelledError) as exc:
        return Finished(None, exc)
    return asyncio.get_running_loop().create_task(_continue(coro, first), context=context)


async def gather_eagerly(coros: Sequence[Coroutine[Any, Any, T]]) -> list[T]:
    """Like ``asyncio.gather(*coros)`` (results in order, the first error raised), tasks only where needed."""
    started = [start_eagerly(coro) for coro in coros]
    finished = [item for item in started if isinstance(item, Finished)]
    if len(finished) == len(started):
        return [item.result() for item in finished]
    loop = asyncio.get_running_loop()
    waiting = [item.as_future(loop) if isinstance(item, Finished) else item for item in started]
    return list(await asyncio.gather(*waiting))
