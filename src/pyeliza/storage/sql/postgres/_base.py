"""What every per-agent store of the PostgreSQL adapter shares: the database and the agent id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..codec import check_id

if TYPE_CHECKING:
    from ._database import PostgresDatabase
    from ._pool import Pool


class StoreBase:
    """Holds the shared database and the agent this view is bound to."""

    def __init__(self, database: PostgresDatabase, agent_id: str) -> None:
        self._database = database
        self._agent = check_id(agent_id, "agent_id")

    @property
    def agent_id(self) -> str:
        return self._agent

    @property
    def _pool(self) -> Pool:
        return self._database.pool
