"""Streamed text of a remote model: open the stream with retries, then hand out its deltas under a stall timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Protocol, TypeVar

from pyeliza.types import TextStreamResult

from .clients import C, ClientLease
from .retry import Failure, FailureKind, RemoteCall

E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)


class EventStream(Protocol[E_co]):
    """An SDK's open event stream (``openai.AsyncStream``, ``anthropic.AsyncStream``)."""

    def __aiter__(self) -> AsyncIterator[E_co]: ...

    async def close(self) -> None: ...


TextsOf = Callable[[E, TextStreamResult], Iterable[str]]
"""The text deltas in one event; usage, finish reason and model found in it are written onto the result."""


async def stream_text(
    lease: ClientLease[C],
    call: RemoteCall,
    open_stream: Callable[[C], Awaitable[EventStream[E]]],
    texts_of: TextsOf[E],
) -> TextStreamResult:
    """Open the stream (with retries), then hand out its text deltas; the lease goes back when the stream ends."""
    client = lease.client
    try:
        stream = await call.run(lambda: open_stream(client))
    except BaseException:
        await lease.release()
        raise
    result = TextStreamResult(
        text_stream=_deltas(lease, stream, call, lambda: result, texts_of), extra={"model": call.model}
    )
    return result


async def _deltas(
    lease: ClientLease[C],
    stream: EventStream[E],
    call: RemoteCall,
    result_of: Callable[[], TextStreamResult],
    texts_of: TextsOf[E],
) -> AsyncIterator[str]:
    result = result_of()
    received = 0
    iterator = aiter(stream)
    try:
        while True:
            try:
                async with asyncio.timeout(call.policy.timeout_seconds):
                    event = await anext(iterator)
            except StopAsyncIteration:
                return
            except TimeoutError as exc:
                cause = f"the stream stalled for {call.policy.timeout_seconds:g} s after {received} delta(s)"
                raise call.error(Failure(FailureKind.TIMEOUT, cause)) from exc
            except Exception as exc:
                failure = call.classify(exc) or Failure(FailureKind.CONNECTION, str(exc))
                reason = exc.__cause__ or exc
                call.redactor.scrub_exception(exc)
                cause = f"the stream broke off after {received} delta(s) ({type(reason).__name__}: {reason})"
                raise call.error(Failure(failure.kind, cause)) from exc
            for text in texts_of(event, result):
                received += 1
                yield text
    finally:
        await stream.close()
        await lease.release()
