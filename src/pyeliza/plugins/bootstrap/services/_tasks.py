"""TaskService (``task``): runs queued tasks — §7.6.1 with §10.34 fixed.

One loop ticks every second (setting ``PYELIZA_TASK_TICK_MS``); a tick finishes before the next starts, so
ticks never overlap. A task runs only after ``adapter.claim_task`` leased it to this service instance, so two
runtimes sharing a database never run one task twice. Repeating tasks run when ``updateInterval`` ms passed
since the stored ``updated_at``; a failing one-shot task is retried with exponential back-off (base
``PYELIZA_TASK_RETRY_BASE_MS``, default 1 s) and marked failed (tag ``failed``, out of the queue) after
``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any, ClassVar, Self

from ....types import Service, ServiceType, Task, TaskWorker, new_uuid, now_ms
from .._support import adapter_of

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap.tasks")

DEFAULT_TICK_MS = 1000
MAX_ATTEMPTS = 5
BASE_BACKOFF_MS = 1000
MAX_BACKOFF_MS = 60_000
MIN_LEASE_MS = 30_000


def _number(value: Any, default: float = 0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class TaskService(Service):
    service_type: ClassVar[str] = ServiceType.TASK
    capability_description: ClassVar[str] = "Runs queued and repeating tasks, leased so that each runs once"

    def __init__(self, runtime: AgentRuntime | None = None) -> None:
        super().__init__(runtime)
        self.owner = f"{runtime.agent_id if runtime else 'none'}:{new_uuid()}"
        self._loop: asyncio.Task[None] | None = None
        tick = runtime.get_setting("PYELIZA_TASK_TICK_MS") if runtime else None
        self.tick_s = (_number(tick, DEFAULT_TICK_MS) or DEFAULT_TICK_MS) / 1000.0
        backoff = runtime.get_setting("PYELIZA_TASK_RETRY_BASE_MS") if runtime else None
        self.backoff_ms = _number(backoff, BASE_BACKOFF_MS) or BASE_BACKOFF_MS

    @classmethod
    async def start(cls, runtime: AgentRuntime) -> Self:
        service = cls(runtime)
        service._loop = asyncio.create_task(service._run(), name=f"pyeliza-tasks-{runtime.agent_id}")
        return service

    async def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("task tick failed")
            await asyncio.sleep(self.tick_s)

    @property
    def _runtime(self) -> AgentRuntime:
        assert self.runtime is not None
        return self.runtime

    async def tick(self) -> int:
        """Run every due task once; returns how many ran."""
        runtime = self._runtime
        now = now_ms()
        due: list[tuple[Task, TaskWorker]] = []
        for task in await adapter_of(runtime).get_tasks(tags=["queue"]):
            worker = runtime.get_task_worker(task.name)
            if task.id is None or worker is None or "failed" in task.tags or not self._is_due(task, now):
                continue
            if worker.validate is not None:
                try:
                    if not await worker.validate(runtime, None, None):
                        continue
                except Exception:
                    logger.warning("validating task %s (%s) failed; skipped", task.id, task.name, exc_info=True)
                    continue
            due.append((task, worker))
        results = await asyncio.gather(*(self._execute(task, worker) for task, worker in due))
        return sum(results)

    def _is_due(self, task: Task, now: int) -> bool:
        metadata = task.metadata
        if now < _number(metadata.get("nextAttemptAt")):
            return False
        if "repeat" not in task.tags:
            return True
        last = task.updated_at or _number(metadata.get("updatedAt")) or task.created_at or 0
        if "immediate" in task.tags and not metadata.get("lastRunAt"):
            return True
        return now - last >= _number(metadata.get("updateInterval"))

    async def _execute(self, task: Task, worker: TaskWorker) -> bool:
        runtime = self._runtime
        adapter = adapter_of(runtime)
        assert task.id is not None
        interval = int(_number(task.metadata.get("updateInterval")))
        if not await adapter.claim_task(task.id, self.owner, max(MIN_LEASE_MS, interval)):
            return False
        repeating = "repeat" in task.tags
        if repeating:
            now = now_ms()
            metadata = {**task.metadata, "updatedAt": now, "lastRunAt": now}
            await adapter.update_task(task.id, {"metadata": metadata})
        try:
            await worker.execute(runtime, dict(task.metadata), task)
        except Exception as exc:
            logger.exception("task %s (%s) failed", task.id, task.name)
            if not repeating:
                await self._record_failure(task, exc)
            return True
        if not repeating:
            await adapter.delete_task(task.id)
        return True

    async def _record_failure(self, task: Task, exc: Exception) -> None:
        assert task.id is not None
        attempts = int(_number(task.metadata.get("attempts"))) + 1
        metadata = {**task.metadata, "attempts": attempts, "lastError": str(exc) or type(exc).__name__}
        changes: dict[str, Any] = {"metadata": metadata}
        if attempts >= MAX_ATTEMPTS:
            changes["tags"] = [t for t in task.tags if t != "queue"] + ["failed"]
            logger.error("task %s (%s) failed %d times; marked failed", task.id, task.name, attempts)
        else:
            metadata["nextAttemptAt"] = now_ms() + int(min(MAX_BACKOFF_MS, self.backoff_ms * 2 ** (attempts - 1)))
        await adapter_of(self._runtime).update_task(task.id, changes)
