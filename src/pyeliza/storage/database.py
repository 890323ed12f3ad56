"""The ``Database`` contract: a shared, async-context-managed store handing out per-agent adapters."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from .adapter import DatabaseAdapter, MigrationStatus, PluginSchema


@runtime_checkable
class Database(Protocol):
    """One open database shared by many agents (SQLite file or PostgreSQL server)."""

    @property
    def is_open(self) -> bool: ...

    async def open(self) -> None:
        """Connect and migrate the core schema (idempotent)."""

    async def close(self) -> None: ...
    def adapter(self, agent_id: str) -> DatabaseAdapter:
        """A cheap view bound to ``agent_id``; closing the view leaves the database open."""

    async def run_plugin_migrations(self, schemas: Sequence[PluginSchema]) -> None: ...
    async def get_migration_status(self) -> list[MigrationStatus]: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
