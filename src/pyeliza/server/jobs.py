"""One-shot jobs (reference §8.8, with §10.46 fixed): a prompt to an agent whose answer is polled later.

A job completes when the agent's reply is stored in the job's channel: the store listens on the in-process bus
for ``reply_published`` (the reference waited for a ``new_message`` the agent never sent, so jobs always timed
out). Timeouts are event-loop timers, so pending jobs hold no task and never delay shutdown.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..types import CentralMessage, now_ms
from .agent_connector import REPLY_PUBLISHED
from .bus import MessageBus

DEFAULT_TIMEOUT_MS = 30_000
MIN_TIMEOUT_MS = 1_000
MAX_TIMEOUT_MS = 300_000
FINISHED_KEPT_MS = 60 * 60_000
"""Finished jobs stay readable for an hour."""


class JobStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"


@dataclass
class Job:
    id: str
    agent_id: str
    user_id: str
    channel_id: str
    prompt: str
    timeout_ms: int
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: int = field(default_factory=now_ms)
    status: JobStatus = JobStatus.PENDING
    result: dict[str, Any] | None = None
    error: str | None = None
    finished_at: int | None = None
    timer: asyncio.TimerHandle | None = None

    @property
    def expires_at(self) -> int:
        return self.created_at + self.timeout_ms

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "jobId": self.id,
            "status": str(self.status),
            "agentId": self.agent_id,
            "userId": self.user_id,
            "prompt": self.prompt,
            "createdAt": self.created_at,
            "expiresAt": self.expires_at,
        }
        if self.result is not None:
            data["result"] = self.result
        if self.error is not None:
            data["error"] = self.error
        return data


class JobStore:
    """Live jobs; completes them from the bus and times them out with loop timers."""

    def __init__(self, bus: MessageBus) -> None:
        self._jobs: dict[str, Job] = {}
        self._by_channel: dict[str, Job] = {}
        bus.subscribe(REPLY_PUBLISHED, self.on_reply)

    def add(self, job: Job) -> None:
        """Track ``job`` (call before its prompt reaches the agent, so no reply can be missed)."""
        self._purge()
        job.status = JobStatus.PROCESSING
        job.timer = asyncio.get_running_loop().call_later(job.timeout_ms / 1000, self._time_out, job.id)
        self._jobs[job.id] = job
        self._by_channel[job.channel_id] = job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        self._purge()
        return sorted(self._jobs.values(), key=lambda j: j.created_at, reverse=True)

    def fail(self, job_id: str, error: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None and job.status == JobStatus.PROCESSING:
            self._finish(job, JobStatus.FAILED)
            job.error = error

    async def on_reply(self, payload: dict[str, Any]) -> None:
        """Bus handler: the first agent reply in a job's channel completes it."""
        message = payload.get("message")
        if not isinstance(message, CentralMessage):
            return
        job = self._by_channel.get(message.channel_id)
        if job is None or job.status != JobStatus.PROCESSING or message.author_id != job.agent_id:
            return
        self._finish(job, JobStatus.COMPLETED)
        job.result = {
            "message": {
                "id": message.id,
                "content": message.content,
                "authorId": message.author_id,
                "createdAt": message.created_at,
                "metadata": message.metadata or {},
            },
            "processingTimeMs": (message.created_at or now_ms()) - job.created_at,
        }

    def close(self) -> None:
        for job in self._jobs.values():
            if job.timer is not None:
                job.timer.cancel()

    def _time_out(self, job_id: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None and job.status == JobStatus.PROCESSING:
            self._finish(job, JobStatus.TIMEOUT)
            job.error = f"the agent did not answer within {job.timeout_ms} ms"

    def _finish(self, job: Job, status: JobStatus) -> None:
        job.status = status
        job.finished_at = now_ms()
        if job.timer is not None:
            job.timer.cancel()
            job.timer = None
        self._by_channel.pop(job.channel_id, None)

    def _purge(self) -> None:
        cutoff = now_ms() - FINISHED_KEPT_MS
        for job_id in [k for k, j in self._jobs.items() if j.finished_at is not None and j.finished_at < cutoff]:
            del self._jobs[job_id]

    def counts(self) -> dict[str, int]:
        counts = {str(status): 0 for status in JobStatus}
        for job in self._jobs.values():
            counts[str(job.status)] += 1
        return counts
