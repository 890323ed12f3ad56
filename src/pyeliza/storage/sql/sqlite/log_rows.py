"""Log rows nobody waits for, inserted in batches: one detached write job and a few statements for many rows.

A message writes five log rows. As one detached job each, every row cost a job on the event loop thread, a
job on the writer thread and a statement (with its hand-over of the GIL); now the rows queued until the writer
gets to them go in with one ``executemany``.

The batch is shared by the event loop thread (which adds rows) and the writer thread (which takes them), hence
the lock. A row is kept only while its room exists: the batch may commit after a later delete of the room, and
the delete's cascade would have dropped the row anyway. So when a row fails its foreign keys, the batch goes
back to its savepoint and in again with multi-row ``INSERT ... SELECT ... FROM (VALUES ...) WHERE <room exists>``
statements (20 % slower per row than ``executemany``, hence only then); when one of those fails too (a row
naming a deleted agent), its rows are inserted one by one and only the failing ones are lost, each with its
own log line.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence

from .transactions import WriteTx

LogRow = tuple[str, str, str, str | None, str, str, int]
"""``(id, agent_id, entity_id, room_id, type, body, created_at)``"""

ROWS_PER_STATEMENT = 100
_COLUMNS = "id, agent_id, entity_id, room_id, type, body, created_at"
_KEEP = "WHERE column4 IS NULL OR EXISTS (SELECT 1 FROM rooms WHERE id = column4)"

logger = logging.getLogger("pyeliza.storage.sqlite")


def _statement(count: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * count)
    return (
        f"INSERT INTO logs ({_COLUMNS}) SELECT column1, column2, column3, column4, column5, column6, column7 "
        f"FROM (VALUES {values}) {_KEEP}"
    )


_FULL_STATEMENT = _statement(ROWS_PER_STATEMENT)
_PLAIN_INSERT = f"INSERT INTO logs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"


class LogRowBatch:
    """Collects log rows; ``submit(job)`` is called with the insert job once per batch."""

    def __init__(self, submit: Callable[[Callable[[WriteTx], None]], None]) -> None:
        self._submit = submit
        self._lock = threading.Lock()
        self._rows: list[LogRow] | None = None

    def add(self, row: LogRow) -> None:
        with self._lock:
            first = self._rows is None
            if self._rows is None:
                self._rows = []
            self._rows.append(row)
        if first:
            try:
                self._submit(_Insert(self))
            except BaseException:
                with self._lock:
                    self._rows = None
                raise

    def take(self) -> list[LogRow]:
        """The rows added so far; the next row starts a new batch."""
        with self._lock:
            rows, self._rows = self._rows or [], None
        return rows


class _Insert:
    """The write job of one batch. It takes the batch's rows when it first runs and keeps them, so that a run
    again (after another job of its group transaction failed) inserts the same rows."""

    __slots__ = ("_batch", "_rows")

    def __init__(self, batch: LogRowBatch) -> None:
        self._batch = batch
        self._rows: list[LogRow] | None = None

    def __call__(self, tx: WriteTx) -> None:
        if self._rows is None:
            self._rows = self._batch.take()
        rows = self._rows
        conn = tx.conn
        conn.execute("SAVEPOINT log_rows")
        try:
            conn.executemany(_PLAIN_INSERT, rows)
        except sqlite3.IntegrityError:  # a row of a room or agent deleted meanwhile: keep the others
            conn.execute("ROLLBACK TO log_rows")
            conn.execute("RELEASE log_rows")
            _insert_filtered(conn, rows)
            return
        conn.execute("RELEASE log_rows")


def _insert_filtered(conn: sqlite3.Connection, rows: Sequence[LogRow]) -> None:
    """Insert ``rows`` leaving out those of deleted rooms; a row failing otherwise is logged and left out."""
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        part = rows[start : start + ROWS_PER_STATEMENT]
        statement = _FULL_STATEMENT if len(part) == ROWS_PER_STATEMENT else _statement(len(part))
        try:
            conn.execute(statement, [value for row in part for value in row])
        except sqlite3.IntegrityError:
            _insert_one_by_one(conn, part)


def _insert_one_by_one(conn: sqlite3.Connection, rows: Sequence[LogRow]) -> None:
    single = _statement(1)
    for row in rows:
        try:
            conn.execute(single, row)
        except sqlite3.IntegrityError as exc:
            logger.error("the %r log row was not written: %s", row[4], exc)
