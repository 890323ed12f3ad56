"""The per-agent ``DatabaseAdapter`` view of a :class:`PostgresDatabase`, composed from one store per concern."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...adapter import MigrationStatus, PluginSchema
from ..statements import compile_statement, dialect_for
from ._central import CentralStore
from ._entities import EntityStore
from ._logs import LogStore
from ._memories import MemoryStore
from ._pool import Pool
from ._relations import RelationshipStore
from ._rooms import RoomStore
from ._tasks import TaskStore


class PostgresAdapter(MemoryStore, EntityStore, RoomStore, LogStore, RelationshipStore, TaskStore, CentralStore):
    """One agent's view; many views share one database and pool. ``close()`` never closes the shared database."""

    async def init(self) -> None:
        await self._database.open()

    async def is_ready(self) -> bool:
        return self._database.is_open and await self._pool.ping()

    async def close(self) -> None:
        """A view holds no resources of its own; the database stays open for its other users."""

    async def get_connection(self) -> Pool:
        return self._pool

    async def run_plugin_migrations(self, schemas: Sequence[PluginSchema]) -> None:
        await self._database.run_plugin_migrations(schemas)

    async def get_migration_status(self) -> list[MigrationStatus]:
        return await self._database.get_migration_status()

    async def execute_statement(self, statement: Any) -> list[dict[str, Any]]:
        """Run a SQLAlchemy Core statement on a plugin's tables (compiled for asyncpg) in its own transaction.
        Returns the rows (``RETURNING`` rows for writes, ``[]`` without)."""
        compiled = compile_statement(statement, dialect_for("postgresql+asyncpg://"))
        records = await self._pool.fetch("run a plugin statement", compiled.sql, *compiled.parameters)
        return compiled.rows([tuple(record.values()) for record in records], list(records[0].keys()) if records else [])
