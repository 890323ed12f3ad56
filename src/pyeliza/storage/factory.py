"""Open a database from a URL: ``None`` (SQLite in the data directory), ``sqlite:///path``, ``postgresql://``."""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..errors import ConfigurationError
from .adapter import DatabaseAdapter
from .database import Database

DATA_DIR_ENV = "PYELIZA_DATA_DIR"
DEFAULT_DATA_DIR = "./.pyeliza/"
DEFAULT_FILE_NAME = "pyeliza.db"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+asyncpg://")


def data_dir(environ: Mapping[str, str] | None = None) -> str:
    """``$PYELIZA_DATA_DIR`` (default ``./.pyeliza/``), with ``~`` expanded."""
    env = os.environ if environ is None else environ
    return os.path.expanduser(env.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def default_sqlite_path(environ: Mapping[str, str] | None = None) -> str:
    return os.path.join(data_dir(environ), DEFAULT_FILE_NAME)


def sqlite_path_from_url(url: str) -> str:
    """The file of a ``sqlite:///relative.db`` or ``sqlite:////absolute.db`` URL."""
    if not url.startswith("sqlite:///"):
        raise ConfigurationError(f"a SQLite URL looks like sqlite:///path/to/file.db, got {url!r}")
    path = url[len("sqlite:///") :]
    if not path or path == ":memory:":
        raise ConfigurationError(f"a SQLite URL must name a database file, got {url!r}")
    return os.path.expanduser(path)


def open_database(url: str | None = None) -> Database:
    """A not-yet-opened database for ``url``; use ``async with open_database(url) as db`` or ``await db.open()``."""
    if url is None or url == "":
        from .sql.sqlite import SqliteDatabase

        return SqliteDatabase(default_sqlite_path())
    if url.startswith("sqlite:"):
        from .sql.sqlite import SqliteDatabase

        return SqliteDatabase(sqlite_path_from_url(url))
    if url.startswith(_POSTGRES_SCHEMES):
        try:
            import asyncpg  # noqa: F401
        except ImportError as exc:
            raise ConfigurationError("PostgreSQL needs the asyncpg driver: pip install 'pyeliza[postgres]'") from exc
        from .sql.postgres import PostgresDatabase

        return PostgresDatabase(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    raise ConfigurationError(
        f"unsupported database URL {url!r}: use sqlite:///path/to/file.db or postgresql://user@host/db"
    )


async def create_adapter(url: str | None = None, *, agent_id: str) -> DatabaseAdapter:
    """An opened adapter that owns its database: closing the adapter closes the database."""
    database = open_database(url)
    await database.open()
    return _owning_adapter(database, agent_id)


def _owning_adapter(database: Database, agent_id: str) -> DatabaseAdapter:
    from .sql.sqlite import SqliteAdapter, SqliteDatabase

    if isinstance(database, SqliteDatabase):
        return SqliteAdapter(database, agent_id, owns_database=True)
    view = database.adapter(agent_id)

    async def close_database() -> None:
        await database.close()

    # The view of another backend holds no resources; its close() now also closes the database it owns.
    object.__setattr__(view, "close", close_database)
    return view
