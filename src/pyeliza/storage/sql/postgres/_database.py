"""A shared PostgreSQL database: one asyncpg pool, migrated at open, handing out cheap per-agent adapter views."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from ....errors import StateError
from ...adapter import MigrationStatus, PluginSchema
from ._adapter import PostgresAdapter
from ._config import split_url
from ._errors import translated
from ._migrate import migrate_core, migrate_plugins, migration_status
from ._pool import Pool, connect_single

logger = logging.getLogger("pyeliza.storage.postgres")


class PostgresDatabase:
    """PostgreSQL + pgvector storage shared by many agents.

    ``exact_search=True`` (the default, like SQLite) scans every candidate vector: recall 1.0. ``False`` uses the
    per-dimension HNSW index with iterative scans, so filtered searches still return ``count`` rows; ``ef_search``
    is its candidate list size (pgvector's default is 40; recall on hard data needs more, see the recall test).
    Left unset, both come from the URL (``?pyeliza_search=hnsw&pyeliza_ef_search=100``) or the environment
    (``PYELIZA_PG_SEARCH``, ``PYELIZA_PG_EF_SEARCH``; ``environ`` defaults to ``os.environ``), see ``_config``.
    """

    def __init__(
        self,
        url: str,
        *,
        exact_search: bool | None = None,
        ef_search: int | None = None,
        min_pool_size: int = 1,
        max_pool_size: int = 10,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        driver_url, settings = split_url(url, os.environ if environ is None else environ)
        self._pool = Pool(driver_url, min_size=min_pool_size, max_size=max_pool_size)
        self.exact_search = settings.exact if exact_search is None else exact_search
        self.ef_search = settings.ef_search if ef_search is None else ef_search
        self._dimensions: dict[str, tuple[int, str | None]] = {}
        self._opened = False

    @property
    def pool(self) -> Pool:
        return self._pool

    @property
    def is_open(self) -> bool:
        return self._opened

    async def open(self) -> None:
        """Connect, install pgvector and migrate the core schema (idempotent, safe across processes)."""
        if self._opened:
            return
        connection = await connect_single(self._pool.url)
        try:
            await migrate_core(connection)
        finally:
            with translated("close the migration connection"):
                await connection.close()
        await self._pool.open()
        self._opened = True

    async def close(self) -> None:
        self._opened = False
        self._dimensions.clear()
        await self._pool.close()

    async def __aenter__(self) -> PostgresDatabase:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def adapter(self, agent_id: str) -> PostgresAdapter:
        """A view bound to one agent; closing it leaves this database open."""
        if not self._opened:
            raise StateError("the PostgreSQL database is not open: call `await database.open()` first")
        return PostgresAdapter(self, agent_id)

    async def run_plugin_migrations(self, schemas: Sequence[PluginSchema]) -> None:
        async with self._pool.connection("run plugin migrations") as connection:
            await migrate_plugins(connection, schemas)

    async def get_migration_status(self) -> list[MigrationStatus]:
        async with self._pool.connection("read the migration status") as connection:
            return await migration_status(connection)

    async def fetch(self, query: str, *args: Any) -> list[dict[str, Any]]:
        """Run a raw query (for plugins' own tables) with errors translated to :mod:`pyeliza.errors`."""
        return [dict(row) for row in await self._pool.fetch("run a plugin query", query, *args)]

    async def declared_dimension(self, agent_id: str) -> tuple[int, str | None] | None:
        """The agent's (dimension, model), cached after the first read."""
        cached = self._dimensions.get(agent_id)
        if cached is not None:
            return cached
        row = await self._pool.fetchrow(
            "read the embedding dimension",
            "SELECT dimension, model FROM agent_embedding WHERE agent_id = $1",
            agent_id,
        )
        if row is None:
            return None
        self._dimensions[agent_id] = (row["dimension"], row["model"])
        return self._dimensions[agent_id]

    def remember_dimension(self, agent_id: str, dimension: int, model: str | None) -> None:
        self._dimensions[agent_id] = (dimension, model)

    def forget_dimension(self, agent_id: str) -> None:
        self._dimensions.pop(agent_id, None)
