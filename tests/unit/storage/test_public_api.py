"""The public surface of ``pyeliza.storage``: names neither leak nor disappear."""

from __future__ import annotations

import pyeliza.storage as storage


def test_exported_names() -> None:
    assert sorted(storage.__all__) == [
        "DATA_DIR_ENV",
        "Database",
        "DatabaseAdapter",
        "MigrationStatus",
        "PluginSchema",
        "create_adapter",
        "data_dir",
        "default_sqlite_path",
        "open_database",
    ]
    for name in storage.__all__:
        assert getattr(storage, name) is not None
