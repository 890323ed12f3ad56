"""One run's summary and timeline, rebuilt from the agent's log rows (``GET /api/agents/:id/runs/:runId``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...types import Log

if TYPE_CHECKING:
    from ...storage import DatabaseAdapter

MAX_RUN_LOGS = 5000


def _event_type(row: Log) -> str:
    if row.type == "run_event":
        status = str(row.body.get("status", ""))
        return "RUN_STARTED" if status == "started" else "RUN_ENDED"
    if row.type.startswith("useModel:"):
        return "MODEL_USED"
    return {
        "action": "ACTION_COMPLETED",
        "action_event": "ACTION_STARTED",
        "evaluator": "EVALUATOR_COMPLETED",
        "embedding_event": "EMBEDDING_EVENT",
    }.get(row.type, row.type.upper())


async def run_detail(adapter: DatabaseAdapter, run_id: str, room_id: str | None) -> dict[str, Any] | None:
    rows = await adapter.get_logs(room_id=room_id, count=MAX_RUN_LOGS)
    mine = sorted((r for r in rows if r.body.get("runId") == run_id), key=lambda r: r.created_at or 0)
    if not mine:
        return None
    events = [{"type": _event_type(r), "timestamp": r.created_at, "data": r.body} for r in mine]
    ends = [r for r in mine if r.type == "run_event" and r.body.get("status") not in (None, "started")]
    started_at = mine[0].created_at
    ended_at = ends[-1].created_at if ends else None
    first_body = mine[0].body
    summary = {
        "runId": run_id,
        "status": str(ends[-1].body.get("status")) if ends else "started",
        "startedAt": started_at,
        "endedAt": ended_at,
        "durationMs": (ended_at - started_at) if ended_at is not None and started_at is not None else None,
        "messageId": first_body.get("messageId"),
        "roomId": mine[0].room_id,
        "entityId": mine[0].entity_id,
        "counts": {
            "actions": sum(1 for e in events if e["type"] == "ACTION_COMPLETED"),
            "modelCalls": sum(1 for e in events if e["type"] == "MODEL_USED"),
            "errors": sum(1 for r in mine if r.body.get("status") == "error" or r.body.get("error")),
            "evaluators": sum(1 for e in events if e["type"] == "EVALUATOR_COMPLETED"),
        },
    }
    return {"summary": summary, "events": events}
