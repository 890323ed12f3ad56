"""Events, task workers and send handlers: the runtime's registries of callbacks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ConfigurationError, PyElizaError, ServiceError
from ..types import Content, EventHandler, TaskWorker
from ._core import SendHandler, logger
from ._database import DatabaseMixin


class EventsMixin(DatabaseMixin):
    # -- events -------------------------------------------------------------------------------------------
    def register_event(self, event: str, handler: EventHandler) -> None:
        """Call ``handler(payload)`` on every ``emit_event(event, ...)``, after the handlers registered before it."""
        self.events.setdefault(str(event), []).append(handler)

    def get_event(self, event: str) -> list[EventHandler] | None:
        return self.events.get(str(event))

    async def emit_event(self, event: str | Iterable[str], payload: Mapping[str, Any]) -> None:
        """Run the handlers of one event name (or of each name of a list) in registration order.

        Each handler gets a copy of ``payload`` with ``runtime`` and ``source`` (default ``"runtime"``) added.
        A handler that raises is logged with the event name; the remaining handlers still run.
        """
        names: Iterable[str] = (event,) if isinstance(event, str) else event
        for name in names:
            handlers = self.events.get(name)
            if not handlers:
                continue
            data = dict(payload)
            data["runtime"] = self
            if data.get("source") is None:
                data["source"] = "runtime"
            for handler in handlers:
                try:
                    await handler(data)
                except Exception:
                    logger.exception("agent %s: a handler of event %s failed", self.character.name, name)

    # -- task workers -------------------------------------------------------------------------------------
    def register_task_worker(self, worker: TaskWorker) -> None:
        """Register the worker for tasks named ``worker.name`` (a second worker of that name replaces it)."""
        if worker.name in self.task_workers:
            logger.warning("agent %s: task worker %s replaced", self.character.name, worker.name)
        self.task_workers[worker.name] = worker

    def get_task_worker(self, name: str) -> TaskWorker | None:
        return self.task_workers.get(name)

    # -- send handlers ------------------------------------------------------------------------------------
    def register_send_handler(self, source: str, handler: SendHandler) -> None:
        """Deliver ``send_message_to_target`` calls whose target ``source`` is ``source`` with ``handler``."""
        if source in self.send_handlers:
            logger.warning("agent %s: send handler for %s replaced", self.character.name, source)
        self.send_handlers[source] = handler

    async def send_message_to_target(self, target: Mapping[str, Any], content: Content) -> None:
        """Send ``content`` to a platform target (``{"source": ..., "room_id"/"channel_id"/...: ...}``)."""
        source = target.get("source")
        handler = self.send_handlers.get(str(source)) if source else None
        if handler is None:
            known = ", ".join(sorted(self.send_handlers)) or "none"
            raise ConfigurationError(f"no send handler registered for source {source!r} (registered: {known})")
        try:
            await handler(self, target, content)
        except PyElizaError:
            raise
        except Exception as exc:
            logger.exception("agent %s: send handler for %s failed", self.character.name, source)
            raise ServiceError(f"send handler for source {source!r} failed: {exc}") from exc
