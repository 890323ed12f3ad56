"""reset_embeddings: the explicit re-embed after an embedding model change, on every backend."""

from __future__ import annotations

import pytest

from pyeliza.errors import EmbeddingDimensionError, InvalidInputError
from pyeliza.storage import Database, DatabaseAdapter
from pyeliza.types import Content, Memory, MemorySearchParams

from .conftest import Place, make_place, new_agent


def unit(dimension: int, index: int) -> list[float]:
    vector = [0.0] * dimension
    vector[index] = 1.0
    return vector


def mem(place: Place, text: str, embedding: list[float] | None) -> Memory:
    return Memory(entity_id=place.entity_id, room_id=place.room_id, content=Content(text=text), embedding=embedding)


def search(dimension: int, index: int) -> MemorySearchParams:
    return MemorySearchParams(table_name="messages", embedding=unit(dimension, index), count=10)


async def test_reset_drops_vectors_keeps_memories_and_declares_the_new_model(
    adapter: DatabaseAdapter, place: Place
) -> None:
    await adapter.ensure_embedding_dimension(384, "old-model")
    first = await adapter.create_memory(mem(place, "first", unit(384, 0)), "messages", unique=True)
    second = await adapter.create_memory(mem(place, "second", unit(384, 1)), "messages", unique=True)
    await adapter.create_memory(mem(place, "no vector", None), "messages")
    with pytest.raises(EmbeddingDimensionError):
        await adapter.ensure_embedding_dimension(768, "new-model")

    assert await adapter.reset_embeddings(768, "new-model") == 2

    assert await adapter.get_embedding_dimension() == 768
    assert await adapter.count_memories(place.room_id) == 3
    stored = await adapter.get_memory_by_id(first)
    assert stored is not None and stored.content.text == "first" and not stored.embedding
    assert await adapter.search_memories(search(768, 0)) == []
    with pytest.raises(EmbeddingDimensionError, match=r"384 dimensions but this agent stores 768.*new-model"):
        await adapter.create_memory(mem(place, "old size", unit(384, 2)), "messages")
    assert await adapter.update_memory({"id": second, "embedding": unit(768, 5)})
    [hit] = await adapter.search_memories(search(768, 5))
    assert hit.id == second and hit.content.text == "second"
    assert hit.similarity == pytest.approx(1.0)


async def test_reset_with_no_vectors_declares_the_size(adapter: DatabaseAdapter) -> None:
    assert await adapter.reset_embeddings(1536, None) == 0
    assert await adapter.get_embedding_dimension() == 1536


async def test_reset_leaves_other_agents_alone(database: Database, adapter: DatabaseAdapter, place: Place) -> None:
    other = await new_agent(database, "Other")
    try:
        other_place = await make_place(other)
        kept = await other.create_memory(mem(other_place, "kept", unit(384, 3)), "messages", unique=True)
        await adapter.create_memory(mem(place, "dropped", unit(384, 3)), "messages", unique=True)

        assert await adapter.reset_embeddings(768, "new-model") == 1

        assert await other.get_embedding_dimension() == 384
        [hit] = await other.search_memories(search(384, 3))
        assert hit.id == kept
    finally:
        await other.delete_agent(other.agent_id)


@pytest.mark.parametrize("dimension", [0, -3, True])
async def test_a_bad_size_is_refused_and_nothing_is_dropped(
    adapter: DatabaseAdapter, place: Place, dimension: int
) -> None:
    memory_id = await adapter.create_memory(mem(place, "stays", unit(384, 0)), "messages", unique=True)
    with pytest.raises(InvalidInputError, match="dimension"):
        await adapter.reset_embeddings(dimension, "new-model")
    assert await adapter.get_embedding_dimension() == 384
    [hit] = await adapter.search_memories(search(384, 0))
    assert hit.id == memory_id
