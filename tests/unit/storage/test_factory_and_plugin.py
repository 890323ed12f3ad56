"""URL resolution of ``open_database``, adapter ownership, and the sql plugin's adapter selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyeliza.errors import ConfigurationError, StorageError
from pyeliza.plugins.sql import database_url_for, sql_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.storage import Database, create_adapter, open_database
from pyeliza.storage.sql.sqlite import SqliteDatabase
from pyeliza.types import Agent, Character, new_uuid


def test_default_url_uses_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYELIZA_DATA_DIR", str(tmp_path / "data"))
    db = open_database()
    assert isinstance(db, SqliteDatabase) and isinstance(db, Database)
    assert db.path == str(tmp_path / "data" / "pyeliza.db")


def test_default_data_dir_is_dot_pyeliza(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PYELIZA_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    db = open_database(None)
    assert isinstance(db, SqliteDatabase) and db.path == str(tmp_path / ".pyeliza" / "pyeliza.db")


def test_sqlite_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_database("sqlite:///rel/x.db")
    assert isinstance(relative, SqliteDatabase) and relative.path == str(tmp_path / "rel" / "x.db")
    absolute = open_database(f"sqlite:///{tmp_path}/abs.db")
    assert isinstance(absolute, SqliteDatabase) and absolute.path == f"{tmp_path}/abs.db"


def test_sqlite_durability_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PYELIZA_SQLITE_SYNCHRONOUS", raising=False)
    assert SqliteDatabase(str(tmp_path / "a.db")).synchronous == "normal"
    monkeypatch.setenv("PYELIZA_SQLITE_SYNCHRONOUS", "FULL")
    assert SqliteDatabase(str(tmp_path / "a.db")).synchronous == "full"
    monkeypatch.setenv("PYELIZA_SQLITE_SYNCHRONOUS", "sometimes")
    with pytest.raises(ConfigurationError, match="PYELIZA_SQLITE_SYNCHRONOUS must be 'normal' or 'full'"):
        SqliteDatabase(str(tmp_path / "a.db"))


@pytest.mark.parametrize("url", ["mysql://x", "sqlite://x.db", "sqlite:///:memory:", "sqlite:///"])
def test_unsupported_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError, match="URL"):
        open_database(url)


async def test_create_adapter_owns_its_database(tmp_path: Path) -> None:
    agent_id = new_uuid()
    adapter = await create_adapter(f"sqlite:///{tmp_path / 'own.db'}", agent_id=agent_id)
    assert await adapter.is_ready()
    assert await adapter.create_agent(Agent(id=agent_id, name="Owner", bio=""))
    await adapter.close()
    with pytest.raises(StorageError):
        await adapter.get_agent(agent_id)
    reopened = await create_adapter(f"sqlite:///{tmp_path / 'own.db'}", agent_id=agent_id)
    assert (await reopened.get_agent(agent_id)) is not None
    await reopened.close()


async def test_views_do_not_close_the_shared_database(tmp_path: Path) -> None:
    async with open_database(f"sqlite:///{tmp_path / 'shared.db'}") as db:
        first, second = db.adapter(new_uuid()), db.adapter(new_uuid())
        await first.close()
        assert await second.is_ready()
        assert await second.count_agents() == 0


async def test_sql_plugin_registers_a_sqlite_adapter_in_the_data_dir(tmp_path: Path) -> None:
    runtime = AgentRuntime(Character(name="Plugged", bio="b"), settings={"PYELIZA_DATA_DIR": str(tmp_path)})
    assert database_url_for(runtime) == f"sqlite:///{tmp_path}/pyeliza.db"
    assert sql_plugin.init is not None
    await sql_plugin.init({}, runtime)
    adapter = runtime.adapter
    assert adapter is not None and adapter.agent_id == runtime.agent_id
    assert await adapter.is_ready()
    await sql_plugin.init({}, runtime)
    assert runtime.adapter is adapter
    await adapter.close()
    assert (tmp_path / "pyeliza.db").exists()


def test_sql_plugin_prefers_postgres_url() -> None:
    runtime = AgentRuntime(Character(name="Pg", bio="b"), settings={"POSTGRES_URL": "postgresql://u@127.0.0.1/db"})
    assert database_url_for(runtime) == "postgresql://u@127.0.0.1/db"
