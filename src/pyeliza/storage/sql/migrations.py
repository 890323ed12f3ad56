"""The migration engine shared by the SQLite and PostgreSQL backends (pure planning, no I/O).

A plugin's schema is a SQLAlchemy ``MetaData``. :func:`snapshot` turns it into JSON (tables, columns with their
type compiled for the target dialect, nullability, defaults, indexes, unique constraints, foreign keys), whose
sha256 is its checksum. :func:`plan_migration` diffs the last recorded snapshot of the plugin against the
current one and returns the DDL to run, compiled from SQLAlchemy constructs for the dialect.

Additive changes (new table, new nullable or defaulted column, new index) are planned automatically.
Destructive ones (dropped table or column, column type change) raise :class:`DestructiveMigrationError` unless
``allow_destructive`` (the backends pass ``PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS=true``). Each backend runs the
statements and the bookkeeping insert into ``pyeliza_migrations`` in one transaction (SQLite: ``BEGIN
EXCLUSIVE``; PostgreSQL: under an advisory lock).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, Column, Dialect, Index, Integer, MetaData, Table, Text, UniqueConstraint
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable, DropTable

from ...errors import DestructiveMigrationError, MigrationError

ALLOW_DESTRUCTIVE_ENV = "PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS"
MIGRATIONS_TABLE = "pyeliza_migrations"

Snapshot = dict[str, Any]


def destructive_allowed(environ: dict[str, str] | None = None) -> bool:
    """Whether ``PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS`` is set to a true value."""
    env = os.environ if environ is None else environ
    return env.get(ALLOW_DESTRUCTIVE_ENV, "").strip().lower() in {"1", "true", "yes"}


def bookkeeping_metadata() -> MetaData:
    """The ``pyeliza_migrations`` table: one row per applied (plugin, version)."""
    md = MetaData()
    Table(
        MIGRATIONS_TABLE,
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("plugin", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("checksum", Text, nullable=False),
        Column("snapshot", Text, nullable=False),
        Column("applied_at", BigInteger, nullable=False),
        UniqueConstraint("plugin", "version", name="uq_pyeliza_migrations_plugin_version"),
    )
    return md


def bookkeeping_ddl(dialect: Dialect) -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` for the bookkeeping table."""
    table = bookkeeping_metadata().tables[MIGRATIONS_TABLE]
    return [str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)).strip()]


def _default_text(column: Column[Any], dialect: Dialect) -> str | None:
    default = column.server_default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    if arg is None:
        return None
    if isinstance(arg, str):
        return arg
    return str(arg.compile(dialect=dialect))


def _column_snapshot(column: Column[Any], dialect: Dialect) -> dict[str, Any]:
    return {
        "type": str(column.type.compile(dialect=dialect)),
        "nullable": bool(column.nullable),
        "primary_key": bool(column.primary_key),
        "default": _default_text(column, dialect),
    }


def _table_snapshot(table: Table, dialect: Dialect) -> dict[str, Any]:
    indexes = {
        str(ix.name): {"columns": [c.name for c in ix.columns], "unique": bool(ix.unique)}
        for ix in sorted(table.indexes, key=lambda i: str(i.name))
    }
    uniques = sorted([c.name for c in uc.columns] for uc in table.constraints if isinstance(uc, UniqueConstraint))
    foreign_keys = sorted(
        (
            {"column": fk.parent.name, "references": fk.target_fullname, "ondelete": fk.ondelete}
            for fk in table.foreign_keys
        ),
        key=lambda fk: json.dumps(fk, sort_keys=True),
    )
    return {
        "columns": {c.name: _column_snapshot(c, dialect) for c in table.columns},
        "primary_key": [c.name for c in table.primary_key.columns],
        "indexes": indexes,
        "uniques": uniques,
        "foreign_keys": foreign_keys,
    }


def snapshot(metadata: MetaData, dialect: Dialect) -> Snapshot:
    """The JSON description of ``metadata`` as compiled for ``dialect``."""
    return {"tables": {name: _table_snapshot(table, dialect) for name, table in sorted(metadata.tables.items())}}


