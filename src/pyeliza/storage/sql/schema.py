"""The core tables of pyeliza as SQLAlchemy Core ``MetaData``, shared by the SQLite and PostgreSQL backends.

Conventions every backend relies on:

* ids are ``Uuid(as_uuid=False)`` columns holding canonical lower-case UUID strings (``uuid`` on PostgreSQL,
  text on SQLite); timestamps are ``BigInteger`` milliseconds since the epoch; open objects and string lists are
  ``JSON`` (``jsonb`` on PostgreSQL).
* ``embeddings.vector`` is a :class:`Vector`: a ``TypeDecorator`` that is a ``BLOB`` of little-endian float32 on
  SQLite and pgvector's dimensionless ``vector`` type on PostgreSQL. One row per memory stores its ``dimension``;
  the PostgreSQL backend adds a partial HNSW expression index per dimension
  (``(vector::vector(384)) vector_cosine_ops WHERE dimension = 384``) so one table serves every model size.
  Vectors are stored L2-normalised, so cosine similarity is a dot product.
* ``agent_embedding`` records each agent's declared dimension and embedding model.
* The hot queries of both backends are written by hand against these names; this module only defines them
  (and the migration engine diffs them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

CORE_PLUGIN = "core"


class _PgVector(UserDefinedType[Any]):
    """pgvector's ``vector`` type without a fixed size (per-dimension indexes cast it)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "vector"


