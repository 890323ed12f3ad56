"""Memories: writes, reads, filters, deletes, bad input and exact vector search."""

from __future__ import annotations

import numpy as np
import pytest

from pyeliza.errors import EmbeddingDimensionError, IntegrityError, InvalidInputError
from pyeliza.storage import Database, DatabaseAdapter
from pyeliza.types import Content, Memory, MemoryMetadata, MemorySearchParams, Room, new_uuid

from .conftest import Place, new_agent

DIM = 384


def vec(*values: float) -> list[float]:
    out = [0.0] * DIM
    out[: len(values)] = values
    return out


def mem(place: Place, text: str, embedding: list[float] | None = None, **kw: object) -> Memory:
    return Memory(
        entity_id=place.entity_id, room_id=place.room_id, content=Content(text=text), embedding=embedding, **kw
    )


async def test_create_and_read_back(adapter: DatabaseAdapter, place: Place) -> None:
    memory = mem(
        place,
        "hello",
        vec(3, 4),
        world_id=place.world_id,
        created_at=1000,
        metadata=MemoryMetadata(type="message", source="test", tags=["a"]),
    )
    memory.content.__pydantic_extra__ = {"custom": {"nested": True}}
    memory_id = await adapter.create_memory(memory, "messages")
    stored = await adapter.get_memory_by_id(memory_id)
    assert stored is not None
    assert stored.content.text == "hello" and stored.content.model_extra == {"custom": {"nested": True}}
    assert stored.world_id == place.world_id and stored.agent_id == adapter.agent_id
    assert stored.created_at == 1000 and stored.unique is True
    assert stored.metadata is not None and stored.metadata.source == "test" and stored.metadata.tags == ["a"]
    assert stored.embedding == pytest.approx(vec(0.6, 0.8))
    again = await adapter.create_memory(memory.model_copy(update={"id": memory_id, "content": Content(text="x")}), "m")
    assert again == memory_id
    assert (await adapter.get_memory_by_id(memory_id)).content.text == "hello"  # type: ignore[union-attr]


async def test_get_memories_filters_and_orders(adapter: DatabaseAdapter, place: Place) -> None:
    other_entity = new_uuid()
    from pyeliza.types import Entity

    await adapter.create_entities([Entity(id=other_entity, names=["Bob"])])
    ids = []
    for i in range(5):
        entity = place.entity_id if i % 2 == 0 else other_entity
        m = Memory(entity_id=entity, room_id=place.room_id, content=Content(text=f"m{i}"), created_at=100 + i)
        ids.append(await adapter.create_memory(m, "messages", unique=i != 3))
    await adapter.create_memory(mem(place, "fact", created_at=500), "facts")
    got = await adapter.get_memories("messages", room_id=place.room_id)
    assert [m.content.text for m in got] == ["m4", "m3", "m2", "m1", "m0"]
    assert [m.content.text for m in await adapter.get_memories("messages", count=2, offset=1)] == ["m3", "m2"]
    assert [m.content.text for m in await adapter.get_memories("messages", entity_id=other_entity)] == ["m3", "m1"]
    assert [m.content.text for m in await adapter.get_memories("messages", unique=True)] == ["m4", "m2", "m1", "m0"]
    assert [m.content.text for m in await adapter.get_memories("messages", start=101, end=103)] == ["m3", "m2", "m1"]
    assert [m.content.text for m in await adapter.get_memories("facts")] == ["fact"]
    assert await adapter.get_memories("messages", world_id=new_uuid()) == []
    assert [m.id for m in await adapter.get_memories_by_ids([ids[0], ids[4]])] == [ids[4], ids[0]]
    assert await adapter.get_memories_by_ids([ids[0]], table_name="facts") == []
    by_room = await adapter.get_memories_by_room_ids("messages", [place.room_id], limit=2)
    assert [m.content.text for m in by_room] == ["m4", "m3"]
    looked_at = await adapter.get_memories_by_room_ids("messages", [place.room_id], limit=2, shared=True)
    assert [m.model_dump() for m in looked_at] == [m.model_dump() for m in by_room]
    assert len(await adapter.get_memories_by_world_id(place.world_id)) == 5
    assert await adapter.count_memories(place.room_id) == 4
    assert await adapter.count_memories(place.room_id, unique=False) == 5
    assert await adapter.count_memories(place.room_id, table_name="facts") == 1
    with pytest.raises(InvalidInputError):
        await adapter.get_memories("messages", count=-1)
    with pytest.raises(InvalidInputError):
        await adapter.count_memories(place.room_id, table_name="")


