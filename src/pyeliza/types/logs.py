"""Log rows and run summaries."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from ._base import ElizaModel
from .ids import UUID


class RunStatus(StrEnum):
    STARTED = "started"
    COMPLETED = "completed"
    TIMEOUT = "timeout"
    ERROR = "error"
    SUPERSEDED = "superseded"


class Log(ElizaModel):
    """One log row: model calls, actions, evaluators, run and embedding events."""

    id: UUID | None = None
    entity_id: UUID
    room_id: UUID | None = None
    body: dict[str, Any] = Field(default_factory=dict)
    type: str
    created_at: int | None = None


class RunCounts(ElizaModel):
    actions: int = 0
    model_calls: int = 0
    errors: int = 0
    evaluators: int = 0


class AgentRunSummary(ElizaModel):
    run_id: str
    status: str
    started_at: int | None = None
    ended_at: int | None = None
    duration_ms: int | None = None
    message_id: str | None = None
    room_id: str | None = None
    entity_id: str | None = None
    metadata: dict[str, Any] | None = None
    counts: RunCounts = Field(default_factory=RunCounts)


class AgentRunSummaryResult(ElizaModel):
    runs: list[AgentRunSummary]
    total: int
    has_more: bool
