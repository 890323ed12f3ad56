"""Storage rules that do not depend on the SQL dialect: agent updates, DM channel names, memory checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from ...errors import InvalidInputError
from ...types import Agent, Memory, now_ms
from .codec import dump_json, model_json

_AGENT_COLUMN_KEYS = ("id", "name", "username", "enabled", "status", "createdAt", "updatedAt")
_MERGED_KEYS = ("settings", "secrets")


@dataclass(frozen=True)
class AgentColumns:
    """An agent split into its table columns; ``data`` is the JSON of everything else (templates, secrets...)."""

    id: str
    name: str
    username: str | None
    enabled: bool
    status: str | None
    data: str
    created_at: int
    updated_at: int


def agent_columns(agent: Agent, agent_id: str) -> AgentColumns:
    now = now_ms()
    payload = model_json(agent, "agent")
    data = {k: v for k, v in payload.items() if k not in _AGENT_COLUMN_KEYS}
    return AgentColumns(
        id=agent_id,
        name=agent.name,
        username=agent.username,
        enabled=agent.enabled,
        status=agent.status,
        data=dump_json(data, "agent"),
        created_at=agent.created_at or now,
        updated_at=agent.updated_at or now,
    )


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``changes`` into ``base`` recursively; a ``None`` value deletes the key."""
    merged = dict(base)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def apply_agent_changes(current: Agent, changes: Mapping[str, Any]) -> Agent:
    """The agent after ``update_agent(changes)``: settings/secrets deep-merged, other keys replaced."""
    payload = current.model_dump(mode="json", by_alias=True, exclude_none=True)
    explicit_updated_at = False
    for raw_key, value in changes.items():
        key = to_camel(raw_key) if "_" in raw_key else raw_key
        if key == "id":
            continue
        if key == "updatedAt":
            explicit_updated_at = isinstance(value, int | float) and not isinstance(value, bool)
        if key in _MERGED_KEYS and isinstance(value, Mapping):
            payload[key] = deep_merge(payload.get(key) or {}, value)
        elif value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    if not explicit_updated_at:
        payload["updatedAt"] = now_ms()
    try:
        return Agent.model_validate(payload)
    except ValidationError as exc:
        raise InvalidInputError(f"update_agent: the changes do not give a valid agent: {exc}") from exc


def dm_channel_name(user1: str, user2: str) -> str:
    """The reference's DM channel name: ``DM-<smaller id>-<larger id>``."""
    low, high = sorted((user1, user2))
    return f"DM-{low}-{high}"


def check_table_name(table_name: object) -> str:
    if not isinstance(table_name, str) or not table_name.strip():
        raise InvalidInputError(f"table_name must be a non-empty string, got {table_name!r}")
    return table_name


def document_id_of(memory: Memory) -> str | None:
    """The ``metadata.documentId`` of a fragment (deleting the document deletes its fragments)."""
    if memory.metadata is None or not memory.metadata.document_id:
        return None
    value = memory.metadata.document_id
    return value.lower() if isinstance(value, str) else None