def checksum(snap: Snapshot) -> str:
    return hashlib.sha256(json.dumps(snap, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots."""

    kind: str
    table: str
    name: str = ""
    destructive: bool = False
    detail: str = ""

    def describe(self) -> str:
        target = f"{self.table}.{self.name}" if self.name else self.table
        return f"{self.kind} {target}{': ' + self.detail if self.detail else ''}"


def diff(previous: Snapshot, current: Snapshot) -> list[Change]:
    """Changes that turn ``previous`` into ``current``, additive ones first."""
    changes: list[Change] = []
    old_tables: dict[str, Any] = previous.get("tables", {})
    new_tables: dict[str, Any] = current.get("tables", {})
    for name in new_tables:
        if name not in old_tables:
            changes.append(Change("add_table", name))
    for name, new in new_tables.items():
        old = old_tables.get(name)
        if old is not None:
            changes.extend(_diff_table(name, old, new))
    for name in old_tables:
        if name not in new_tables:
            changes.append(Change("drop_table", name, destructive=True))
    return sorted(changes, key=lambda c: c.destructive)


def _diff_table(table: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for col, spec in new["columns"].items():
        before = old["columns"].get(col)
        if before is None:
            if not spec["nullable"] and spec["default"] is None:
                raise MigrationError(f"cannot add column {table}.{col}: a new NOT NULL column needs a server default")
            changes.append(Change("add_column", table, col))
        elif before["type"] != spec["type"]:
            changes.append(
                Change("alter_type", table, col, destructive=True, detail=f"{before['type']} -> {spec['type']}")
            )
        elif before["nullable"] != spec["nullable"]:
            raise MigrationError(f"cannot change nullability of {table}.{col} automatically; add a new column")
    for col in old["columns"]:
        if col not in new["columns"]:
            changes.append(Change("drop_column", table, col, destructive=True))
    for ix in new["indexes"]:
        if ix not in old["indexes"]:
            changes.append(Change("add_index", table, ix))
        elif old["indexes"][ix] != new["indexes"][ix]:
            changes.append(Change("drop_index", table, ix))
            changes.append(Change("add_index", table, ix))
    for ix in old["indexes"]:
        if ix not in new["indexes"]:
            changes.append(Change("drop_index", table, ix))
    if old["uniques"] != new["uniques"] or old["foreign_keys"] != new["foreign_keys"]:
        raise MigrationError(
            f"cannot change unique or foreign-key constraints of existing table {table}; use a new table or index"
        )
    return changes


@dataclass
class MigrationPlan:
    """What a backend runs for one plugin: DDL, then the bookkeeping row (version, checksum, snapshot)."""

    plugin: str
    version: int
    checksum: str
    snapshot: Snapshot
    statements: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def snapshot_json(self) -> str:
        return json.dumps(self.snapshot, sort_keys=True, separators=(",", ":"))


def plan_migration(
    plugin: str,
    metadata: MetaData,
    dialect: Dialect,
    previous: tuple[int, str, Snapshot] | None,
    *,
    allow_destructive: bool,
) -> MigrationPlan | None:
    """Plan the migration of ``plugin`` from ``previous`` (version, checksum, snapshot); ``None`` if up to date."""
    current = snapshot(metadata, dialect)
    digest = checksum(current)
    if previous is not None and previous[1] == digest:
        return None
    old: Snapshot = previous[2] if previous is not None else {"tables": {}}
    changes = diff(old, current)
    destructive = [c for c in changes if c.destructive]
    if destructive and not allow_destructive:
        listed = "; ".join(c.describe() for c in destructive)
        raise DestructiveMigrationError(
            f"migration of plugin {plugin!r} would drop data ({listed}); set {ALLOW_DESTRUCTIVE_ENV}=true to apply it"
        )
    version = (previous[0] + 1) if previous is not None else 1
    statements = render(changes, metadata, dialect)
    return MigrationPlan(plugin, version, digest, current, statements, changes)


def _index(metadata: MetaData, table: str, name: str) -> Index:
    for ix in metadata.tables[table].indexes:
        if ix.name == name:
            return ix
    raise MigrationError(f"index {name} of table {table} is not in the schema")


def render(changes: list[Change], metadata: MetaData, dialect: Dialect) -> list[str]:
    """Compile ``changes`` to DDL strings for ``dialect`` (tables in dependency order)."""
    out: list[str] = []
    new_tables = {c.table for c in changes if c.kind == "add_table"}
    for table in metadata.sorted_tables:
        if table.name in new_tables:
            out.append(str(CreateTable(table).compile(dialect=dialect)).strip())
            out.extend(str(CreateIndex(ix).compile(dialect=dialect)).strip() for ix in table.indexes)
    q = dialect.identifier_preparer.quote
    for change in changes:
        if change.kind == "add_column":
            column = metadata.tables[change.table].columns[change.name]
            spec = str(CreateColumn(column).compile(dialect=dialect)).strip()
            out.append(f"ALTER TABLE {q(change.table)} ADD COLUMN {spec}")
        elif change.kind == "drop_index":
            out.append(f"DROP INDEX IF EXISTS {q(change.name)}")
        elif change.kind == "add_index":
            out.append(str(CreateIndex(_index(metadata, change.table, change.name)).compile(dialect=dialect)).strip())
        elif change.kind == "drop_column":
            out.append(f"ALTER TABLE {q(change.table)} DROP COLUMN {q(change.name)}")
        elif change.kind == "drop_table":
            out.append(str(DropTable(Table(change.table, MetaData())).compile(dialect=dialect)).strip())
        elif change.kind == "alter_type":
            out.append(_alter_type(change, metadata, dialect))
    return out


def _alter_type(change: Change, metadata: MetaData, dialect: Dialect) -> str:
    if dialect.name != "postgresql":
        raise MigrationError(
            f"{dialect.name} cannot change the type of {change.table}.{change.name} in place ({change.detail}); "
            "add a new column instead"
        )
    q = dialect.identifier_preparer.quote
    column = metadata.tables[change.table].columns[change.name]
    new_type = column.type.compile(dialect=dialect)
    return (
        f"ALTER TABLE {q(change.table)} ALTER COLUMN {q(change.name)} TYPE {new_type} "
        f"USING {q(change.name)}::{new_type}"
    )


__all__ = [
    "ALLOW_DESTRUCTIVE_ENV",
    "MIGRATIONS_TABLE",
    "Change",
    "MigrationPlan",
    "bookkeeping_ddl",
    "bookkeeping_metadata",
    "checksum",
    "destructive_allowed",
    "diff",
    "plan_migration",
    "render",
    "snapshot",
]
