"""The asyncpg pool behind a PostgreSQL database: codecs, translated errors, transactions."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from ....errors import StateError, StorageError
from ._errors import translated
from ._vectors import decode_vector, encode_vector

logger = logging.getLogger("pyeliza.storage.postgres")


def _json_text(value: str) -> str:
    """JSON parameters are passed pre-encoded (``codec.dump_json`` checks size and NaN); a non-string is a bug."""
    if not isinstance(value, str):
        raise TypeError(f"JSON parameters must be encoded with codec.dump_json first, got {type(value).__name__}")
    return value


async def _configure_connection(connection: asyncpg.Connection) -> None:
    """Per-connection codecs: JSON text in, Python objects out; uuid <-> str; vector <-> floats (binary)."""
    for json_type in ("json", "jsonb"):
        await connection.set_type_codec(json_type, encoder=_json_text, decoder=json.loads, schema="pg_catalog")
    await connection.set_type_codec("uuid", encoder=str, decoder=str, schema="pg_catalog")
    await connection.set_type_codec(
        "vector", encoder=encode_vector, decoder=decode_vector, schema="public", format="binary"
    )


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Release without asyncpg's default ``RESET ALL; UNLISTEN *; ...`` round trip (see :class:`Pool`)."""


async def connect_single(url: str) -> asyncpg.Connection:
    """One plain connection (no codecs) for bootstrap work such as installing the vector extension."""
    with translated(f"connect to PostgreSQL at {_redact(url)}"):
        return await asyncpg.connect(url)


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}@{host}"


class Pool:
    """An asyncpg pool whose every use translates driver errors into :mod:`pyeliza.errors`.

    A connection that dies (server restart, ``pg_terminate_backend``) fails the call that was using it with a
    :class:`~pyeliza.errors.StorageError`; the pool replaces it, so the next call works again.

    Released connections are not reset (an open transaction is still rolled back): every statement of this backend
    leaves no session state behind (settings are ``SET LOCAL``, advisory locks are released in the same block), and
    skipping the reset query saves a round trip per call. Plugin SQL must not change session settings either.
    """

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self._url = url
        self._min_size = min_size
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None

    @property
    def url(self) -> str:
        return self._url

    @property
    def raw(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StateError("the PostgreSQL pool is not open: call `await database.open()` first")
        return self._pool

    async def open(self) -> None:
        if self._pool is not None:
            return
        with translated(f"open a connection pool to {_redact(self._url)}"):
            self._pool = await asyncpg.create_pool(
                self._url,
                min_size=self._min_size,
                max_size=self._max_size,
                init=_configure_connection,
                reset=_keep_session,
                max_inactive_connection_lifetime=300.0,
            )

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await pool.close()
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            logger.warning("closing the PostgreSQL pool failed, terminating it: %s", exc)
            pool.terminate()

    @asynccontextmanager
    async def connection(self, operation: str) -> AsyncIterator[asyncpg.Connection]:
        with translated(operation):
            async with self.raw.acquire() as connection:
                yield connection

    @asynccontextmanager
    async def transaction(self, operation: str) -> AsyncIterator[asyncpg.Connection]:
        """A connection inside one transaction: committed when the block ends, rolled back when it raises."""
        with translated(operation):
            async with self.raw.acquire() as connection, connection.transaction():
                yield connection

    async def fetch(self, operation: str, query: str, *args: Any) -> list[asyncpg.Record]:
        with translated(operation):
            rows: list[asyncpg.Record] = await self.raw.fetch(query, *args)
            return rows

    async def fetchrow(self, operation: str, query: str, *args: Any) -> asyncpg.Record | None:
        with translated(operation):
            row: asyncpg.Record | None = await self.raw.fetchrow(query, *args)
            return row

    async def fetchval(self, operation: str, query: str, *args: Any) -> Any:
        with translated(operation):
            return await self.raw.fetchval(query, *args)

    async def execute(self, operation: str, query: str, *args: Any) -> str:
        """Run a statement; returns the command tag (e.g. ``"DELETE 3"``)."""
        with translated(operation):
            status: str = await self.raw.execute(query, *args)
            return status

    async def executemany(self, operation: str, query: str, args: Sequence[Sequence[Any]]) -> None:
        with translated(operation):
            await self.raw.executemany(query, args)

    async def ping(self) -> bool:
        try:
            await self.fetchval("ping PostgreSQL", "SELECT 1")
        except (StorageError, StateError):
            return False
        return True


def affected_rows(status: str) -> int:
    """The row count of a command tag such as ``"UPDATE 2"`` or ``"INSERT 0 5"``."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0
