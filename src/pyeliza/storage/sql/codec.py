"""Dialect-independent conversions between pydantic models and table rows, with input checks.

Rows are any mapping from column name to value (``sqlite3.Row``, ``asyncpg.Record``); JSON columns may arrive
as text (SQLite, asyncpg without a codec) or already decoded. Every check raises
:class:`pyeliza.errors.InvalidInputError` naming what is wrong, before anything is written.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from ...errors import InvalidInputError
from ...types import (
    Agent,
    CentralMessage,
    Channel,
    Component,
    Content,
    Entity,
    Log,
    Memory,
    MemoryMetadata,
    MessageServer,
    Relationship,
    Room,
    Task,
    World,
    lower_uuid,
)

MAX_JSON_BYTES = 1024 * 1024
"""Largest JSON document (content, metadata, body, value) accepted in one column: 1 MiB."""


class Row(Protocol):
    """A result row addressable by column name (``sqlite3.Row``, ``asyncpg.Record``, a dict)."""

    def __getitem__(self, key: str, /) -> Any: ...


def check_id(value: object, what: str) -> str:
    """A canonical lower-case UUID string, or :class:`InvalidInputError` naming ``what``."""
    lowered = lower_uuid(value)
    if lowered is None:
        raise InvalidInputError(f"{what} must be a UUID string, got {value!r}")
    return lowered


def check_optional_id(value: object, what: str) -> str | None:
    return None if value is None else check_id(value, what)


def check_ids(values: Sequence[object], what: str) -> list[str]:
    if isinstance(values, str):
        raise InvalidInputError(f"{what} must be a list of UUID strings, got a single string {values!r}")
    return [check_id(v, what) for v in values]


def dump_json(value: Any, what: str, *, limit: int = MAX_JSON_BYTES) -> str:
    """Encode ``value`` as compact JSON, refusing NaN/inf, non-JSON objects and documents over ``limit`` bytes."""
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what} is not valid JSON: {exc}") from exc
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise InvalidInputError(f"{what} is {size} bytes of JSON, over the limit of {limit} bytes")
    return text


def dump_log_body(body: Any, what: str, *, limit: int = MAX_JSON_BYTES) -> str:
    """Encode a log body as compact JSON with orjson.

    Log bodies carry whole prompts (8-11 KB per model call), and the standard library's encoder spent about
    15 µs on each: 7 % of the instructions of a W5 message. A log row is a record of work that happened, so a
    value JSON cannot hold does not cost the row: NaN and infinities become ``null`` and dates their ISO form.
    What orjson refuses (integers beyond 64 bits, unknown objects) goes through :func:`dump_json`.
    """
    try:
        data = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return dump_json(_finite(body), what, limit=limit)
    if len(data) > limit:
        raise InvalidInputError(f"{what} is {len(data)} bytes of JSON, over the limit of {limit} bytes")
    return data.decode()


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by ``None`` in every nested dict, list and tuple."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def optional_json(value: Any, what: str) -> str | None:
    """``dump_json`` for a nullable JSON column."""
    return None if value is None else dump_json(value, what)


def central_message_values(message: CentralMessage, now: int) -> tuple[Any, ...]:
    """The checked column values of a ``central_messages`` row, in the order of ``CENTRAL_MESSAGE_COLUMNS``."""
    return (
        check_id(message.id, "message.id"),
        check_id(message.channel_id, "message.channel_id"),
        message.author_id,
        message.content,
        optional_json(message.raw_message, "message.raw_message"),
        check_optional_id(message.in_reply_to_root_message_id, "message.in_reply_to_root_message_id"),
        message.source_type,
        message.source_id,
        dump_json(message.metadata, "message.metadata"),
        message.created_at or now,
        message.updated_at or now,
    )


CENTRAL_MESSAGE_COLUMNS = (
    "id, channel_id, author_id, content, raw_message, in_reply_to_root_message_id, source_type, source_id, "
    "metadata, created_at, updated_at"
)


def model_json(model: BaseModel | None, what: str) -> dict[str, Any]:
    """The camelCase JSON object of a model (empty for ``None``), as a dict ready for :func:`dump_json`."""
    if model is None:
        return {}
    try:
        return model.model_dump(mode="python", by_alias=True, exclude_none=True)
    except (PydanticSerializationError, TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what} cannot be serialised to JSON: {exc}") from exc


def load_json(value: Any) -> Any:
    if value is None or not isinstance(value, str | bytes):
        return value
    return json.loads(value)


def iso_from_ms(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat().replace("+00:00", "Z")


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def agent_from_row(row: Row) -> Agent:
    data = dict(load_json(row["data"]) or {})
    data.update(
        {
            "id": str(row["id"]),
            "name": row["name"],
            "enabled": bool(row["enabled"]),
            "status": row["status"],
            "createdAt": int(row["created_at"]),
            "updatedAt": int(row["updated_at"]),
        }
    )
    if row["username"] is not None:
        data["username"] = row["username"]
    return Agent.model_validate(data)


def entity_from_row(row: Row, components: list[Component] | None = None, model: type[Entity] = Entity) -> Entity:
    return model(
        id=str(row["id"]),
        agent_id=str(row["agent_id"]),
        names=list(load_json(row["names"]) or []),
        metadata=dict(load_json(row["metadata"]) or {}),
        components=components,
    )


def component_from_row(row: Row) -> Component:
    return Component(
        id=str(row["id"]),
        entity_id=str(row["entity_id"]),
        agent_id=str(row["agent_id"]),
        room_id=str(row["room_id"]),
        world_id=_opt_str(row["world_id"]),
        source_entity_id=_opt_str(row["source_entity_id"]),
        type=row["type"],
        data=dict(load_json(row["data"]) or {}),
        created_at=int(row["created_at"]),
    )


def world_from_row(row: Row) -> World:
    return World(
        id=str(row["id"]),
        name=row["name"],
        agent_id=str(row["agent_id"]),
        message_server_id=_opt_str(row["message_server_id"]),
        metadata=load_json(row["metadata"]),
    )


def room_from_row(row: Row) -> Room:
    return Room.model_validate(
        {
            "id": str(row["id"]),
            "name": row["name"],
            "agent_id": _opt_str(row["agent_id"]),
            "source": row["source"],
            "type": row["type"],
            "channel_id": row["channel_id"],
            "message_server_id": _opt_str(row["message_server_id"]),
            "world_id": _opt_str(row["world_id"]),
            "metadata": load_json(row["metadata"]),
        }
    )


_EMPTY_JSON = frozenset({"", "{}", "null"})


def _metadata_from(value: Any) -> MemoryMetadata | None:
    """Memory metadata from its column; JSON text is parsed by pydantic directly (no ``json.loads`` pass)."""
    if isinstance(value, str | bytes):
        text = value.decode() if isinstance(value, bytes) else value
        return None if text.strip() in _EMPTY_JSON else MemoryMetadata.model_validate_json(text)
    return MemoryMetadata.model_validate(value) if value else None


def _content_from(value: Any) -> Content:
    if isinstance(value, str | bytes):
        return Content.model_validate_json(value)
    return Content.model_validate(value)


_MEMORY_FIELDS = frozenset(Memory.model_fields)


def _trusted_memory(fields: dict[str, Any]) -> Memory:
    """What ``Memory.model_construct(**fields)`` builds, for ``fields`` holding every field in declaration order.

    ``model_construct`` walks the model's fields in Python (about 7 µs a memory); setting the four attributes
    it sets directly takes about 1 µs, which matters when a conversation of 32 messages is read per message.
    ``tests/unit/storage/test_codec.py`` checks that both give equal memories with the same fields set.
    """
    memory = Memory.__new__(Memory)
    object.__setattr__(memory, "__dict__", fields)
    object.__setattr__(memory, "__pydantic_fields_set__", set(_MEMORY_FIELDS))
    object.__setattr__(memory, "__pydantic_extra__", None)
    object.__setattr__(memory, "__pydantic_private__", None)
    return memory


def memory_from_row(row: Row, embedding: list[float] | None = None, similarity: float | None = None) -> Memory:
    """A memory from one of our own rows, built without re-validating what the write already checked.

    Ids were checked by :func:`check_id` and the vector by its dimension when the row was written, so the memory
    is assembled without validation (validating a 384-float embedding and four UUIDs per row was most of the
    cost of reading a conversation). Content and metadata are open JSON objects with nested models, so they
    still go through validation. The fields set are the same as ``Memory.model_validate`` of all fields gives.
    """
    return _trusted_memory(
        {
            "id": str(row["id"]),
            "entity_id": str(row["entity_id"]),
            "agent_id": str(row["agent_id"]),
            "room_id": str(row["room_id"]),
            "world_id": _opt_str(row["world_id"]),
            "content": _content_from(row["content"]),
            "embedding": embedding,
            "created_at": int(row["created_at"]),
            "unique": bool(row["unique"]),
            "similarity": similarity,
            "metadata": _metadata_from(row["metadata"]),
        }
    )


def relationship_from_row(row: Row) -> Relationship:
    return Relationship(
        id=str(row["id"]),
        source_entity_id=str(row["source_entity_id"]),
        target_entity_id=str(row["target_entity_id"]),
        agent_id=str(row["agent_id"]),
        tags=list(load_json(row["tags"]) or []),
        metadata=dict(load_json(row["metadata"]) or {}),
        created_at=iso_from_ms(row["created_at"]),
    )


def log_from_row(row: Row) -> Log:
    return Log(
        id=str(row["id"]),
        entity_id=str(row["entity_id"]),
        room_id=_opt_str(row["room_id"]),
        type=row["type"],
        body=dict(load_json(row["body"]) or {}),
        created_at=int(row["created_at"]),
    )


def task_from_row(row: Row) -> Task:
    return Task(
        id=str(row["id"]),
        name=row["name"],
        description=row["description"],
        room_id=_opt_str(row["room_id"]),
        world_id=_opt_str(row["world_id"]),
        entity_id=_opt_str(row["entity_id"]),
        tags=list(load_json(row["tags"]) or []),
        metadata=dict(load_json(row["metadata"]) or {}),
        created_at=int(row["created_at"]),
        updated_at=int(row["updated_at"]),
    )


def message_server_from_row(row: Row) -> MessageServer:
    return MessageServer(
        id=str(row["id"]),
        name=row["name"],
        source_type=row["source_type"],
        source_id=row["source_id"],
        metadata=load_json(row["metadata"]),
        created_at=int(row["created_at"]),
        updated_at=int(row["updated_at"]),
    )


def channel_from_row(row: Row) -> Channel:
    return Channel.model_validate(
        {
            "id": str(row["id"]),
            "message_server_id": str(row["message_server_id"]),
            "name": row["name"],
            "type": row["type"],
            "source_type": row["source_type"],
            "source_id": row["source_id"],
            "topic": row["topic"],
            "metadata": load_json(row["metadata"]),
            "created_at": int(row["created_at"]),
            "updated_at": int(row["updated_at"]),
        }
    )


def central_message_from_row(row: Row) -> CentralMessage:
    return CentralMessage(
        id=str(row["id"]),
        channel_id=str(row["channel_id"]),
        author_id=row["author_id"],
        content=row["content"],
        raw_message=load_json(row["raw_message"]),
        in_reply_to_root_message_id=_opt_str(row["in_reply_to_root_message_id"]),
        source_type=row["source_type"],
        source_id=row["source_id"],
        metadata=dict(load_json(row["metadata"]) or {}),
        created_at=int(row["created_at"]),
        updated_at=int(row["updated_at"]),
    )
