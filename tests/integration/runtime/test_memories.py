"""create_memory embeds, search re-ranks with BM25 without dropping hits, bulk clearing."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pyeliza import AgentRuntime, Content, EventType, Memory
from pyeliza.errors import InvalidInputError
from pyeliza.testing import runtime_for_test, stub_vector
from pyeliza.types import MemorySearchParams, ModelType, new_uuid

USER = "00000000-0000-0000-0000-0000000000e1"
ROOM = "00000000-0000-0000-0000-0000000000e2"


async def remember(rt: AgentRuntime, text: str, table: str = "memories", **extra: Any) -> Memory:
    memory = Memory(id=new_uuid(), entity_id=USER, room_id=ROOM, content=Content(text=text), **extra)
    await rt.create_memory(memory, table)
    stored = await rt.get_memory_by_id(str(memory.id))
    assert stored is not None
    return stored


async def test_create_memory_embeds_text(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        await rt.ensure_connection(USER, ROOM, name="User")
        stored = await remember(rt, "the cat sat on the mat")
        assert stored.embedding is not None
        assert stored.embedding == pytest.approx(stub_vector("the cat sat on the mat"), abs=1e-5)
        empty = Memory(id=new_uuid(), entity_id=USER, room_id=ROOM, content=Content(text=None))
        with pytest.raises(InvalidInputError, match="no text"):
            await rt.add_embedding_to_memory(empty)


async def test_embedding_failure_stores_without_vector(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    async def failing(runtime: AgentRuntime, params: Any) -> list[float]:
        if params is None:
            return [0.0] * 384
        raise ConnectionError("embedding service down")

    async with runtime_for_test(database_url=database_url, models={ModelType.TEXT_EMBEDDING: failing}) as rt:
        await rt.ensure_connection(USER, ROOM, name="User")
        with caplog.at_level(logging.ERROR, logger="pyeliza.runtime"):
            stored = await remember(rt, "unembeddable")
        assert stored.embedding is None
        assert stored.content.text == "unembeddable"
        assert "embedding" in caplog.text


async def test_search_reranks_but_keeps_vector_hits(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        await rt.ensure_connection(USER, ROOM, name="User")
        texts = ["apples and pears", "nothing in common", "banana apples apples", "completely unrelated"]
        for text in texts:
            await remember(rt, text)
        query = stub_vector("apples")
        plain = await rt.search_memories(
            MemorySearchParams(table_name="memories", embedding=query, count=10, room_id=ROOM)
        )
        assert len(plain) == 4
        ranked = await rt.search_memories(
            {"tableName": "memories", "embedding": query, "count": 10, "roomId": ROOM, "query": "apples"}
        )
        assert len(ranked) == 4
        assert ranked[0].content.text == "banana apples apples"
        assert ranked[1].content.text == "apples and pears"
        unscored = [m.content.text for m in plain if "apples" not in (m.content.text or "")]
        assert [m.content.text for m in ranked[2:]] == unscored


async def test_relevant_memories_and_clearing(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        await rt.ensure_connection(USER, ROOM, name="User")
        await remember(rt, "the meeting is on tuesday")
        await remember(rt, "the meeting is on tuesday", "messages")
        await remember(rt, "a fact", "facts")
        relevant = await rt.get_relevant_memories("the meeting is on tuesday", ROOM, count=5)
        assert [m.content.text for m in relevant] == ["the meeting is on tuesday"]
        assert len(await rt.get_all_memories()) >= 3
        assert await rt.clear_all_agent_memories() >= 3
        assert await rt.get_all_memories() == []


async def test_queue_embedding_generation_emits_a_request(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        requests: list[dict[str, Any]] = []

        async def on_request(payload: dict[str, Any]) -> None:
            requests.append(payload)

        rt.register_event(EventType.EMBEDDING_GENERATION_REQUESTED, on_request)
        memory = Memory(id=new_uuid(), entity_id=USER, room_id=ROOM, content=Content(text="embed me"))
        await rt.queue_embedding_generation(memory, priority="high")
        await rt.queue_embedding_generation(memory.model_copy(update={"embedding": [0.1]}))
        await rt.queue_embedding_generation(None)
        assert len(requests) == 1
        assert requests[0]["memory"] is memory
        assert (requests[0]["priority"], requests[0]["maxRetries"], requests[0]["source"]) == ("high", 3, "runtime")
