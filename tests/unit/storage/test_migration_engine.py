"""The pure migration planner: snapshots, checksums, diffs and compiled DDL for both dialects."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Index, Integer, MetaData, Table, Text, text
from sqlalchemy.dialects import postgresql, sqlite

from pyeliza.errors import DestructiveMigrationError, MigrationError
from pyeliza.storage.sql.migrations import checksum, destructive_allowed, diff, plan_migration, snapshot
from pyeliza.storage.sql.schema import build_core_metadata


def _md(*extra: Column[object], index: bool = False, type_: type = Text) -> MetaData:
    md = MetaData()
    t = Table("things", md, Column("id", Integer, primary_key=True), Column("name", type_, nullable=False), *extra)
    if index:
        Index("ix_things_name", t.c.name)
    return md


def test_core_schema_snapshot_is_stable_and_dialect_specific() -> None:
    lite = sqlite.dialect()
    pg = postgresql.dialect()
    a, b = snapshot(build_core_metadata(), lite), snapshot(build_core_metadata(), lite)
    assert checksum(a) == checksum(b)
    assert a["tables"]["embeddings"]["columns"]["vector"]["type"] == "BLOB"
    assert snapshot(build_core_metadata(), pg)["tables"]["embeddings"]["columns"]["vector"]["type"] == "vector"
    assert ["entity_id", "room_id", "agent_id"] in a["tables"]["participants"]["uniques"]
    assert "expires_at" in a["tables"]["cache"]["columns"]
    assert {"lease_owner", "lease_expires_at", "entity_id"} <= set(a["tables"]["tasks"]["columns"])


def test_first_plan_creates_tables_in_dependency_order() -> None:
    plan = plan_migration("core", build_core_metadata(), postgresql.dialect(), None, allow_destructive=False)
    assert plan is not None and plan.version == 1
    creates = [s.split("(")[0].split()[-1] for s in plan.statements if s.startswith("CREATE TABLE")]
    assert creates.index("agents") < creates.index("memories") < creates.index("embeddings")
    assert any("vector" in s for s in plan.statements if "embeddings" in s)


def test_unchanged_schema_plans_nothing() -> None:
    lite = sqlite.dialect()
    snap = snapshot(_md(), lite)
    assert plan_migration("p", _md(), lite, (1, checksum(snap), snap), allow_destructive=False) is None


def test_additive_changes() -> None:
    lite = sqlite.dialect()
    old = snapshot(_md(), lite)
    new_md = _md(Column("note", Text), Column("n", Integer, nullable=False, server_default=text("0")), index=True)
    plan = plan_migration("p", new_md, lite, (3, checksum(old), old), allow_destructive=False)
    assert plan is not None and plan.version == 4
    assert {c.kind for c in plan.changes} == {"add_column", "add_index"}
    assert any(s.startswith("ALTER TABLE things ADD COLUMN note") for s in plan.statements)
    assert any("DEFAULT 0" in s for s in plan.statements)
    assert any(s.startswith("CREATE INDEX ix_things_name") for s in plan.statements)


def test_destructive_changes_are_refused_unless_allowed() -> None:
    lite = sqlite.dialect()
    old = snapshot(_md(Column("note", Text)), lite)
    with pytest.raises(DestructiveMigrationError, match=r"drop_column things\.note"):
        plan_migration("p", _md(), lite, (1, checksum(old), old), allow_destructive=False)
    plan = plan_migration("p", _md(), lite, (1, checksum(old), old), allow_destructive=True)
    assert plan is not None and plan.statements == ["ALTER TABLE things DROP COLUMN note"]
    assert [c.kind for c in diff(old, {"tables": {}})] == ["drop_table"]


def test_type_changes_compile_on_postgres_and_are_refused_on_sqlite() -> None:
    for dialect in (postgresql.dialect(), sqlite.dialect()):
        old = snapshot(_md(), dialect)
        with pytest.raises(DestructiveMigrationError, match="alter_type"):
            plan_migration("p", _md(type_=Integer), dialect, (1, checksum(old), old), allow_destructive=False)
    pg = postgresql.dialect()
    old = snapshot(_md(), pg)
    plan = plan_migration("p", _md(type_=Integer), pg, (1, checksum(old), old), allow_destructive=True)
    assert plan is not None and plan.statements == [
        "ALTER TABLE things ALTER COLUMN name TYPE INTEGER USING name::INTEGER"
    ]
    lite = sqlite.dialect()
    old = snapshot(_md(), lite)
    with pytest.raises(MigrationError, match="in place"):
        plan_migration("p", _md(type_=Integer), lite, (1, checksum(old), old), allow_destructive=True)


def test_destructive_flag_parsing() -> None:
    assert destructive_allowed({"PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS": "true"})
    assert destructive_allowed({"PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS": "TRUE"})
    assert not destructive_allowed({"PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS": "no"})
    assert not destructive_allowed({})
