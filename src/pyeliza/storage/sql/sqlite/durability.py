"""When commits reach the disk: ``normal`` (the default) fsyncs within a second, ``full`` fsyncs every commit.

In WAL mode with ``synchronous=NORMAL`` SQLite commits without an fsync: a committed transaction survives a crash
of the process at once (its frames are in the operating system's page cache) and the file is never corrupted,
but a power loss or a crash of the kernel can lose the last commits. :class:`WalSync` bounds that window: the
writer fsyncs the WAL at most ``SYNC_INTERVAL_S`` after the first change that was not yet synced (the trade of
PostgreSQL's ``synchronous_commit = off`` with its WAL writer, or Redis' ``appendfsync everysec``). Checkpoints
fsync the WAL as well. The fsync was the largest single cost of a message round trip (``docs/benchmarks.md``).

``full`` (``PYELIZA_SQLITE_SYNCHRONOUS=full``): every commit is fsynced before it returns, except groups made
only of log rows (``transactions.RelaxedWrite``), which the same window covers.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Mapping
from typing import Literal

from ....errors import ConfigurationError

Synchronous = Literal["normal", "full"]
SYNCHRONOUS_ENV = "PYELIZA_SQLITE_SYNCHRONOUS"
SYNC_INTERVAL_S = 1.0


def synchronous_from_env(environ: Mapping[str, str] | None = None) -> Synchronous:
    """``$PYELIZA_SQLITE_SYNCHRONOUS``: ``normal`` (default) or ``full``."""
    value = (os.environ if environ is None else environ).get(SYNCHRONOUS_ENV, "").strip().lower() or "normal"
    if value == "normal":
        return "normal"
    if value == "full":
        return "full"
    raise ConfigurationError(f"{SYNCHRONOUS_ENV} must be 'normal' or 'full', got {value!r}")


class WalSync:
    """Writer-thread housekeeping: fsync the WAL once changes made since the last sync are ``interval_s`` old."""

    def __init__(self, database_path: str, interval_s: float = SYNC_INTERVAL_S) -> None:
        self._wal_path = database_path + "-wal"
        self._interval_s = interval_s
        self._changes_seen = 0
        self._unsynced_since: float | None = None
        self.syncs = 0

    def __call__(self, conn: sqlite3.Connection) -> float | None:
        """Note new changes, sync when due; the seconds until the next sync is due (``None``: nothing unsynced)."""
        now = time.monotonic()
        changes = conn.total_changes
        if changes != self._changes_seen:
            self._changes_seen = changes
            if self._unsynced_since is None:
                self._unsynced_since = now
        if self._unsynced_since is None:
            return None
        left = self._unsynced_since + self._interval_s - now
        if left > 0:
            return left
        self.sync()
        return None

    def sync(self) -> None:
        try:
            fd = os.open(self._wal_path, os.O_RDONLY)
        except FileNotFoundError:  # no WAL: everything was checkpointed (and synced) into the database file
            self._unsynced_since = None
            return
        try:
            os.fdatasync(fd)
        finally:
            os.close(fd)
        self._unsynced_since = None
        self.syncs += 1
