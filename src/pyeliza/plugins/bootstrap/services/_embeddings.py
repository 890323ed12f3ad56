"""EmbeddingGenerationService (``embedding-generation``): embeds memories in the background — §7.6.2.

Requests arrive as EMBEDDING_GENERATION_REQUESTED events. The queue is bounded (``MAX_QUEUE``); when full, the
lowest-priority oldest items are evicted. A worker wakes on new items (no polling), embeds batches of up to
``BATCH_SIZE`` concurrently, writes the vector with ``update_memory`` and retries failures up to ``maxRetries``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from ....errors import PyElizaError
from ....types import EventPayload, EventType, Log, Memory, ModelType, Service, ServiceType, now_ms
from .._support import adapter_of

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap.embeddings")

MAX_QUEUE = 1000
BATCH_SIZE = 10
PRIORITIES = ("high", "normal", "low")


@dataclass
class EmbeddingRequest:
    memory: Memory
    priority: str
    retry_count: int = 0
    max_retries: int = 3
    run_id: str | None = None


class EmbeddingQueue:
    """Three FIFO lanes (high, normal, low); ``pop`` takes from the highest lane, eviction from the lowest."""

    def __init__(self, capacity: int = MAX_QUEUE) -> None:
        self.capacity = capacity
        self._lanes: dict[str, deque[EmbeddingRequest]] = {p: deque() for p in PRIORITIES}

    def __len__(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    def push(self, request: EmbeddingRequest) -> list[EmbeddingRequest]:
        """Add a request; returns the requests evicted to make room."""
        evicted: list[EmbeddingRequest] = []
        if len(self) >= self.capacity:
            to_evict = min(10, max(1, self.capacity // 10))
            for priority in reversed(PRIORITIES):
                lane = self._lanes[priority]
                while lane and len(evicted) < to_evict:
                    evicted.append(lane.popleft())
        lane_name = request.priority if request.priority in self._lanes else "normal"
        self._lanes[lane_name].append(request)
        return evicted

    def pop_batch(self, size: int) -> list[EmbeddingRequest]:
        batch: list[EmbeddingRequest] = []
        for priority in PRIORITIES:
            lane = self._lanes[priority]
            while lane and len(batch) < size:
                batch.append(lane.popleft())
        return batch


class EmbeddingGenerationService(Service):
    service_type: ClassVar[str] = ServiceType.EMBEDDING_GENERATION
    capability_description: ClassVar[str] = "Generates memory embeddings in the background"

    def __init__(self, runtime: AgentRuntime | None = None) -> None:
        super().__init__(runtime)
        self.queue = EmbeddingQueue()
        self.enabled = False
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._worker: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, runtime: AgentRuntime) -> Self:
        service = cls(runtime)
        if not runtime.models.get(ModelType.TEXT_EMBEDDING):
            logger.info("no TEXT_EMBEDDING model: background embedding disabled for %s", runtime.character.name)
            return service
        service.enabled = True
        runtime.register_event(EventType.EMBEDDING_GENERATION_REQUESTED, service._on_request)
        service._worker = asyncio.create_task(service._run(), name=f"pyeliza-embeddings-{runtime.agent_id}")
        return service

    async def stop(self) -> None:
        self.enabled = False
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def wait_idle(self) -> None:
        """Wait until every queued request was processed (useful in tests and at shutdown)."""
        await self._idle.wait()

    async def _on_request(self, payload: EventPayload) -> None:
        memory = payload.get("memory")
        if not self.enabled or not isinstance(memory, Memory) or memory.embedding is not None or memory.id is None:
            return
        self._enqueue(
            EmbeddingRequest(
                memory=memory,
                priority=str(payload.get("priority") or "normal"),
                retry_count=int(payload.get("retryCount") or 0),
                max_retries=int(payload.get("maxRetries") or 3),
                run_id=payload.get("runId"),
            )
        )

    def _enqueue(self, request: EmbeddingRequest) -> None:
        for dropped in self.queue.push(request):
            logger.warning("embedding queue full: dropped the request for memory %s", dropped.memory.id)
        self._idle.clear()
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while batch := self.queue.pop_batch(BATCH_SIZE):
                if len(batch) == 1:  # the usual case while messages arrive one by one: no task to gather
                    await self._process(batch[0])
                else:
                    await asyncio.gather(*(self._process(request) for request in batch))
            if not len(self.queue):
                self._idle.set()

    @property
    def _runtime(self) -> AgentRuntime:
        assert self.runtime is not None
        return self.runtime

    async def _process(self, request: EmbeddingRequest) -> None:
        runtime = self._runtime
        memory = request.memory
        if not memory.content.text:
            return
        started = time.perf_counter()
        try:
            vector = await runtime.use_model(ModelType.TEXT_EMBEDDING, {"text": memory.content.text})
            await adapter_of(runtime).update_memory({"id": memory.id, "embedding": vector})
        except (PyElizaError, OSError) as exc:
            await self._failed(request, exc)
            return
        await self._log(request, "completed", duration_ms=round((time.perf_counter() - started) * 1000, 2))
        await runtime.emit_event(
            EventType.EMBEDDING_GENERATION_COMPLETED, {"memoryId": memory.id, "runId": request.run_id}
        )

    async def _failed(self, request: EmbeddingRequest, exc: Exception) -> None:
        if request.retry_count + 1 < request.max_retries:
            request.retry_count += 1
            self._enqueue(request)
            return
        logger.error("embedding memory %s failed after %d attempts: %s", request.memory.id, request.max_retries, exc)
        await self._log(request, "failed", error=str(exc))
        await self._runtime.emit_event(
            EventType.EMBEDDING_GENERATION_FAILED,
            {"memoryId": request.memory.id, "error": str(exc), "runId": request.run_id},
        )

    async def _log(self, request: EmbeddingRequest, status: str, **extra: Any) -> None:
        memory = request.memory
        body = {"status": status, "memoryId": memory.id, "runId": request.run_id, "priority": request.priority, **extra}
        try:
            await adapter_of(self._runtime).log(
                Log(
                    entity_id=self._runtime.agent_id,
                    room_id=memory.room_id,
                    type="embedding_event",
                    body=body,
                    created_at=now_ms(),
                )
            )
        except PyElizaError:
            logger.warning("could not write the embedding_event log of memory %s", memory.id, exc_info=True)
