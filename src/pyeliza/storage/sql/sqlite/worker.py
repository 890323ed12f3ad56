"""A thread that owns one ``sqlite3`` connection and runs jobs for asyncio callers.

Jobs travel through a ``queue.SimpleQueue``; results come back with ``loop.call_soon_threadsafe``. An empty
round trip costs about 26 µs on the development machine against about 44 µs for ``loop.run_in_executor`` on a
one-thread pool (``bench/w2_create_memory.py`` prints both; numbers in ``docs/benchmarks.md``): the thread
wake-up dominates, the executor adds its future bookkeeping on top. So the jobs submitted during one turn of the
event loop travel as one queue item, the thread takes every job waiting at once and hands all their results
back in one wake-up of the event loop (fewer hand-offs of the GIL between the threads); queued
``grouped`` jobs (writes) go to the ``group_runner`` together (one transaction, see ``transactions.py``).
Detached jobs (log rows nobody waits for) travel on their own, at most ``DETACHED_DELAY_S`` after the first of
them: a message's five log rows then share one commit with those of the messages around it instead of each
commit rewriting the pages of the log table and its indexes (38 % of the WAL frames of a W5 message).
sqlite3 errors are translated to :mod:`pyeliza.errors` on the worker thread, so only our errors cross over.
Nothing bound to the connection crosses over either: a job that returns a cursor gets ``None`` delivered and
the cursor is closed here (a cursor finalised on the event loop thread while this thread uses the connection
was the ``bad parameter or other API misuse`` of concurrent ``create_rooms``).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ....errors import IntegrityError, PyElizaError, StorageError

T = TypeVar("T")
Job = Callable[[Any], Any]
Outcome = tuple[Any, BaseException | None]
GroupRunner = Callable[[sqlite3.Connection, Sequence[Job]], list[Outcome]]
Housekeeping = Callable[[sqlite3.Connection], float | None]
"""Runs on the worker thread after each batch and when its wait ran out; returns how many seconds from now it
wants to run again (``None``: only after the next batch)."""

MAX_BATCH = 64
"""Most jobs taken from the queue at once (and so most writes in one group transaction)."""

DETACHED_DELAY_S = 0.05
"""How long a detached job (a log row) may wait for others to travel and commit with it."""

logger = logging.getLogger("pyeliza.storage.sqlite")


@dataclass(slots=True)
class _Item:
    job: Job
    future: asyncio.Future[Any] | None  # None: detached, nobody waits (see ``submit_detached``)
    loop: asyncio.AbstractEventLoop
    grouped: bool
    what: str = ""  # a detached job's description for the log line of its failure


Delivery = tuple[asyncio.Future[Any], Any, BaseException | None]


def _deliver_all(deliveries: list[Delivery]) -> None:
    for future, result, error in deliveries:
        if future.cancelled():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)


class SqliteWorker:
    """One connection on one thread. ``submit(job)`` runs ``job(connection)`` there and awaits the result.

    ``submit(job, grouped=True)`` hands the job to ``group_runner`` together with the other grouped jobs
    waiting in the queue at the same moment (in submission order).
    """

    def __init__(
        self,
        path: str,
        name: str,
        setup: Callable[[sqlite3.Connection], None],
        group_runner: GroupRunner | None = None,
        housekeeping: Housekeeping | None = None,
    ) -> None:
        self.path = path
        self._name = name
        self._setup = setup
        self._group_runner = group_runner
        self._housekeeping = housekeeping
        self._housekeeping_in: float | None = None
        self._queue: queue.SimpleQueue[list[_Item] | None] = queue.SimpleQueue()
        self._pending: dict[asyncio.AbstractEventLoop, list[_Item]] = {}
        self._detached: dict[asyncio.AbstractEventLoop, list[_Item]] = {}
        self._flush_soon: set[asyncio.AbstractEventLoop] = set()
        self._flush_later: dict[asyncio.AbstractEventLoop, asyncio.TimerHandle] = {}
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._open_error: BaseException | None = None
        self._closed = False

    async def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        await asyncio.to_thread(self._ready.wait)
        if self._open_error is not None:
            self._closed = True
            raise self._open_error

    @property
    def alive(self) -> bool:
        return not self._closed and self._thread is not None and self._thread.is_alive()

    def submit(self, job: Callable[[Any], T], *, grouped: bool = False) -> asyncio.Future[T]:
        if not self.alive:
            raise StorageError(f"SQLite database {self.path} is closed")
        if grouped and self._group_runner is None:
            raise StorageError(f"SQLite worker {self._name} does not run grouped jobs")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._enqueue(_Item(job, future, loop, grouped))
        return future

    def _enqueue(self, item: _Item) -> None:
        loop = item.loop
        if item.future is None:
            self._detached.setdefault(loop, []).append(item)
            if loop not in self._flush_later:
                self._flush_later[loop] = loop.call_later(DETACHED_DELAY_S, self._flush_detached, loop)
            return
        self._pending.setdefault(loop, []).append(item)
        if loop not in self._flush_soon:
            self._flush_soon.add(loop)
            loop.call_soon(self._flush, loop)

    def submit_detached(self, job: Callable[[Any], Any], *, what: str) -> None:
        """Queue a grouped job nobody waits for: no result travels back (no wake-up of the event loop); a failure
        is logged as ``what``. It travels with the other detached jobs ``DETACHED_DELAY_S`` after the first of
        them, or at ``flush_detached``. Jobs submitted later may run before it: it must not depend on them."""
        if not self.alive:
            raise StorageError(f"SQLite database {self.path} is closed")
        if self._group_runner is None:
            raise StorageError(f"SQLite worker {self._name} does not run grouped jobs")
        self._enqueue(_Item(job, None, asyncio.get_running_loop(), True, what))

    def flush_detached(self) -> None:
        """Hand the waiting detached jobs to the thread now: a job submitted after this call runs after them."""
        self._flush_detached(asyncio.get_running_loop())

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand the jobs submitted during one turn of the event loop to the thread in one queue item (one wake-up)."""
        self._flush_soon.discard(loop)
        self._put(self._pending.pop(loop, None))

    def _flush_detached(self, loop: asyncio.AbstractEventLoop) -> None:
        later = self._flush_later.pop(loop, None)
        if later is not None:
            later.cancel()
        self._put(self._detached.pop(loop, None))

    def _put(self, items: list[_Item] | None) -> None:
        if not items:
            return
        if self._closed:
            for item in items:
                if item.future is None:
                    logger.error("%s was not written: SQLite database %s is closed", item.what, self.path)
                elif not item.future.done():
                    item.future.set_exception(StorageError(f"SQLite database {self.path} is closed"))
            return
        self._queue.put(items)

    async def stop(self) -> None:
        if self._thread is None or self._closed:
            self._closed = True
            return
        loop = asyncio.get_running_loop()
        self._flush_detached(loop)
        self._flush(loop)
        self._closed = True
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._setup(conn)
        except (sqlite3.Error, OSError) as exc:
            self._open_error = StorageError(f"cannot open SQLite database {self.path}: {exc}")
            self._open_error.__cause__ = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            self._serve(conn)
        finally:
            conn.close()

    def _next_item(self, conn: sqlite3.Connection) -> list[_Item] | None:
        """The next queue item; while waiting for it, run the housekeeping whenever it asked to run again."""
        while self._housekeeping is not None and self._housekeeping_in is not None:
            try:
                return self._queue.get(timeout=self._housekeeping_in)
            except queue.Empty:
                self._keep_house(conn)
        return self._queue.get()

    def _keep_house(self, conn: sqlite3.Connection) -> None:
        if self._housekeeping is None:
            return
        try:
            self._housekeeping_in = self._housekeeping(conn)
        except Exception:
            logger.exception("SQLite housekeeping on %s failed", self.path)
            self._housekeeping_in = None

    def _take_batch(self, conn: sqlite3.Connection) -> tuple[list[_Item], bool]:
        """The jobs waiting now (at least one queue item, up to about ``MAX_BATCH`` jobs) and whether to stop."""
        first = self._next_item(conn)
        if first is None:
            return [], True
        batch = list(first)
        while len(batch) < MAX_BATCH:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return batch, True
            batch += more
        return batch, False

    def _serve(self, conn: sqlite3.Connection) -> None:
        while True:
            items, stop = self._take_batch(conn)
            deliveries: list[tuple[asyncio.AbstractEventLoop, Delivery]] = []
            start = 0
            while start < len(items):
                end = start + 1
                if items[start].grouped:
                    while end < len(items) and items[end].grouped:
                        end += 1
                    outcomes = self._run_group(conn, [item.job for item in items[start:end]])
                else:
                    outcomes = [self._run_one(conn, items[start].job)]
                for item, (result, error) in zip(items[start:end], outcomes, strict=True):
                    if item.future is not None:
                        deliveries.append((item.loop, (item.future, self._detach(result), self._translate(error))))
                    elif error is not None:
                        logger.error("%s failed: %s", item.what, self._translate(error), exc_info=error)
                start = end
            self._deliver(deliveries)
            self._keep_house(conn)
            if stop:
                self._fail_leftovers()
                return

    def _run_one(self, conn: sqlite3.Connection, job: Job) -> Outcome:
        try:
            return job(conn), None
        except Exception as exc:
            return None, exc

    def _run_group(self, conn: sqlite3.Connection, jobs: Sequence[Job]) -> list[Outcome]:
        if self._group_runner is None:
            return [(None, StorageError(f"SQLite worker {self._name} does not run grouped jobs")) for _ in jobs]
        try:
            return self._group_runner(conn, jobs)
        except Exception as exc:
            return [(None, exc) for _ in jobs]

    @staticmethod
    def _detach(result: Any) -> Any:
        """Close a cursor here, on the connection's own thread, instead of handing it to the event loop."""
        if isinstance(result, sqlite3.Cursor):
            result.close()
            return None
        return result

    def _translate(self, error: BaseException | None) -> BaseException | None:
        if error is None or isinstance(error, PyElizaError):
            return error
        translated: PyElizaError
        if isinstance(error, sqlite3.IntegrityError):
            translated = IntegrityError(f"SQLite database {self.path}: constraint failed: {error}")
        elif isinstance(error, sqlite3.Error):
            translated = StorageError(f"SQLite database {self.path}: {error}")
        else:
            logger.error("unexpected error in SQLite job", exc_info=error)
            translated = StorageError(f"SQLite database {self.path}: unexpected {type(error).__name__}: {error}")
        translated.__cause__ = error
        return translated

    def _deliver(self, deliveries: list[tuple[asyncio.AbstractEventLoop, Delivery]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[Delivery]] = {}
        for loop, delivery in deliveries:
            by_loop.setdefault(loop, []).append(delivery)
        for loop, batch in by_loop.items():
            try:
                loop.call_soon_threadsafe(_deliver_all, batch)
            except RuntimeError:
                logger.debug("event loop closed before %d SQLite results could be delivered", len(batch))

    def _fail_leftovers(self) -> None:
        """Jobs that slipped in behind the stop marker get a clear error instead of waiting forever."""
        leftovers: list[tuple[asyncio.AbstractEventLoop, Delivery]] = []
        while True:
            try:
                items = self._queue.get_nowait()
            except queue.Empty:
                break
            for item in items or []:
                error = StorageError(f"SQLite database {self.path} was closed before this job ran")
                if item.future is None:
                    logger.error("%s was not written: %s", item.what, error)
                else:
                    leftovers.append((item.loop, (item.future, None, error)))
        self._deliver(leftovers)
