"""The SQLite database shared by many agents: one writer thread, one reader thread, vector indexes.

Writes run in ``BEGIN IMMEDIATE`` transactions on the writer thread (writes queued together share one commit,
``transactions.py``); work that must follow a commit (vector index updates) is queued on the transaction and
runs only once the commit succeeded. The vector indexes are mutated only by the writer thread, so an index load
can never interleave with a write.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Hashable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ....errors import MigrationError, StorageError
from ....types import now_ms
from ...adapter import MigrationStatus, PluginSchema
from .core_fingerprint import core_is_current, record_fingerprint
from .durability import SYNC_INTERVAL_S, Synchronous, WalSync, synchronous_from_env
from .lockfile import DatabaseLock
from .log_rows import LogRowBatch
from .recent import MISSING, RecentMemories
from .transactions import Outcome, RelaxedWrite, WriteTx, only_relaxed, run_group
from .transactions import run_transaction as _transaction
from .vector_index import RowKeys, VectorIndex
from .worker import SqliteWorker

if TYPE_CHECKING:
    from sqlalchemy import Dialect

    from .adapter import SqliteAdapter

T = TypeVar("T")
V = TypeVar("V")
logger = logging.getLogger("pyeliza.storage.sqlite")
BUSY_TIMEOUT_MS = 5000
LOAD_CHUNK_ROWS = 4096


def _writer_setup(synchronous: Synchronous) -> Callable[[sqlite3.Connection], None]:
    def setup(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StorageError(f"SQLite refused WAL mode (got {mode})")
        conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
        conn.execute("PRAGMA foreign_keys=ON")

    return setup


def _setup_reader(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA query_only=ON")


def _nothing(conn: sqlite3.Connection) -> None:
    """The writer's barrier job: when it finishes, every job queued before it has run."""


