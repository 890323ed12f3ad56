"""Tasks: persisted background work with an atomic lease for claiming."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ....errors import InvalidInputError
from ....types import Task, new_uuid, now_ms
from ..codec import check_id, check_optional_id, dump_json, task_from_row
from ._base import StoreBase

_TASK_FIELDS = {(info.alias or name): name for name, info in Task.model_fields.items()}
_UPDATABLE = ("name", "description", "room_id", "world_id", "entity_id", "tags", "metadata")
_ID_FIELDS = frozenset({"room_id", "world_id", "entity_id"})


class TaskStore(StoreBase):
    async def create_task(self, task: Task) -> str:
        task_id = check_id(task.id, "task.id") if task.id else new_uuid()
        now = now_ms()
        await self._pool.execute(
            "create task",
            "INSERT INTO tasks (id, name, description, room_id, world_id, entity_id, agent_id, tags, metadata, "
            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            task_id,
            task.name,
            task.description,
            check_optional_id(task.room_id, "task.room_id"),
            check_optional_id(task.world_id, "task.world_id"),
            check_optional_id(task.entity_id, "task.entity_id"),
            self._agent,
            dump_json([str(tag) for tag in task.tags], "task tags"),
            dump_json(task.metadata, "task metadata"),
            task.created_at or now,
            task.updated_at or now,
        )
        return task_id

    async def get_tasks(
        self,
        *,
        room_id: str | None = None,
        tags: Sequence[str] | None = None,
        entity_id: str | None = None,
    ) -> list[Task]:
        args: list[Any] = [self._agent]
        clauses = ["agent_id = $1"]
        for column, value in (
            ("room_id", check_optional_id(room_id, "room_id")),
            ("entity_id", check_optional_id(entity_id, "entity_id")),
        ):
            if value is not None:
                args.append(value)
                clauses.append(f"{column} = ${len(args)}")
        if tags:
            args.append(dump_json([str(tag) for tag in tags], "tags"))
            clauses.append(f"tags @> ${len(args)}::jsonb")
        rows = await self._pool.fetch(
            "read tasks", f"SELECT * FROM tasks WHERE {' AND '.join(clauses)} ORDER BY created_at, id", *args
        )
        return [task_from_row(row) for row in rows]

    async def get_task(self, task_id: str) -> Task | None:
        row = await self._pool.fetchrow(
            "get task", "SELECT * FROM tasks WHERE id = $1 AND agent_id = $2", check_id(task_id, "task_id"), self._agent
        )
        return None if row is None else task_from_row(row)

    async def get_tasks_by_name(self, name: str) -> list[Task]:
        rows = await self._pool.fetch(
            "read tasks by name",
            "SELECT * FROM tasks WHERE name = $1 AND agent_id = $2 ORDER BY created_at, id",
            name,
            self._agent,
        )
        return [task_from_row(row) for row in rows]

    async def update_task(self, task_id: str, changes: dict[str, Any]) -> None:
        normalised = {_TASK_FIELDS.get(key, key): value for key, value in changes.items()}
        unknown = sorted(set(normalised) - set(_UPDATABLE) - {"id", "updated_at", "created_at"})
        if unknown:
            raise InvalidInputError(f"update_task: unknown task fields {', '.join(unknown)}")
        args: list[Any] = [check_id(task_id, "task_id"), self._agent]
        assignments = []
        for field in _UPDATABLE:
            if field in normalised:
                value = normalised[field]
                if field in _ID_FIELDS:
                    value = check_optional_id(value, f"task.{field}")
                elif field == "tags":
                    value = dump_json([str(tag) for tag in value or []], "task tags")
                elif field == "metadata":
                    value = dump_json(value or {}, "task metadata")
                args.append(value)
                assignments.append(f"{field} = ${len(args)}")
        args.append(now_ms())
        assignments.append(f"updated_at = ${len(args)}")
        await self._pool.execute(
            "update task", f"UPDATE tasks SET {', '.join(assignments)} WHERE id = $1 AND agent_id = $2", *args
        )

    async def delete_task(self, task_id: str) -> None:
        await self._pool.execute(
            "delete task",
            "DELETE FROM tasks WHERE id = $1 AND agent_id = $2",
            check_id(task_id, "task_id"),
            self._agent,
        )

    async def claim_task(self, task_id: str, owner: str, lease_ms: int) -> bool:
        now = now_ms()
        claimed = await self._pool.fetchval(
            "claim task",
            "UPDATE tasks SET lease_owner = $3, lease_expires_at = $4 WHERE id = $1 AND agent_id = $2 "
            "AND (lease_owner IS NULL OR lease_owner = $3 OR lease_expires_at <= $5) RETURNING true",
            check_id(task_id, "task_id"),
            self._agent,
            owner,
            now + lease_ms,
            now,
        )
        return bool(claimed)
