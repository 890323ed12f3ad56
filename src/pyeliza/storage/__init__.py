"""Persistence: the ``DatabaseAdapter`` contract and its SQLite and PostgreSQL backends."""

from .adapter import DatabaseAdapter, MigrationStatus, PluginSchema

__all__ = ["DatabaseAdapter", "MigrationStatus", "PluginSchema"]
