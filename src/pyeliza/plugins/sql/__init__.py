"""The ``sql`` plugin: gives a runtime without a database adapter one of its own.

``POSTGRES_URL`` (any setting source) selects PostgreSQL; otherwise a SQLite file ``pyeliza.db`` in
``PYELIZA_DATA_DIR`` (default ``./.pyeliza/``). A runtime that already has an adapter (for example one handed
out by the ``ElizaOS`` registry's shared database) is left alone. The adapter registered here owns its
database, so stopping the runtime closes it. One SQLite file can be open in one process at a time: agents
sharing a file must share one ``open_database()`` (as ``ElizaOS`` does).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from ...storage import DATA_DIR_ENV, create_adapter
from ...types import Plugin

if TYPE_CHECKING:
    from ...runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.sql")


def _setting(runtime: AgentRuntime, key: str) -> str | None:
    value = runtime.get_setting(key)
    return value if isinstance(value, str) and value.strip() else None


def database_url_for(runtime: AgentRuntime) -> str:
    """The database URL the plugin would open for ``runtime``."""
    postgres = _setting(runtime, "POSTGRES_URL")
    if postgres is not None:
        return postgres
    directory = os.path.expanduser(_setting(runtime, DATA_DIR_ENV) or os.environ.get(DATA_DIR_ENV) or "./.pyeliza/")
    return "sqlite:///" + os.path.join(directory, "pyeliza.db")


async def _init(config: dict[str, str], runtime: AgentRuntime) -> None:
    if runtime.adapter is not None:
        return
    url = database_url_for(runtime)
    adapter = await create_adapter(url, agent_id=runtime.agent_id)
    logger.info("agent %s: using database %s", runtime.agent_id, url.split("@")[-1])
    runtime.register_database_adapter(adapter)


sql_plugin = Plugin(
    name="sql",
    description="Persistence: SQLite by default, PostgreSQL when POSTGRES_URL is set.",
    init=_init,
    priority=0,
)

__all__ = ["database_url_for", "sql_plugin"]
