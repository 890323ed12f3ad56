"""Start-up on an already-migrated SQLite file skips the core migration and never imports SQLAlchemy."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from pyeliza import AgentRuntime, Character
from pyeliza.storage import create_adapter
from pyeliza.storage.sql.sqlite.core_fingerprint import FINGERPRINT_TABLE, core_schema_fingerprint

RESTART = textwrap.dedent(
    """
    import asyncio, sys
    from pyeliza import AgentRuntime, Character
    from pyeliza.storage import create_adapter

    async def main(url: str) -> None:
        runtime = AgentRuntime(Character(name="Restarted", bio="r"))
        runtime.register_database_adapter(await create_adapter(url, agent_id=runtime.agent_id))
        await runtime.initialize()
        assert await runtime.get_agent(runtime.agent_id) is not None
        await runtime.stop()
        print("sqlalchemy" in sys.modules)

    asyncio.run(main(sys.argv[1]))
    """
)


def recorded(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return [(str(a), str(b)) for a, b in conn.execute(f"SELECT plugin, fingerprint FROM {FINGERPRINT_TABLE}")]


async def start_and_stop(url: str) -> None:
    runtime = AgentRuntime(Character(name="Cold", bio="c"))
    runtime.register_database_adapter(await create_adapter(url, agent_id=runtime.agent_id))
    await runtime.initialize()
    await runtime.stop()


async def test_first_start_records_the_core_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "agent.db"
    await start_and_stop(f"sqlite:///{path}")
    fingerprint = core_schema_fingerprint()
    assert fingerprint is not None
    assert recorded(path) == [("core", fingerprint)]


def restart_imports_sqlalchemy(path: Path) -> bool:
    output = subprocess.run(
        [sys.executable, "-c", RESTART, f"sqlite:///{path}"], check=True, capture_output=True, text=True
    ).stdout
    return output.strip() == "True"


async def test_a_restart_on_a_migrated_file_does_not_import_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "agent.db"
    await start_and_stop(f"sqlite:///{path}")
    assert not restart_imports_sqlalchemy(path)


async def test_a_changed_fingerprint_plans_the_core_migration_again(tmp_path: Path) -> None:
    path = tmp_path / "agent.db"
    await start_and_stop(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE {FINGERPRINT_TABLE} SET fingerprint = 'from an older pyeliza'")
    assert restart_imports_sqlalchemy(path)
    assert recorded(path) == [("core", core_schema_fingerprint())]
    assert not restart_imports_sqlalchemy(path)


async def test_a_file_from_before_fingerprints_gets_one(tmp_path: Path) -> None:
    path = tmp_path / "agent.db"
    await start_and_stop(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute(f"DROP TABLE {FINGERPRINT_TABLE}")
    await start_and_stop(f"sqlite:///{path}")
    assert recorded(path) == [("core", core_schema_fingerprint())]
