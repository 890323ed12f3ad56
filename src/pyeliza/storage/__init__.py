"""Persistence: the ``DatabaseAdapter`` contract and its SQLite and PostgreSQL backends.

``open_database(url)`` gives a shared :class:`Database` (``database.adapter(agent_id)`` per agent);
``create_adapter(url, agent_id=...)`` an adapter that owns its database.
"""

from .adapter import DatabaseAdapter, MigrationStatus, PluginSchema
from .database import Database
from .factory import DATA_DIR_ENV, create_adapter, data_dir, default_sqlite_path, open_database

__all__ = [
    "DATA_DIR_ENV",
    "Database",
    "DatabaseAdapter",
    "MigrationStatus",
    "PluginSchema",
    "create_adapter",
    "data_dir",
    "default_sqlite_path",
    "open_database",
]
