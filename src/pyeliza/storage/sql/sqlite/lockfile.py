"""An exclusive ``flock`` on ``<db>.lock`` so a second process gets a clear error instead of a shared file.

The lock file holds the pid of the process that owns the database; the lock itself dies with the process
(the kernel releases ``flock`` locks on exit, including SIGKILL), so a crashed owner never blocks a restart.
"""

from __future__ import annotations

import fcntl
import os

from ....errors import StorageError


class DatabaseLock:
    """Held while a process has the database open."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.path = db_path + ".lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(f"cannot create lock file {self.path} for database {self.db_path}: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            raise StorageError(
                f"SQLite database {self.db_path} is already open in process {holder} "
                f"(lock file {self.path}); stop that process or use PostgreSQL to share a database"
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return "unknown"
    return text or "unknown"
