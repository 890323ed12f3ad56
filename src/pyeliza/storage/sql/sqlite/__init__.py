"""The SQLite backend: stdlib ``sqlite3`` on a writer thread and a reader thread, exact numpy vector search."""

from .adapter import SqliteAdapter
from .database import SqliteDatabase

__all__ = ["SqliteAdapter", "SqliteDatabase"]
