"""PostgreSQL + pgvector storage: ``PostgresDatabase(url)`` shared by agents, ``database.adapter(agent_id)`` views.

Vector search is exact by default (recall 1.0). The per-dimension HNSW index is chosen without code:
``open_database("postgresql://host/db?pyeliza_search=hnsw&pyeliza_ef_search=100")`` or the settings
``PYELIZA_PG_SEARCH=hnsw|exact`` and ``PYELIZA_PG_EF_SEARCH=<1-1000>`` (default 400); URL parameters win over the
environment, and both are removed from the URL before it is handed to asyncpg.
"""

from ._adapter import PostgresAdapter
from ._database import PostgresDatabase
from ._migrate import advisory_lock_key

__all__ = ["PostgresAdapter", "PostgresDatabase", "advisory_lock_key"]
