"""A plugin's own tables through ``db_execute`` / ``db_fetch`` with SQLAlchemy Core, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, func, select
from tests.support.postgres import scratch_database

from pyeliza import AgentRuntime, Plugin
from pyeliza.errors import IntegrityError, InvalidInputError
from pyeliza.testing import runtime_for_test

METADATA = MetaData()
NOTES = Table(
    "plugin_notes",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("done", Boolean, nullable=False, default=False),
    Column("extra", JSON, nullable=True),
    Column("revision", Integer, nullable=False, default=lambda: 1, onupdate=lambda: 2),
)
NOTES_PLUGIN = Plugin(name="notes", schema=METADATA)


@pytest.fixture(params=["sqlite", "postgres"])
async def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AgentRuntime]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'agent.db'}"
    else:
        url = await scratch_database(str(request.getfixturevalue("postgres_url")))
    async with runtime_for_test(plugins=[NOTES_PLUGIN], database_url=url) as rt:
        yield rt


async def test_insert_select_update_delete(runtime: AgentRuntime) -> None:
    await runtime.db_execute(NOTES.insert().values(id=1, title="first", done=False, extra={"tags": ["a"], "n": 1}))
    await runtime.db_execute(NOTES.insert().values(id=2, title="second", done=True))
    rows = await runtime.db_fetch(select(NOTES).order_by(NOTES.c.id))
    assert rows == [
        {"id": 1, "title": "first", "done": False, "extra": {"tags": ["a"], "n": 1}, "revision": 1},
        {"id": 2, "title": "second", "done": True, "extra": None, "revision": 1},
    ]
    await runtime.db_execute(NOTES.update().where(NOTES.c.id == 1).values(done=True))
    revisions = await runtime.db_fetch(select(NOTES.c.id, NOTES.c.revision).order_by(NOTES.c.id))
    assert revisions == [{"id": 1, "revision": 2}, {"id": 2, "revision": 1}]
    done = await runtime.db_fetch(select(NOTES.c.id).where(NOTES.c.done.is_(True)).order_by(NOTES.c.id))
    assert done == [{"id": 1}, {"id": 2}]
    await runtime.db_execute(NOTES.delete().where(NOTES.c.id.in_([1, 2])))
    assert await runtime.db_fetch(select(NOTES)) == []


async def test_returning_labels_and_aggregates(runtime: AgentRuntime) -> None:
    inserted = await runtime.db_fetch(NOTES.insert().values(id=7, title="seven").returning(NOTES.c.id, NOTES.c.done))
    assert inserted == [{"id": 7, "done": False}]
    counted = await runtime.db_fetch(select(func.count().label("total")).select_from(NOTES))
    assert counted == [{"total": 1}]
    titles = await runtime.db_fetch(select(NOTES.c.title.label("name")).where(NOTES.c.id.in_([7, 8, 9])))
    assert titles == [{"name": "seven"}]


async def test_constraint_violation_is_an_integrity_error_and_writes_nothing(runtime: AgentRuntime) -> None:
    await runtime.db_execute(NOTES.insert().values(id=1, title="kept"))
    with pytest.raises(IntegrityError):
        await runtime.db_execute(NOTES.insert().values(id=1, title="duplicate"))
    with pytest.raises(IntegrityError):
        await runtime.db_execute(NOTES.insert().values(id=2, title=None))
    assert await runtime.db_fetch(select(NOTES.c.title)) == [{"title": "kept"}]


async def test_a_string_is_not_a_statement(runtime: AgentRuntime) -> None:
    with pytest.raises(InvalidInputError, match="SQLAlchemy Core statement"):
        await runtime.db_fetch("SELECT * FROM plugin_notes")