class Vector(TypeDecorator[bytes]):
    """An embedding column: float32 ``BLOB`` on SQLite, pgvector ``vector`` on PostgreSQL."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PgVector())
        return dialect.type_descriptor(LargeBinary())


def _id(name: str = "id", *args: Any, **kw: Any) -> Column[Any]:
    return Column(name, Uuid(as_uuid=False), *args, **kw)


def _json() -> TypeEngine[Any]:
    return JSON().with_variant(JSONB(), "postgresql")


def _fk(target: str, ondelete: str = "CASCADE") -> ForeignKey:
    return ForeignKey(target, ondelete=ondelete)


def build_core_metadata() -> MetaData:
    """A fresh ``MetaData`` holding every core table (a new object per call: no shared mutable state)."""
    md = MetaData()
    Table(
        "agents",
        md,
        _id(primary_key=True),
        Column("name", Text, nullable=False),
        Column("username", Text),
        Column("enabled", Boolean, nullable=False),
        Column("status", Text),
        Column("data", _json(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
    )
    Table(
        "agent_embedding",
        md,
        _id("agent_id", _fk("agents.id"), primary_key=True),
        Column("dimension", Integer, nullable=False),
        Column("model", Text),
        Column("updated_at", BigInteger, nullable=False),
    )
    Table(
        "entities",
        md,
        _id(primary_key=True),
        _id("agent_id", _fk("agents.id"), nullable=False),
        Column("names", _json(), nullable=False),
        Column("metadata", _json(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_entities_agent", "agent_id"),
    )
    Table(
        "worlds",
        md,
        _id(primary_key=True),
        _id("agent_id", _fk("agents.id"), nullable=False),
        Column("name", Text, nullable=False),
        _id("message_server_id"),
        Column("metadata", _json()),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_worlds_agent", "agent_id"),
    )
    Table(
        "rooms",
        md,
        _id(primary_key=True),
        _id("agent_id", _fk("agents.id")),
        Column("source", Text, nullable=False),
        Column("type", Text, nullable=False),
        Column("channel_id", Text),
        _id("message_server_id"),
        _id("world_id"),
        Column("name", Text),
        Column("metadata", _json()),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_rooms_agent", "agent_id"),
        Index("ix_rooms_world", "world_id"),
    )
    Table(
        "components",
        md,
        _id(primary_key=True),
        _id("entity_id", _fk("entities.id"), nullable=False),
        _id("agent_id", _fk("agents.id"), nullable=False),
        _id("room_id", _fk("rooms.id"), nullable=False),
        _id("world_id", _fk("worlds.id")),
        _id("source_entity_id", _fk("entities.id")),
        Column("type", Text, nullable=False),
        Column("data", _json(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_components_entity", "entity_id"),
    )
    Table(
        "participants",
        md,
        _id(primary_key=True),
        _id("entity_id", _fk("entities.id"), nullable=False),
        _id("room_id", _fk("rooms.id"), nullable=False),
        _id("agent_id", _fk("agents.id"), nullable=False),
        Column("room_state", Text),
        Column("created_at", BigInteger, nullable=False),
        UniqueConstraint("entity_id", "room_id", "agent_id", name="uq_participants_entity_room_agent"),
        Index("ix_participants_room", "room_id"),
    )
    Table(
        "memories",
        md,
        _id(primary_key=True),
        Column("type", Text, nullable=False),
        _id("agent_id", _fk("agents.id"), nullable=False),
        _id("entity_id", _fk("entities.id"), nullable=False),
        _id("room_id", _fk("rooms.id"), nullable=False),
        _id("world_id"),
        Column("content", _json(), nullable=False),
        Column("metadata", _json(), nullable=False),
        Column("unique", Boolean, nullable=False),
        _id("document_id"),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_memories_agent_type_room_created", "agent_id", "type", "room_id", "created_at"),
        Index("ix_memories_room", "room_id"),
        Index("ix_memories_world", "world_id"),
        Index("ix_memories_entity", "entity_id"),
        Index(  # partial: messages have no document, and every index a message insert touches is a page it writes
            "ix_memories_document_set",
            "document_id",
            sqlite_where=text("document_id IS NOT NULL"),
            postgresql_where=text("document_id IS NOT NULL"),
        ),
    )
    Table(
        "embeddings",
        md,
        _id("memory_id", _fk("memories.id"), primary_key=True),
        _id("agent_id", _fk("agents.id"), nullable=False),
        Column("dimension", Integer, nullable=False),
        Column("vector", Vector(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_embeddings_agent_dimension", "agent_id", "dimension"),
    )
    Table(
        "relationships",
        md,
        _id(primary_key=True),
        _id("source_entity_id", _fk("entities.id"), nullable=False),
        _id("target_entity_id", _fk("entities.id"), nullable=False),
        _id("agent_id", _fk("agents.id"), nullable=False),
        Column("tags", _json(), nullable=False),
        Column("metadata", _json(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        UniqueConstraint("source_entity_id", "target_entity_id", "agent_id", name="uq_relationships_pair"),
        Index("ix_relationships_target", "target_entity_id"),
    )
    Table(
        "logs",
        md,
        _id(primary_key=True),
        _id("agent_id", _fk("agents.id"), nullable=False),
        _id("entity_id", nullable=False),
        _id("room_id", _fk("rooms.id")),
        Column("type", Text, nullable=False),
        Column("body", _json(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_logs_agent_type_created", "agent_id", "type", "created_at"),
        Index("ix_logs_room", "room_id"),
    )
    Table(
        "cache",
        md,
        Column("key", Text, nullable=False),
        _id("agent_id", _fk("agents.id"), nullable=False),
        Column("value", _json(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Column("expires_at", BigInteger),
        PrimaryKeyConstraint("key", "agent_id", name="pk_cache"),
    )
    Table(
        "tasks",
        md,
        _id(primary_key=True),
        _id("agent_id", _fk("agents.id"), nullable=False),
        Column("name", Text, nullable=False),
        Column("description", Text, nullable=False),
        _id("room_id"),
        _id("world_id"),
        _id("entity_id"),
        Column("tags", _json(), nullable=False),
        Column("metadata", _json(), nullable=False),
        Column("lease_owner", Text),
        Column("lease_expires_at", BigInteger),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
        Index("ix_tasks_agent_name", "agent_id", "name"),
    )
    _central_messaging_tables(md)
    return md


def _central_messaging_tables(md: MetaData) -> None:
    Table(
        "message_servers",
        md,
        _id(primary_key=True),
        Column("name", Text, nullable=False),
        Column("source_type", Text, nullable=False),
        Column("source_id", Text),
        Column("metadata", _json()),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
    )
    Table(
        "message_server_agents",
        md,
        _id("message_server_id", _fk("message_servers.id"), nullable=False),
        _id("agent_id", _fk("agents.id"), nullable=False),
        PrimaryKeyConstraint("message_server_id", "agent_id", name="pk_message_server_agents"),
    )
    Table(
        "channels",
        md,
        _id(primary_key=True),
        _id("message_server_id", _fk("message_servers.id"), nullable=False),
        Column("name", Text, nullable=False),
        Column("type", Text, nullable=False),
        Column("source_type", Text),
        Column("source_id", Text),
        Column("topic", Text),
        Column("metadata", _json()),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
        Index("ix_channels_server", "message_server_id"),
    )
    Table(
        "channel_participants",
        md,
        _id("channel_id", _fk("channels.id"), nullable=False),
        Column("entity_id", Text, nullable=False),
        PrimaryKeyConstraint("channel_id", "entity_id", name="pk_channel_participants"),
    )
    Table(
        "central_messages",
        md,
        _id(primary_key=True),
        _id("channel_id", _fk("channels.id"), nullable=False),
        Column("author_id", Text, nullable=False),
        Column("content", Text, nullable=False),
        Column("raw_message", _json()),
        _id("in_reply_to_root_message_id", _fk("central_messages.id", ondelete="SET NULL")),
        Column("source_type", Text),
        Column("source_id", Text),
        Column("metadata", _json(), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
        Index("ix_central_messages_channel_created", "channel_id", "created_at"),
    )
