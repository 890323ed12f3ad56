"""Agents, the embedding dimension declaration and the cache."""

from __future__ import annotations

import pytest

from pyeliza.errors import EmbeddingDimensionError, InvalidInputError
from pyeliza.storage import Database, DatabaseAdapter
from pyeliza.types import Agent, Memory, new_uuid, now_ms

from .conftest import Place, new_agent


async def test_agent_round_trip_keeps_templates_and_secrets(adapter: DatabaseAdapter) -> None:
    agent = await adapter.get_agent(adapter.agent_id)
    assert agent is not None and agent.name == "Tester" and agent.bio == "a test agent"
    other_id = new_uuid()
    created = Agent(
        id=other_id,
        name="Other",
        username="other",
        bio=["one", "two"],
        templates={"replyTemplate": "{{x}}"},
        secrets={"TOKEN": "s3cret"},
        settings={"a": {"b": 1, "c": 2}},
    )
    assert await adapter.create_agent(created) is True
    assert await adapter.create_agent(created) is False
    stored = await adapter.get_agent(other_id)
    assert stored is not None
    assert stored.templates == {"replyTemplate": "{{x}}"}
    assert stored.secrets == {"TOKEN": "s3cret"}
    assert stored.bio == ["one", "two"] and stored.username == "other"
    assert stored.created_at is not None and stored.updated_at is not None
    assert {a.id for a in await adapter.get_agents()} >= {adapter.agent_id, other_id}
    assert await adapter.count_agents() >= 2
    assert await adapter.delete_agent(other_id) is True
    assert await adapter.get_agent(other_id) is None
    assert await adapter.delete_agent(other_id) is False


async def test_update_agent_deep_merges_settings(adapter: DatabaseAdapter) -> None:
    assert await adapter.update_agent(adapter.agent_id, {"settings": {"a": {"b": 1, "c": 2}, "keep": True}})
    assert await adapter.update_agent(adapter.agent_id, {"settings": {"a": {"c": None, "d": 4}}, "system": "sys"})
    agent = await adapter.get_agent(adapter.agent_id)
    assert agent is not None
    assert agent.settings == {"a": {"b": 1, "d": 4}, "keep": True}
    assert agent.system == "sys"
    assert await adapter.update_agent(adapter.agent_id, {"updatedAt": 1234, "messageExamples": []})
    agent = await adapter.get_agent(adapter.agent_id)
    assert agent is not None and agent.updated_at == 1234 and agent.message_examples == []
    assert await adapter.update_agent(new_uuid(), {"name": "x"}) is False


async def test_update_agent_rejects_an_invalid_result(adapter: DatabaseAdapter) -> None:
    with pytest.raises(InvalidInputError):
        await adapter.update_agent(adapter.agent_id, {"name": ""})
    agent = await adapter.get_agent(adapter.agent_id)
    assert agent is not None and agent.name == "Tester"


async def test_embedding_dimension_is_declared_and_enforced(adapter: DatabaseAdapter, place: Place) -> None:
    assert await adapter.get_embedding_dimension() is None
    await adapter.ensure_embedding_dimension(384, "tiny-model")
    assert await adapter.get_embedding_dimension() == 384
    memory = Memory(entity_id=place.entity_id, room_id=place.room_id, content={"text": "x"}, embedding=[1.0] * 512)
    with pytest.raises(EmbeddingDimensionError) as caught:
        await adapter.create_memory(memory, "messages")
    assert (caught.value.expected, caught.value.got, caught.value.model) == (384, 512, "tiny-model")
    assert "tiny-model" in str(caught.value) and "512" in str(caught.value)
    assert await adapter.get_memories("messages", room_id=place.room_id) == []
    await adapter.create_memory(memory.model_copy(update={"embedding": [1.0] * 384}), "messages")
    with pytest.raises(EmbeddingDimensionError):
        await adapter.ensure_embedding_dimension(768, "bigger-model")
    await adapter.ensure_embedding_dimension(384, "tiny-model")
    with pytest.raises(InvalidInputError):
        await adapter.ensure_embedding_dimension(0)


async def test_dimension_can_change_while_no_vector_is_stored(adapter: DatabaseAdapter) -> None:
    await adapter.ensure_embedding_dimension(384, "a")
    await adapter.ensure_embedding_dimension(1536, "b")
    assert await adapter.get_embedding_dimension() == 1536


async def test_cache_set_get_delete_and_expiry(adapter: DatabaseAdapter, database: Database) -> None:
    assert await adapter.get_cache("k") is None
    assert await adapter.set_cache("k", {"v": [1, 2]})
    assert await adapter.get_cache("k") == {"v": [1, 2]}
    assert await adapter.set_cache("k", "replaced")
    assert await adapter.get_cache("k") == "replaced"
    other = await new_agent(database, "Other")
    assert await other.get_cache("k") is None
    assert await adapter.set_cache("old", 1, expires_at=now_ms() - 1)
    assert await adapter.get_cache("old") is None
    assert await adapter.set_cache("fresh", 2, expires_at=now_ms() + 60_000)
    assert await adapter.get_cache("fresh") == 2
    assert await adapter.delete_cache("k") is True
    assert await adapter.delete_cache("k") is False
    assert await adapter.get_cache("k") is None
    with pytest.raises(InvalidInputError):
        await adapter.set_cache("nan", float("nan"))
    await other.delete_agent(other.agent_id)


async def test_non_uuid_ids_are_rejected(adapter: DatabaseAdapter) -> None:
    with pytest.raises(InvalidInputError, match="not-a-uuid"):
        await adapter.get_agent("not-a-uuid")
    with pytest.raises(InvalidInputError):
        await adapter.get_entities_by_ids(["x"])
    with pytest.raises(InvalidInputError):
        await adapter.get_memories("messages", room_id="nope")


async def test_lifecycle_helpers(adapter: DatabaseAdapter) -> None:
    await adapter.init()
    assert await adapter.is_ready() is True
    assert await adapter.get_connection() is not None
    statuses = await adapter.get_migration_status()
    assert [s.plugin_name for s in statuses] == ["core"]
    assert statuses[0].version >= 1 and len(statuses[0].checksum) == 64
