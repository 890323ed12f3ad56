"""The base of the SQLite adapter's stores: the database, the bound agent id and small SQL helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ....errors import IntegrityError
from ..codec import check_id

if TYPE_CHECKING:
    from .database import SqliteDatabase


def placeholders(count: int) -> str:
    return ",".join("?" * count)


def require_row(conn: sqlite3.Connection, table: str, row_id: str, what: str) -> None:
    """Raise :class:`IntegrityError` naming ``row_id`` when ``table`` has no such id."""
    if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is None:
        raise IntegrityError(f"unknown {what} {row_id}: no row with that id in {table}")


def diagnose_missing(conn: sqlite3.Connection, checks: Sequence[tuple[str, str, str]]) -> None:
    """After a foreign-key failure: raise :class:`IntegrityError` naming the first (table, id, what) missing."""
    for table, row_id, what in checks:
        require_row(conn, table, row_id, what)


def chunks(values: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class SqliteStore:
    """State shared by every store mixin: the database and this adapter's agent id."""

    __slots__ = ("_agent_id", "_db")

    def __init__(self, db: SqliteDatabase, agent_id: str) -> None:
        self._db = db
        self._agent_id = check_id(agent_id, "agent_id")

    @property
    def agent_id(self) -> str:
        return self._agent_id
