"""Fold ``run_event`` logs (and the logs that carry a ``runId``) into run summaries (reference §5.8)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...types import AgentRunSummary, AgentRunSummaryResult, Log, RunCounts

RUN_EVENT = "run_event"
COUNTED_LOG_TYPES = ("action", "evaluator", "embedding_event")
MODEL_LOG_PREFIX = "useModel:"
_FINAL_STATUSES = {"completed", "timeout", "error"}


def run_event_window(limit: int) -> int:
    """How many newest ``run_event`` rows to read for ``limit`` summaries."""
    return max(20 * limit, 200)


def _fold_event(runs: dict[str, AgentRunSummary], log: Log) -> None:
    body = log.body
    run_id = body.get("runId")
    if not isinstance(run_id, str):
        return
    run = runs.get(run_id)
    if run is None:
        run = AgentRunSummary(run_id=run_id, status="started")
        runs[run_id] = run
    status = str(body.get("status", ""))
    stamp = _as_int(body.get("startTime")) or log.created_at
    for key, attr in (("messageId", "message_id"), ("roomId", "room_id"), ("entityId", "entity_id")):
        if body.get(key) and getattr(run, attr) is None:
            setattr(run, attr, str(body[key]))
    if status == "started":
        if run.started_at is None or (stamp is not None and stamp < run.started_at):
            run.started_at = stamp
    elif status in _FINAL_STATUSES:
        run.status = status
        run.ended_at = _as_int(body.get("endTime")) or log.created_at
        duration = _as_int(body.get("duration"))
        if duration is not None:
            run.duration_ms = duration
        if body.get("error"):
            run.metadata = {**(run.metadata or {}), "error": body["error"]}
    if run.started_at is None and status != "started":
        run.started_at = _as_int(body.get("startTime"))
    if run.duration_ms is None and run.started_at is not None and run.ended_at is not None:
        run.duration_ms = run.ended_at - run.started_at


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _count(counts: RunCounts, log: Log) -> None:
    body = log.body
    if log.type == "action":
        counts.actions += 1
        result = body.get("result")
        if isinstance(result, dict) and result.get("success") is False:
            counts.errors += 1
        counts.model_calls += _as_int(body.get("promptCount")) or 0
    elif log.type == "evaluator":
        counts.evaluators += 1
    elif log.type.startswith(MODEL_LOG_PREFIX):
        counts.model_calls += 1
    elif log.type == "embedding_event" and body.get("status") == "failed":
        counts.errors += 1


def fold_run_summaries(
    run_events: Iterable[Log],
    counted_logs: Iterable[Log],
    *,
    limit: int,
    status: str | None = None,
) -> AgentRunSummaryResult:
    """Summaries of the runs seen in ``run_events``, newest start first, with counts from ``counted_logs``."""
    runs: dict[str, AgentRunSummary] = {}
    for log in sorted(run_events, key=lambda entry: entry.created_at or 0):
        _fold_event(runs, log)
    for log in counted_logs:
        run_id = log.body.get("runId")
        if isinstance(run_id, str) and run_id in runs:
            _count(runs[run_id].counts, log)
    selected = [r for r in runs.values() if status is None or status == "all" or r.status == status]
    selected.sort(key=lambda r: r.started_at or 0, reverse=True)
    return AgentRunSummaryResult(runs=selected[:limit], total=len(selected), has_more=len(selected) > limit)
