"""SharedReads (``bootstrap-shared-reads``): one query for identical reads that run at the same time.

``compose_state`` runs every provider (and the ACTIONS provider every validator) concurrently, and many of
them look up the same room, world, agent room state or pending tasks. A read that starts while an identical
read is in flight joins it instead of querying again; nothing is kept once the read finished, so a later read
always sees later writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ...runtime._context import composition_results
from ...runtime._eager import Finished, start_eagerly
from ...types import Service

if TYPE_CHECKING:
    from ...runtime import AgentRuntime

T = TypeVar("T")


class SharedReads(Service):
    service_type: ClassVar[str] = "bootstrap-shared-reads"
    capability_description: ClassVar[str] = "Coalesces identical concurrent database reads of the bootstrap plugin"

    def __init__(self, runtime: AgentRuntime | None = None) -> None:
        super().__init__(runtime)
        self._in_flight: dict[Hashable, asyncio.Future[Any]] = {}

    async def read(self, key: Hashable, fetch: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """The result of ``fetch()``, shared with every caller asking for ``key`` while it runs.

        ``fetch()`` starts eagerly: a read answered without waiting (a remembered read) is never in flight.
        Inside a state composition the result is also kept for the composition's other providers
        (``composition_results``).
        """
        kept = composition_results()
        if kept is None:
            return await self._read(key, fetch)
        scoped = (self, key)
        if scoped in kept:
            return kept[scoped]  # type: ignore[no-any-return]
        value = await self._read(key, fetch)
        kept[scoped] = value
        return value

    async def _read(self, key: Hashable, fetch: Callable[[], Coroutine[Any, Any, T]]) -> T:
        running = self._in_flight.get(key)
        if running is not None:
            try:
                shared_result: T = await asyncio.shield(running)
            except asyncio.CancelledError:
                if not running.cancelled():
                    raise  # this caller was cancelled
                return await fetch()  # the first caller was cancelled: read on our own
            return shared_result
        reading = start_eagerly(fetch())
        if isinstance(reading, Finished):
            return reading.result()
        self._in_flight[key] = reading
        try:
            return await asyncio.shield(reading)
        except asyncio.CancelledError:
            if not reading.done():
                reading.cancel()
            raise
        finally:
            if self._in_flight.get(key) is reading:
                del self._in_flight[key]
