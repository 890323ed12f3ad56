"""A thread that owns one ``sqlite3`` connection and runs jobs for asyncio callers.

Jobs travel through a ``queue.SimpleQueue``; results come back with ``loop.call_soon_threadsafe``. An empty
round trip costs about 26 µs on the development machine against about 44 µs for ``loop.run_in_executor`` on a
one-thread pool (``bench/w2_create_memory.py`` prints both; numbers in ``docs/benchmarks.md``): the thread
wake-up dominates, the executor adds its future bookkeeping on top.
sqlite3 errors are translated to :mod:`pyeliza.errors` on the worker thread, so only our errors cross over.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ....errors import IntegrityError, PyElizaError, StorageError

T = TypeVar("T")
Job = Callable[[sqlite3.Connection], Any]

logger = logging.getLogger("pyeliza.storage.sqlite")


def _deliver(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class SqliteWorker:
    """One connection on one thread. ``submit(job)`` runs ``job(connection)`` there and awaits the result."""

    def __init__(self, path: str, name: str, setup: Callable[[sqlite3.Connection], None]) -> None:
        self.path = path
        self._name = name
        self._setup = setup
        self._queue: queue.SimpleQueue[tuple[Job, asyncio.Future[Any], asyncio.AbstractEventLoop] | None] = (
            queue.SimpleQueue()
        )
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

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> asyncio.Future[T]:
        if not self.alive:
            raise StorageError(f"SQLite database {self.path} is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((job, future, loop))
        return future

    async def stop(self) -> None:
        if self._thread is None or self._closed:
            self._closed = True
            return
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

    def _serve(self, conn: sqlite3.Connection) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, future, loop = item
            result: Any = None
            error: BaseException | None = None
            try:
                result = job(conn)
            except PyElizaError as exc:
                error = exc
            except sqlite3.IntegrityError as exc:
                error = IntegrityError(f"SQLite database {self.path}: constraint failed: {exc}")
                error.__cause__ = exc
            except sqlite3.Error as exc:
                error = StorageError(f"SQLite database {self.path}: {exc}")
                error.__cause__ = exc
            except Exception as exc:
                logger.exception("unexpected error in SQLite job")
                error = StorageError(f"SQLite database {self.path}: unexpected {type(exc).__name__}: {exc}")
                error.__cause__ = exc
            try:
                loop.call_soon_threadsafe(_deliver, future, result, error)
            except RuntimeError:
                logger.debug("event loop closed before a SQLite result could be delivered")
