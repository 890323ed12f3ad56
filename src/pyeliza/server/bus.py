"""The in-process message bus between the central message store and the agents running in this server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger("pyeliza.server.bus")

BusHandler = Callable[[dict[str, Any]], Awaitable[None]]


class MessageBus:
    """Publish/subscribe by event name; each handler runs in its own task so a slow agent delays no one."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[BusHandler]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe(self, event: str, handler: BusHandler) -> None:
        self._handlers.setdefault(event, []).append(handler)

    def unsubscribe(self, event: str, handler: BusHandler) -> None:
        handlers = self._handlers.get(event, [])
        if handler in handlers:
            handlers.remove(handler)

    def publish(self, event: str, payload: dict[str, Any]) -> None:
        for handler in list(self._handlers.get(event, ())):
            task = asyncio.create_task(self._run(event, handler, payload))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, event: str, handler: BusHandler, payload: dict[str, Any]) -> None:
        try:
            await handler(payload)
        except Exception:
            logger.exception("bus handler for %s failed", event)

    async def drain(self) -> None:
        """Wait for every handler task started so far (used at shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
