"""Write transactions on the writer thread: one job alone, or the jobs queued together committed as a group.

Group commit: the writer takes every write job already waiting in its queue and runs them in one
``BEGIN IMMEDIATE ... COMMIT``: one commit (one fsync with ``synchronous=full``) for the whole group, and
results are handed back only after that commit, so no caller hears "stored" before its rows are committed. Jobs
run one after another without savepoints first (as a rule none fails, and a savepoint per job was half of the
writer's statements); when one fails, the transaction is rolled back and the group runs again with each job
inside its own savepoint: the failing job is rolled back to its savepoint and gets its own error, the others
still commit. When SQLite abandons the whole transaction (an error that aborts it, or a failing ``COMMIT``), the
jobs that had not failed run again, each in a transaction of its own. Jobs must therefore be safe to run again.

Inside a group, a job's after-commit hooks (they only update derived in-memory state: the vector index, the
cached embedding dimension) run as soon as its savepoint is released, so the next job of the group sees them,
as it would after a commit of its own. If the group transaction is then lost, ``reset`` drops that derived
state (it reloads from the tables) before the jobs run again.

Durability (``durability.py``): with ``synchronous=full`` a group made only of :class:`RelaxedWrite` jobs (log
rows) commits with ``synchronous=NORMAL``, see ``SqliteDatabase._run_write_group``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ....errors import StorageError

T = TypeVar("T")
Outcome = tuple[Any, BaseException | None]
logger = logging.getLogger("pyeliza.storage.sqlite")

_SAVEPOINT = "pyeliza_job"


@dataclass
class WriteTx:
    """The open write transaction handed to write jobs."""

    conn: sqlite3.Connection
    after_commit: list[Callable[[], None]] = field(default_factory=list)


class RelaxedWrite:
    """A write job whose commit may skip the fsync when its whole group is relaxed (see the module docstring)."""

    __slots__ = ("job",)

    def __init__(self, job: Callable[[WriteTx], Any]) -> None:
        self.job = job

    def __call__(self, tx: WriteTx) -> Any:
        return self.job(tx)


def only_relaxed(jobs: Sequence[Callable[[WriteTx], Any]]) -> bool:
    return all(isinstance(job, RelaxedWrite) for job in jobs)


def _check_file(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        raise StorageError(f"SQLite database {path} vanished (the file was deleted while open); nothing was written")


def run_transaction(conn: sqlite3.Connection, job: Callable[[WriteTx], T], begin: str, path: str | None = None) -> T:
    """Run ``job`` in a transaction of its own and return its result once committed."""
    _check_file(path)
    tx = WriteTx(conn)
    conn.execute(begin)
    try:
        result = job(tx)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    for hook in tx.after_commit:
        hook()
    return result


def _alone(conn: sqlite3.Connection, job: Callable[[WriteTx], Any], path: str | None) -> Outcome:
    try:
        return run_transaction(conn, job, "BEGIN IMMEDIATE", path), None
    except Exception as exc:
        return None, exc


def _redo_alone(
    conn: sqlite3.Connection,
    jobs: Sequence[Callable[[WriteTx], Any]],
    failed: dict[int, BaseException],
    path: str | None,
    reset: Callable[[], None],
) -> list[Outcome]:
    """After the group transaction was lost: keep the errors of the jobs that failed, rerun every other job."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    reset()
    return [(None, failed[i]) if i in failed else _alone(conn, job, path) for i, job in enumerate(jobs)]


def run_group(
    conn: sqlite3.Connection, jobs: Sequence[Callable[[WriteTx], Any]], path: str | None, reset: Callable[[], None]
) -> list[Outcome]:
    """Run ``jobs`` in order in one transaction (see the module docstring); one (result, error) per job."""
    if len(jobs) == 1:
        return [_alone(conn, jobs[0], path)]
    return _group(conn, jobs, path, reset)


def _begin(
    conn: sqlite3.Connection, jobs: Sequence[Callable[[WriteTx], Any]], path: str | None
) -> list[Outcome] | None:
    """Open the group's transaction; the outcome of every job when that fails."""
    try:
        _check_file(path)
        conn.execute("BEGIN IMMEDIATE")
    except Exception as exc:
        return [(None, exc) for _ in jobs]
    return None


def _commit(
    conn: sqlite3.Connection,
    jobs: Sequence[Callable[[WriteTx], Any]],
    outcomes: list[Outcome],
    failed: dict[int, BaseException],
    path: str | None,
    reset: Callable[[], None],
) -> list[Outcome]:
    try:
        conn.execute("COMMIT")
    except sqlite3.Error:
        logger.warning("a group commit of %d SQLite writes failed; running them one by one", len(jobs), exc_info=True)
        return _redo_alone(conn, jobs, failed, path, reset)
    return outcomes


def _group(
    conn: sqlite3.Connection, jobs: Sequence[Callable[[WriteTx], Any]], path: str | None, reset: Callable[[], None]
) -> list[Outcome]:
    not_begun = _begin(conn, jobs, path)
    if not_begun is not None:
        return not_begun
    outcomes: list[Outcome] = []
    hooked = False
    for job in jobs:
        tx = WriteTx(conn)
        try:
            result = job(tx)
        except Exception:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if hooked:
                reset()
            return _group_with_savepoints(conn, jobs, path, reset)
        outcomes.append((result, None))
        for hook in tx.after_commit:
            hook()
        hooked = hooked or bool(tx.after_commit)
    return _commit(conn, jobs, outcomes, {}, path, reset)


def _group_with_savepoints(
    conn: sqlite3.Connection, jobs: Sequence[Callable[[WriteTx], Any]], path: str | None, reset: Callable[[], None]
) -> list[Outcome]:
    failed: dict[int, BaseException] = {}
    not_begun = _begin(conn, jobs, path)
    if not_begun is not None:
        return not_begun
    outcomes: list[Outcome] = []
    for index, job in enumerate(jobs):
        tx = WriteTx(conn)
        conn.execute(f"SAVEPOINT {_SAVEPOINT}")
        try:
            result = job(tx)
        except Exception as exc:
            failed[index] = exc
            if not conn.in_transaction:
                return _redo_alone(conn, jobs, failed, path, reset)
            conn.execute(f"ROLLBACK TO {_SAVEPOINT}")
            conn.execute(f"RELEASE {_SAVEPOINT}")
            outcomes.append((None, exc))
            continue
        conn.execute(f"RELEASE {_SAVEPOINT}")
        outcomes.append((result, None))
        for hook in tx.after_commit:
            hook()
    return _commit(conn, jobs, outcomes, failed, path, reset)


__all__ = ["Outcome", "RelaxedWrite", "WriteTx", "only_relaxed", "run_group", "run_transaction"]