class SqliteDatabase:
    """An open SQLite file. ``adapter(agent_id)`` gives cheap per-agent views of it.

    ``synchronous``: when commits are fsynced (``durability.py``); default ``$PYELIZA_SQLITE_SYNCHRONOUS`` or
    ``normal``. ``sync_interval_s``: how long a change may stay without an fsync.
    """

    dialect_name = "sqlite"

    def __init__(
        self, path: str, *, synchronous: Synchronous | None = None, sync_interval_s: float = SYNC_INTERVAL_S
    ) -> None:
        self.path = os.path.abspath(path)
        self.url = f"sqlite:///{self.path}"
        self.synchronous: Synchronous = synchronous or synchronous_from_env()
        self.wal_sync = WalSync(self.path, sync_interval_s)
        self._lock = DatabaseLock(self.path)
        self._writer = SqliteWorker(
            self.path,
            "pyeliza-sqlite-writer",
            _writer_setup(self.synchronous),
            self._run_write_group,
            housekeeping=self.wal_sync,
        )
        self._reader = SqliteWorker(self.path, "pyeliza-sqlite-reader", _setup_reader)
        self._opened = False
        self._dialect: Dialect | None = None
        self.indexes: dict[str, VectorIndex] = {}
        self.dimensions: dict[str, tuple[int, str | None] | None] = {}
        self.recent = RecentMemories()
        self._detached_since_barrier = False
        self.log_rows = LogRowBatch(lambda job: self.write_detached(job, what="a batch of log rows"))
        self._barrier: asyncio.Future[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._opened and self._writer.alive and self._reader.alive

    async def open(self) -> None:
        """Lock the file, start the threads and migrate the core schema (idempotent)."""
        if self._opened:
            return
        await asyncio.to_thread(self._prepare_file)
        try:
            await self._writer.start()
            await self._migrate_core()
            await self._reader.start()
        except BaseException:
            await self._writer.stop()
            self._lock.release()
            raise
        self._opened = True
        logger.debug("opened SQLite database %s", self.path)

    def _prepare_file(self) -> None:
        if os.path.isdir(self.path):
            raise StorageError(f"SQLite database path {self.path} is a directory")
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the directory of SQLite database {self.path}: {exc}") from exc
        self._lock.acquire()

    async def close(self) -> None:
        if not self._opened:
            return
        self._opened = False
        await self._reader.stop()
        await self._writer.stop()
        self._lock.release()
        self.indexes.clear()
        self.dimensions.clear()
        self.recent.clear()
        logger.debug("closed SQLite database %s", self.path)

    async def __aenter__(self) -> SqliteDatabase:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def adapter(self, agent_id: str) -> SqliteAdapter:
        from .adapter import SqliteAdapter

        return SqliteAdapter(self, agent_id)

    # -- running jobs ------------------------------------------------------------------------------------
    def _check_open(self) -> None:
        if not self._opened:
            raise StorageError(f"SQLite database {self.path} is not open (call open() first, or it was closed)")

    async def read(self, job: Callable[[sqlite3.Connection], T]) -> T:
        self._check_open()
        return await self._reader.submit(job)

    async def read_remembered(
        self, key: Hashable, job: Callable[[sqlite3.Connection], T], *, counted_up: bool = False
    ) -> T:
        """``read(job)`` answered from the rows remembered under ``key`` when it can be (``recent.py``).

        Only for reads of tables that nothing but window-dropping writes change; ``job`` returns immutable rows
        (the caller decodes them), and ``key`` names the query and every argument. A hit does not suspend.
        ``counted_up``: the result is a count that ``create_memory`` keeps up to date, so it is kept only when no
        insert overlapped the read (the read could include a row that the insert then counts again).
        """
        recent = self.recent
        rows = recent.remembered(key)
        if rows is not MISSING:
            return rows  # type: ignore[no-any-return]
        quiet, generation = recent.inserting == 0, recent.generation
        rows = await self.read(job)
        if not counted_up or (quiet and recent.inserting == 0):
            recent.remember(key, rows, generation)
        return rows  # type: ignore[no-any-return]

    async def read_shared(
        self, key: Hashable, job: Callable[[sqlite3.Connection], T], decode: Callable[[T], tuple[V, ...]]
    ) -> list[V]:
        """``decode(read_remembered(key, job))`` for a reader that only looks: ``decode`` makes read-only
        snapshots, made once per remembered result and shared by such readers (each gets its own list)."""
        rows = await self.read_remembered(key, job)
        return list(self.recent.decoded(key, rows, decode))

    async def write(
        self,
        job: Callable[[WriteTx], T],
        *,
        begin: str = "BEGIN IMMEDIATE",
        relaxed: bool = False,
        keeps_recent: bool = False,
    ) -> T:
        """Run ``job`` in a write transaction; writes queued at the same moment share one commit.

        ``relaxed`` (log rows): the commit may skip the fsync (``durability.py``); a relaxed job
        may only insert log rows. Unless ``relaxed`` or ``keeps_recent`` (the caller updates ``self.recent``
        itself), the windows of recent memories are dropped before and after the write (``recent.py``).
        """
        self._check_open()
        if relaxed or keeps_recent:
            return await self._submit_write(job, begin, relaxed)
        self.recent.clear()
        try:
            return await self._submit_write(job, begin, relaxed)
        finally:
            self.recent.clear()

    def write_detached(self, job: Callable[[WriteTx], object], *, what: str) -> None:
        """Queue a relaxed write (a log row) without waiting for it; a failure is logged as ``what``, never raised.

        ``detached_writes_done()`` waits until every write queued so far has been committed.
        """
        self._check_open()
        self._writer.submit_detached(RelaxedWrite(job), what=what)
        self._detached_since_barrier = True

    async def detached_writes_done(self) -> None:
        """Return once every ``write_detached`` job queued before this call has run (readers of logs call it)."""
        if self._detached_since_barrier:
            self._detached_since_barrier = False
            self._writer.flush_detached()
            self._barrier = self._writer.submit(_nothing)
        if self._barrier is not None and not self._barrier.done():
            await asyncio.shield(self._barrier)

    async def _submit_write(self, job: Callable[[WriteTx], T], begin: str, relaxed: bool) -> T:
        if begin == "BEGIN IMMEDIATE":
            return await self._writer.submit(RelaxedWrite(job) if relaxed else job, grouped=True)
        return await self._writer.submit(lambda conn: _transaction(conn, job, begin, self.path))

    def _run_write_group(self, conn: sqlite3.Connection, jobs: Sequence[Callable[[WriteTx], object]]) -> list[Outcome]:
        """With ``synchronous=full``, a group of log rows only commits without the fsync (``durability.py``)."""
        relax = self.synchronous == "full" and only_relaxed(jobs)
        if relax:
            conn.execute("PRAGMA synchronous=NORMAL")
        try:
            return run_group(conn, jobs, self.path, self.drop_indexes)
        finally:
            if relax:
                conn.execute("PRAGMA synchronous=FULL")

    async def on_writer(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``job`` on the writer thread outside a transaction (index loads)."""
        self._check_open()
        self.recent.clear()
        try:
            return await self._writer.submit(job)
        finally:
            self.recent.clear()

    # -- migrations --------------------------------------------------------------------------------------
    async def _migrate_core(self) -> None:
        """Migrate the core schema unless the file records the fingerprint of this code's core schema
        (``core_fingerprint.py``): a restart on a migrated file then never imports SQLAlchemy."""
        current, fingerprint = await self._writer.submit(core_is_current)
        if current:
            return
        from ..schema import CORE_PLUGIN, build_core_metadata

        await self.run_plugin_migrations([PluginSchema(CORE_PLUGIN, build_core_metadata())])
        if fingerprint is not None:
            await self._writer.submit(lambda conn: record_fingerprint(conn, fingerprint))

    def _sqlite_dialect(self) -> Dialect:
        if self._dialect is None:
            from sqlalchemy.dialects import sqlite as sqlite_dialect

            self._dialect = sqlite_dialect.dialect()
        return self._dialect

    async def run_plugin_migrations(self, schemas: Sequence[PluginSchema]) -> None:
        from ..migrations import destructive_allowed

        allow = destructive_allowed()
        for schema in schemas:

            def job(conn: sqlite3.Connection, schema: PluginSchema = schema) -> None:
                _transaction(conn, lambda tx: self._migrate(tx, schema, allow), "BEGIN EXCLUSIVE")

            self.recent.clear()
            try:
                await self._writer.submit(job)
            finally:
                self.recent.clear()

    def _migrate(self, tx: WriteTx, schema: PluginSchema, allow: bool) -> None:
        from ..migrations import MIGRATIONS_TABLE, bookkeeping_ddl, plan_migration

        dialect = self._sqlite_dialect()
        for statement in bookkeeping_ddl(dialect):
            tx.conn.execute(statement)
        row = tx.conn.execute(
            f"SELECT version, checksum, snapshot FROM {MIGRATIONS_TABLE} WHERE plugin = ? "
            "ORDER BY version DESC LIMIT 1",
            (schema.plugin_name,),
        ).fetchone()
        previous = (int(row[0]), str(row[1]), json.loads(row[2])) if row else None
        plan = plan_migration(schema.plugin_name, schema.metadata, dialect, previous, allow_destructive=allow)
        if plan is None:
            return
        for statement in plan.statements:
            try:
                tx.conn.execute(statement)
            except sqlite3.Error as exc:
                raise MigrationError(
                    f"migration {plan.version} of plugin {plan.plugin!r} failed on {statement!r}: {exc}"
                ) from exc
        tx.conn.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} (plugin, version, checksum, snapshot, applied_at) VALUES (?, ?, ?, ?, ?)",
            (plan.plugin, plan.version, plan.checksum, plan.snapshot_json, now_ms()),
        )
        if plan.changes:
            logger.info(
                "migrated plugin %s to version %d: %s",
                plan.plugin,
                plan.version,
                ", ".join(c.describe() for c in plan.changes),
            )

    async def get_migration_status(self) -> list[MigrationStatus]:
        from ..migrations import MIGRATIONS_TABLE

        def job(conn: sqlite3.Connection) -> list[MigrationStatus]:
            rows = conn.execute(
                f"SELECT plugin, MAX(version) AS version FROM {MIGRATIONS_TABLE} GROUP BY plugin ORDER BY plugin"
            ).fetchall()
            out = []
            for plugin, version in rows:
                checksum, applied_at = conn.execute(
                    f"SELECT checksum, applied_at FROM {MIGRATIONS_TABLE} WHERE plugin = ? AND version = ?",
                    (plugin, version),
                ).fetchone()
                out.append(MigrationStatus(plugin, int(version), str(checksum), int(applied_at)))
            return out

        return await self.read(job)

    async def file_exists(self) -> bool:
        return await asyncio.to_thread(os.path.exists, self.path)

    # -- embedding dimension and vector index (writer thread only) ---------------------------------------
    def agent_dimension(self, conn: sqlite3.Connection, agent_id: str) -> tuple[int, str | None] | None:
        if agent_id not in self.dimensions:
            row = conn.execute(
                "SELECT dimension, model FROM agent_embedding WHERE agent_id = ?", (agent_id,)
            ).fetchone()
            self.dimensions[agent_id] = (int(row[0]), row[1]) if row else None
        return self.dimensions[agent_id]

    def loaded_index(self, conn: sqlite3.Connection, agent_id: str) -> VectorIndex | None:
        """The agent's index, loading it from the table first if needed; ``None`` if no dimension is declared."""
        index = self.indexes.get(agent_id)
        if index is not None:
            return index
        declared = self.agent_dimension(conn, agent_id)
        if declared is None:
            return None
        dimension = declared[0]
        args = (agent_id, dimension)
        total = conn.execute("SELECT COUNT(*) FROM embeddings WHERE agent_id = ? AND dimension = ?", args).fetchone()
        index = VectorIndex(dimension, capacity=max(1024, int(total[0])))
        cursor = conn.execute(
            'SELECT e.memory_id, e.vector, m.type, m.room_id, m.world_id, m.entity_id, m."unique" '
            "FROM embeddings e JOIN memories m ON m.id = e.memory_id "
            "WHERE e.agent_id = ? AND e.dimension = ?",
            args,
        )
        while rows := cursor.fetchmany(LOAD_CHUNK_ROWS):
            matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dimension)
            keys = [RowKeys(r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]
            index.extend([r[0] for r in rows], matrix, keys)
        self.indexes[agent_id] = index
        return index

    def drop_indexes(self, agent_ids: Sequence[str] | None = None) -> None:
        """Forget loaded indexes (after cascading deletes); they reload from the table on next use."""
        if agent_ids is None:
            self.indexes.clear()
            self.dimensions.clear()
            return
        for agent_id in agent_ids:
            self.indexes.pop(agent_id, None)
            self.dimensions.pop(agent_id, None)

    def remove_vectors(self, memory_ids: Sequence[str]) -> None:
        for index in list(self.indexes.values()):
            index.remove(list(memory_ids))


__all__ = ["SqliteDatabase", "WriteTx"]
