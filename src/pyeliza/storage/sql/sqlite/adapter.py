"""The SQLite ``DatabaseAdapter``: a cheap per-agent view over a shared :class:`SqliteDatabase`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...adapter import MigrationStatus, PluginSchema
from .agents import AgentStore
from .entities import EntityStore
from .logs import LogStore
from .memories import MemoryStore
from .messaging import MessagingStore
from .rooms import RoomStore
from .tasks import TaskStore

if TYPE_CHECKING:
    from ..statements import CompiledStatement
    from .database import SqliteDatabase


class SqliteAdapter(AgentStore, EntityStore, MemoryStore, RoomStore, LogStore, TaskStore, MessagingStore):
    """Every ``DatabaseAdapter`` method for one agent; ``owns_database`` adapters close the database on close."""

    __slots__ = ("_owns_database",)

    def __init__(self, db: SqliteDatabase, agent_id: str, *, owns_database: bool = False) -> None:
        super().__init__(db, agent_id)
        self._owns_database = owns_database

    @property
    def database(self) -> SqliteDatabase:
        return self._db

    async def init(self) -> None:
        await self._db.open()

    async def is_ready(self) -> bool:
        if not self._db.is_open or not await self._db.file_exists():
            return False
        return bool(await self._db.read(lambda c: c.execute("SELECT 1").fetchone()[0] == 1))

    async def close(self) -> None:
        if self._owns_database:
            await self._db.close()

    async def get_connection(self) -> SqliteDatabase:
        return self._db

    async def run_plugin_migrations(self, schemas: Sequence[PluginSchema]) -> None:
        await self._db.run_plugin_migrations(schemas)

    async def get_migration_status(self) -> list[MigrationStatus]:
        return await self._db.get_migration_status()

    async def execute_statement(self, statement: Any) -> list[dict[str, Any]]:
        """Run a SQLAlchemy Core statement on a plugin's tables: reads on the reader thread, writes in one
        write transaction. Returns the rows (``RETURNING`` rows for writes, ``[]`` without). SQLAlchemy's
        compiler is imported on first use, so opening a database does not pay for it."""
        from ..statements import compile_statement, dialect_for

        compiled = compile_statement(statement, dialect_for("sqlite://"))

        def run(conn: sqlite3.Connection) -> list[dict[str, Any]]:
            return _run_compiled(conn, compiled)

        if compiled.is_select:
            return await self._db.read(run)
        return await self._db.write(lambda tx: run(tx.conn))


def _run_compiled(conn: sqlite3.Connection, compiled: CompiledStatement) -> list[dict[str, Any]]:
    cursor = conn.execute(compiled.sql, compiled.parameters)
    rows = cursor.fetchall()
    names = [column[0] for column in cursor.description or ()]
    return compiled.rows(rows, names)
