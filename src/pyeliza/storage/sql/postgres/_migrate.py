"""Migrations on PostgreSQL through the shared planner (``storage.sql.migrations``), under advisory locks.

Each plugin migrates in one transaction on one session holding ``pg_advisory_lock(key(plugin))``, so two
processes starting at once take turns: the second finds the checksum recorded and does nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager

import asyncpg
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql

from ....errors import MigrationError, PyElizaError
from ....types import now_ms
from ...adapter import MigrationStatus, PluginSchema
from ..migrations import MIGRATIONS_TABLE, bookkeeping_ddl, destructive_allowed, plan_migration
from ..schema import CORE_PLUGIN, build_core_metadata
from ._errors import translate
from ._schema import VECTOR_EXTENSION, VECTOR_PLUGIN, vector_index_ddl

logger = logging.getLogger("pyeliza.storage.postgres")

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def advisory_lock_key(plugin_name: str) -> int:
    """First 8 bytes of sha256(plugin name), masked to 63 bits (a non-negative bigint)."""
    digest = hashlib.sha256(plugin_name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") & ((1 << 63) - 1)


async def migrate_core(connection: asyncpg.Connection) -> None:
    """Install pgvector, migrate the core tables and make sure every per-dimension HNSW index exists."""
    async with _locked(connection, VECTOR_PLUGIN):
        with _migration_errors(VECTOR_PLUGIN):
            await connection.execute(VECTOR_EXTENSION)
    await migrate_metadata(connection, CORE_PLUGIN, build_core_metadata(), after=vector_index_ddl())


async def migrate_plugins(connection: asyncpg.Connection, schemas: Sequence[PluginSchema]) -> None:
    for schema in schemas:
        await migrate_metadata(connection, schema.plugin_name, schema.metadata)


async def migrate_metadata(
    connection: asyncpg.Connection, plugin: str, metadata: MetaData, *, after: Sequence[str] = ()
) -> None:
    """Bring ``plugin``'s tables up to ``metadata`` and record the new version, all in one transaction."""
    async with _locked(connection, plugin):
        with _migration_errors(plugin):
            await _migrate_in_transaction(connection, plugin, metadata, after)


async def migration_status(connection: asyncpg.Connection) -> list[MigrationStatus]:
    try:
        rows = await connection.fetch(
            f"SELECT plugin, version, checksum, applied_at FROM {MIGRATIONS_TABLE} ORDER BY plugin, version"
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        raise translate(exc, "read the migration status") from exc
    return [MigrationStatus(r["plugin"], r["version"], r["checksum"], r["applied_at"]) for r in rows]


async def _migrate_in_transaction(
    connection: asyncpg.Connection, plugin: str, metadata: MetaData, after: Sequence[str]
) -> None:
    async with connection.transaction():
        for statement in bookkeeping_ddl(_DIALECT):
            await connection.execute(statement)
        last = await connection.fetchrow(
            f"SELECT version, checksum, snapshot FROM {MIGRATIONS_TABLE} WHERE plugin = $1 "
            "ORDER BY version DESC LIMIT 1",
            plugin,
        )
        previous = None if last is None else (last["version"], last["checksum"], json.loads(last["snapshot"]))
        plan = plan_migration(plugin, metadata, _DIALECT, previous, allow_destructive=destructive_allowed())
        if plan is not None:
            for statement in plan.statements:
                await connection.execute(statement)
            await connection.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (plugin, version, checksum, snapshot, applied_at) "
                "VALUES ($1, $2, $3, $4, $5)",
                plan.plugin,
                plan.version,
                plan.checksum,
                plan.snapshot_json,
                now_ms(),
            )
            logger.info("migrated %s to version %d (%d statements)", plugin, plan.version, len(plan.statements))
        for statement in after:
            await connection.execute(statement)


@contextmanager
def _migration_errors(plugin: str) -> Iterator[None]:
    """Driver errors become :class:`MigrationError` naming the plugin."""
    try:
        yield
    except PyElizaError:
        raise
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        raise MigrationError(f"migrating {plugin} on PostgreSQL failed: {translate(exc, 'migrate')}") from exc


@asynccontextmanager
async def _locked(connection: asyncpg.Connection, plugin: str) -> AsyncIterator[None]:
    """Hold the plugin's session advisory lock for the block (released even when the block fails)."""
    key = advisory_lock_key(plugin)
    with _migration_errors(plugin):
        await connection.execute("SELECT pg_advisory_lock($1)", key)
    try:
        yield
    finally:
        if not connection.is_closed():
            with _migration_errors(plugin):
                await connection.execute("SELECT pg_advisory_unlock($1)", key)