async def test_memories_are_scoped_to_the_agent(database: Database, adapter: DatabaseAdapter, place: Place) -> None:
    other = await new_agent(database, "Other")
    other_id = other.agent_id
    memory_id = await adapter.create_memory(mem(place, "mine", vec(1)), "messages")
    assert await other.get_memory_by_id(memory_id) is None
    assert await other.get_memories("messages") == []
    search = MemorySearchParams(table_name="messages", embedding=vec(1))
    assert await other.search_memories(search) == []
    await adapter.delete_agent(other_id)


async def test_update_memory(adapter: DatabaseAdapter, place: Place) -> None:
    memory_id = await adapter.create_memory(mem(place, "v1", vec(1)), "messages")
    assert await adapter.update_memory({"id": memory_id, "content": {"text": "v2"}, "metadata": {"type": "custom"}})
    stored = await adapter.get_memory_by_id(memory_id)
    assert stored is not None and stored.content.text == "v2" and stored.metadata is not None
    assert stored.metadata.type == "custom"
    assert await adapter.update_memory({"id": memory_id, "embedding": vec(0, 1)})
    hits = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=vec(0, 1)))
    assert [(h.id, round(h.similarity or 0, 4)) for h in hits] == [(memory_id, 1.0)]
    assert await adapter.update_memory({"id": new_uuid(), "content": {"text": "x"}}) is False
    with pytest.raises(InvalidInputError):
        await adapter.update_memory({"id": "bad"})


async def test_deletes_remove_rows_vectors_and_fragments(adapter: DatabaseAdapter, place: Place) -> None:
    doc = await adapter.create_memory(mem(place, "doc", vec(1)), "documents")
    frag_meta = MemoryMetadata(type="fragment", document_id=doc, position=0)
    frag = await adapter.create_memory(mem(place, "frag", vec(1, 1), metadata=frag_meta), "fragments")
    keep = await adapter.create_memory(mem(place, "keep", vec(0, 1)), "messages")
    gone = await adapter.create_memory(mem(place, "gone", vec(0, 0, 1)), "messages")
    await adapter.delete_memory(doc)
    assert await adapter.get_memories_by_ids([doc, frag]) == []
    await adapter.delete_many_memories([gone, new_uuid()])
    assert [m.id for m in await adapter.get_memories("messages")] == [keep]
    hits = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=vec(0, 0, 1)))
    assert [h.id for h in hits] == [keep]
    await adapter.delete_all_memories(place.room_id, "messages")
    assert await adapter.get_memories("messages") == []
    assert await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=vec(0, 1))) == []


async def test_delete_room_removes_its_memories_from_search(adapter: DatabaseAdapter, place: Place) -> None:
    await adapter.create_memory(mem(place, "a", vec(1)), "messages")
    assert len(await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=vec(1)))) == 1
    await adapter.delete_room(place.room_id)
    assert await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=vec(1))) == []


async def test_search_filters_threshold_and_count(adapter: DatabaseAdapter, place: Place) -> None:
    [room2] = await adapter.create_rooms([Room(id=new_uuid(), source="test", world_id=place.world_id)])
    near = await adapter.create_memory(mem(place, "near", vec(1, 0.1), world_id=place.world_id), "messages")
    far = await adapter.create_memory(mem(place, "far", vec(0, 1)), "messages")
    other_room = await adapter.create_memory(
        Memory(entity_id=place.entity_id, room_id=room2, content=Content(text="r2"), embedding=vec(1)), "messages"
    )
    fact = await adapter.create_memory(mem(place, "fact", vec(1)), "facts")
    query = vec(1)
    hits = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=query))
    assert [h.id for h in hits] == [other_room, near, far]
    assert hits[0].similarity == pytest.approx(1.0) and hits[2].similarity == pytest.approx(0.0, abs=1e-6)
    in_room = await adapter.search_memories(
        MemorySearchParams(table_name="messages", embedding=query, room_id=place.room_id)
    )
    assert [h.id for h in in_room] == [near, far]
    by_world = MemorySearchParams(table_name="messages", embedding=query, world_id=place.world_id)
    assert [h.id for h in await adapter.search_memories(by_world)] == [near]
    by_entity = MemorySearchParams(table_name="messages", embedding=query, entity_id=new_uuid())
    assert await adapter.search_memories(by_entity) == []
    thresholded = MemorySearchParams(table_name="messages", embedding=query, match_threshold=0.5)
    assert [h.id for h in await adapter.search_memories(thresholded)] == [other_room, near]
    zero_threshold = MemorySearchParams(table_name="messages", embedding=query, match_threshold=0.0)
    assert len(await adapter.search_memories(zero_threshold)) == 3
    assert [
        h.id for h in await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=query, count=1))
    ] == [other_room]
    assert [h.id for h in await adapter.search_memories(MemorySearchParams(table_name="facts", embedding=query))] == [
        fact
    ]
    with pytest.raises(EmbeddingDimensionError):
        await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=[1.0, 0.0] * 256))


