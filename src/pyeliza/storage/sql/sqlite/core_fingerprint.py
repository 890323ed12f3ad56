"""A fingerprint of the code that defines the core schema, so a restart on a migrated file skips migrating.

Planning the core migration means building the SQLAlchemy ``MetaData`` and diffing its snapshot, and importing
SQLAlchemy alone costs about as much as the rest of a cold start. The fingerprint is the sha256 of the modules
that define the core snapshot (``schema.py``, ``migrations.py``) and the installed SQLAlchemy version, read
without importing SQLAlchemy. After a successful core migration it is stored in ``pyeliza_schema_fingerprint``;
when the stored value equals the current one, nothing that could change the core schema has changed.
"""

from __future__ import annotations

import hashlib
import sqlite3
from importlib import metadata
from pathlib import Path

FINGERPRINT_TABLE = "pyeliza_schema_fingerprint"
CORE_KEY = "core"
_SOURCES = ("schema.py", "migrations.py")


def core_schema_fingerprint() -> str | None:
    """The current fingerprint, or ``None`` when a source cannot be read (then the core is always migrated)."""
    digest = hashlib.sha256()
    directory = Path(__file__).resolve().parent.parent
    try:
        for name in _SOURCES:
            digest.update((directory / name).read_bytes())
        digest.update(metadata.version("sqlalchemy").encode("utf-8"))
    except (OSError, metadata.PackageNotFoundError):
        return None
    return digest.hexdigest()


def core_is_current(conn: sqlite3.Connection) -> tuple[bool, str | None]:
    """(whether the file records the current fingerprint, the current fingerprint)."""
    fingerprint = core_schema_fingerprint()
    if fingerprint is None:
        return False, None
    try:
        row = conn.execute(f"SELECT fingerprint FROM {FINGERPRINT_TABLE} WHERE plugin = ?", (CORE_KEY,)).fetchone()
    except sqlite3.OperationalError:  # no such table: a new file, or one migrated before fingerprints existed
        return False, fingerprint
    return row is not None and row[0] == fingerprint, fingerprint


def record_fingerprint(conn: sqlite3.Connection, fingerprint: str) -> None:
    """Store the fingerprint of a core schema that was just migrated, in its own write transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {FINGERPRINT_TABLE} (plugin TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)"
        )
        conn.execute(
            f"INSERT INTO {FINGERPRINT_TABLE} (plugin, fingerprint) VALUES (?, ?) "
            "ON CONFLICT (plugin) DO UPDATE SET fingerprint = excluded.fingerprint",
            (CORE_KEY, fingerprint),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
