"""Tasks, with atomic leases for the task service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic.alias_generators import to_snake

from ....errors import InvalidInputError
from ....types import Task, new_uuid, now_ms
from ..codec import check_id, check_optional_id, dump_json, task_from_row
from .database import WriteTx
from .store import SqliteStore, placeholders

_UPDATABLE = {"name", "description", "room_id", "world_id", "entity_id", "tags", "metadata"}
_ID_COLUMNS = {"room_id", "world_id", "entity_id"}
_JSON_COLUMNS = {"tags", "metadata"}


class TaskStore(SqliteStore):
    __slots__ = ()

    async def create_task(self, task: Task) -> str:
        now = now_ms()
        values = (
            check_id(task.id or new_uuid(), "task.id"),
            self._agent_id,
            task.name,
            task.description,
            check_optional_id(task.room_id, "task.room_id"),
            check_optional_id(task.world_id, "task.world_id"),
            check_optional_id(task.entity_id, "task.entity_id"),
            dump_json(task.tags, "task tags"),
            dump_json(task.metadata, "task metadata"),
            task.created_at or now,
            task.updated_at or now,
        )
        await self._db.write(
            lambda tx: tx.conn.execute(
                "INSERT INTO tasks (id, agent_id, name, description, room_id, world_id, entity_id, tags, metadata, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        )
        return values[0]

    async def get_tasks(
        self,
        *,
        room_id: str | None = None,
        tags: Sequence[str] | None = None,
        entity_id: str | None = None,
    ) -> list[Task]:
        """This agent's tasks; with ``tags``, only tasks carrying every one of them."""
        sql = "SELECT * FROM tasks WHERE agent_id = ?"
        args: list[Any] = [self._agent_id]
        for column, value in (
            ("room_id", check_optional_id(room_id, "room_id")),
            ("entity_id", check_optional_id(entity_id, "entity_id")),
        ):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        wanted = list(dict.fromkeys(tags or ()))
        if wanted:
            sql += (
                f" AND (SELECT COUNT(DISTINCT t.value) FROM json_each(tasks.tags) t "
                f"WHERE t.value IN ({placeholders(len(wanted))})) = ?"
            )
            args += [*wanted, len(wanted)]
        sql += " ORDER BY created_at, id"
        rows = await self._db.read_remembered(("tasks", sql, *args), lambda c: tuple(c.execute(sql, args)))
        return [task_from_row(r) for r in rows]

    async def get_task(self, task_id: str) -> Task | None:
        args = (check_id(task_id, "task_id"), self._agent_id)
        row = await self._db.read(
            lambda c: c.execute("SELECT * FROM tasks WHERE id = ? AND agent_id = ?", args).fetchone()
        )
        return task_from_row(row) if row else None

    async def get_tasks_by_name(self, name: str) -> list[Task]:
        args = (self._agent_id, name)
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT * FROM tasks WHERE agent_id = ? AND name = ? ORDER BY created_at, id", args
            ).fetchall()
        )
        return [task_from_row(r) for r in rows]

    async def update_task(self, task_id: str, changes: dict[str, Any]) -> None:
        target = check_id(task_id, "task_id")
        assignments: list[str] = []
        args: list[Any] = []
        for raw_key, value in changes.items():
            key = to_snake(raw_key)
            if key not in _UPDATABLE:
                if key in {"id", "updated_at", "created_at", "agent_id"}:
                    continue
                raise InvalidInputError(f"update_task: unknown task field {raw_key!r}")
            if key in _ID_COLUMNS:
                value = check_optional_id(value, f"task.{key}")
            elif key in _JSON_COLUMNS:
                value = dump_json(value if value is not None else ([] if key == "tags" else {}), f"task {key}")
            elif value is None:
                raise InvalidInputError(f"update_task: {raw_key!r} cannot be None")
            assignments.append(f"{key} = ?")
            args.append(value)
        assignments.append("updated_at = ?")
        args += [now_ms(), target, self._agent_id]
        sql = f"UPDATE tasks SET {', '.join(assignments)} WHERE id = ? AND agent_id = ?"
        await self._db.write(lambda tx: tx.conn.execute(sql, args))

    async def delete_task(self, task_id: str) -> None:
        args = (check_id(task_id, "task_id"), self._agent_id)
        await self._db.write(lambda tx: tx.conn.execute("DELETE FROM tasks WHERE id = ? AND agent_id = ?", args))

    async def claim_task(self, task_id: str, owner: str, lease_ms: int) -> bool:
        if lease_ms <= 0:
            raise InvalidInputError(f"lease_ms must be positive, got {lease_ms!r}")
        target = check_id(task_id, "task_id")
        agent = self._agent_id

        def job(tx: WriteTx) -> bool:
            now = now_ms()
            return (
                tx.conn.execute(
                    "UPDATE tasks SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND agent_id = ? AND "
                    "(lease_owner IS NULL OR lease_owner = ? OR lease_expires_at IS NULL OR lease_expires_at <= ?)",
                    (owner, now + lease_ms, target, agent, owner, now),
                ).rowcount
                == 1
            )

        return await self._db.write(job)
