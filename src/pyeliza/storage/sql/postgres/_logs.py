"""Log rows and the run summaries folded from them."""

from __future__ import annotations

from typing import Any

from ....errors import InvalidInputError
from ....types import AgentRunSummaryResult, Log, now_ms
from ....types.ids import new_ordered_uuid
from ..codec import check_id, check_optional_id, dump_log_body, log_from_row
from ..run_summaries import COUNTED_LOG_TYPES, MODEL_LOG_PREFIX, RUN_EVENT, fold_run_summaries, run_event_window
from ._base import StoreBase


class LogStore(StoreBase):
    async def log(self, entry: Log) -> None:
        await self._pool.execute(
            "write log",
            "INSERT INTO logs (id, agent_id, entity_id, room_id, body, type, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            check_id(entry.id, "log.id") if entry.id else new_ordered_uuid(),
            self._agent,
            check_id(entry.entity_id, "log.entity_id"),
            check_optional_id(entry.room_id, "log.room_id"),
            dump_log_body(entry.body, "log body"),
            entry.type,
            entry.created_at or now_ms(),
        )

    async def get_logs(
        self,
        *,
        entity_id: str | None = None,
        room_id: str | None = None,
        type: str | None = None,
        count: int = 10,
        offset: int = 0,
    ) -> list[Log]:
        if count < 0 or offset < 0:
            raise InvalidInputError(f"count and offset must be >= 0, got count={count} offset={offset}")
        args: list[Any] = []
        clauses = ["TRUE"]
        for column, value in (
            ("entity_id", check_optional_id(entity_id, "entity_id")),
            ("room_id", check_optional_id(room_id, "room_id")),
            ("type", type),
        ):
            if value is not None:
                args.append(value)
                clauses.append(f"{column} = ${len(args)}")
        args.extend([count, offset])
        rows = await self._pool.fetch(
            "read logs",
            f"SELECT * FROM logs WHERE {' AND '.join(clauses)} ORDER BY created_at DESC, id DESC "
            f"LIMIT ${len(args) - 1} OFFSET ${len(args)}",
            *args,
        )
        return [log_from_row(row) for row in rows]

    async def delete_log(self, log_id: str) -> None:
        await self._pool.execute("delete log", "DELETE FROM logs WHERE id = $1", check_id(log_id, "log_id"))

    async def get_agent_run_summaries(
        self,
        *,
        limit: int = 20,
        room_id: str | None = None,
        status: str | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> AgentRunSummaryResult:
        limit = max(1, min(100, limit))
        args: list[Any] = [self._agent]
        clauses = [f"l.type = '{RUN_EVENT}'", "r.agent_id = $1"]
        for condition, value in (
            ("l.room_id = ${}", check_optional_id(room_id, "room_id")),
            ("l.created_at >= ${}", start),
            ("l.created_at <= ${}", end),
        ):
            if value is not None:
                args.append(value)
                clauses.append(condition.format(len(args)))
        args.append(run_event_window(limit))
        rows = await self._pool.fetch(
            "read run events",
            f"SELECT l.* FROM logs l JOIN rooms r ON r.id = l.room_id WHERE {' AND '.join(clauses)} "
            f"ORDER BY l.created_at DESC LIMIT ${len(args)}",
            *args,
        )
        events = [log_from_row(row) for row in rows]
        run_ids = sorted({str(e.body["runId"]) for e in events if isinstance(e.body.get("runId"), str)})
        details = await self._pool.fetch(
            "read run details",
            "SELECT * FROM logs WHERE agent_id = $1 AND body->>'runId' = ANY($2::text[]) "
            "AND (type = ANY($3::text[]) OR type LIKE $4)",
            self._agent,
            run_ids,
            list(COUNTED_LOG_TYPES),
            MODEL_LOG_PREFIX + "%",
        )
        return fold_run_summaries(events, [log_from_row(row) for row in details], limit=limit, status=status)
