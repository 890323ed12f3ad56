"""PostgreSQL + pgvector storage: ``PostgresDatabase(url)`` shared by agents, ``database.adapter(agent_id)`` views."""

from ._adapter import PostgresAdapter
from ._database import PostgresDatabase
from ._migrate import advisory_lock_key

__all__ = ["PostgresAdapter", "PostgresDatabase", "advisory_lock_key"]