async def test_near_duplicates_are_marked_not_unique(adapter: DatabaseAdapter, place: Place) -> None:
    first = await adapter.create_memory(mem(place, "a", vec(1, 0.01)), "messages")
    dup = await adapter.create_memory(mem(place, "b", vec(1, 0.02)), "messages")
    distinct = await adapter.create_memory(mem(place, "c", vec(0, 1)), "messages")
    forced = await adapter.create_memory(mem(place, "d", vec(1)), "messages", unique=True)
    flags = {m.id: m.unique for m in await adapter.get_memories("messages")}
    assert flags == {first: True, dup: False, distinct: True, forced: True}
    unique_only = MemorySearchParams(table_name="messages", embedding=vec(1), unique=True)
    assert dup not in [h.id for h in await adapter.search_memories(unique_only)]


async def test_bad_memory_input_writes_nothing(adapter: DatabaseAdapter, place: Place) -> None:
    ghost_room = new_uuid()
    with pytest.raises(IntegrityError, match=ghost_room):
        await adapter.create_memory(
            Memory(entity_id=place.entity_id, room_id=ghost_room, content=Content(text="x")), "messages"
        )
    ghost_entity = new_uuid()
    with pytest.raises(IntegrityError, match=ghost_entity):
        await adapter.create_memory(
            Memory(entity_id=ghost_entity, room_id=place.room_id, content=Content(text="x")), "messages"
        )
    with pytest.raises(InvalidInputError, match="over the limit"):
        await adapter.create_memory(mem(place, "x" * (1024 * 1024 + 10)), "messages")
    bad_meta = MemoryMetadata(type="custom")
    bad_meta.__pydantic_extra__ = {"when": float("inf")}
    with pytest.raises(InvalidInputError, match="metadata"):
        await adapter.create_memory(mem(place, "x", metadata=bad_meta), "messages")
    with pytest.raises(InvalidInputError):
        await adapter.create_memory(mem(place, "x", vec(float("nan"))), "messages")
    with pytest.raises(InvalidInputError):
        await adapter.create_memory(mem(place, "x"), "")
    assert await adapter.get_memories("messages") == []
    assert await adapter.create_memory(mem(place, "fine"), "messages")


async def test_search_recall_at_10_is_exact_on_10k_memories(adapter: DatabaseAdapter, place: Place) -> None:
    dim = DIM
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((10_000, dim)).astype(np.float32)
    ids = []
    for i, v in enumerate(vectors):
        ids.append(await adapter.create_memory(mem(place, f"m{i}", v.tolist()), "messages", unique=True))
    normalised = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for _ in range(20):
        query = rng.standard_normal(dim).astype(np.float32)
        expected = np.argsort(-(normalised @ (query / np.linalg.norm(query))))[:10]
        hits = await adapter.search_memories(
            MemorySearchParams(table_name="messages", embedding=query.tolist(), room_id=place.room_id, count=10)
        )
        assert [h.id for h in hits] == [ids[i] for i in expected]


async def test_create_memory_if_new_tells_whether_it_inserted(adapter: DatabaseAdapter, place: Place) -> None:
    plain = mem(place, "first", id=new_uuid())
    assert await adapter.create_memory_if_new(plain, "messages") is True
    assert await adapter.create_memory_if_new(plain, "messages") is False
    with_vector = mem(place, "second", vec(1.0, 0.0, 0.5), id=new_uuid())
    assert await adapter.create_memory_if_new(with_vector, "messages") is True
    assert await adapter.create_memory_if_new(with_vector, "messages") is False
    stored = await adapter.get_memories_by_ids([plain.id or "", with_vector.id or ""])
    assert sorted(m.content.text or "" for m in stored) == ["first", "second"]
    nowhere = mem(place, "nowhere", id=new_uuid()).model_copy(update={"room_id": new_uuid()})
    with pytest.raises(IntegrityError):
        await adapter.create_memory_if_new(nowhere, "messages")
