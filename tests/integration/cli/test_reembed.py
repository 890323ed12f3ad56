"""``memory reembed`` after the embedding model's size changed: 384-dim vectors become 512-dim ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.cli._embedders import WIDE_DIMENSION

from pyeliza.cli._local import reembed
from pyeliza.errors import EmbeddingDimensionError
from pyeliza.server.agent_factory import agent_id_for, build_runtime
from pyeliza.storage import open_database
from pyeliza.types import Content, Memory, MemorySearchParams, create_unique_uuid

TEXTS = ("the lighthouse keeper", "a storm at sea", "tea with lemon")


def _character(folder: Path, plugins: list[str]) -> Path:
    path = folder / f"archivist-{len(plugins)}.json"
    path.write_text(json.dumps({"name": "Archivist", "bio": ["keeps records"], "plugins": plugins}), encoding="utf-8")
    return path


async def test_reembed_switches_an_agent_from_384_to_512_dimensions(tmp_path: Path) -> None:
    from pyeliza.characters import load_character

    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir / 'pyeliza.db'}"
    data_dir.mkdir()
    narrow = load_character(_character(tmp_path, []))
    agent_id = agent_id_for(narrow)
    room_id = create_unique_uuid(agent_id, "records")
    async with open_database(url) as database:
        runtime = build_runtime(narrow, database.adapter(agent_id), {})
        await runtime.initialize()
        await runtime.ensure_connection(agent_id, room_id, source="test", world_name="Records")
        for text in TEXTS:
            await runtime.create_memory(
                Memory(entity_id=agent_id, agent_id=agent_id, room_id=room_id, content=Content(text=text)), "messages"
            )
        await runtime.create_memory(
            Memory(entity_id=agent_id, agent_id=agent_id, room_id=room_id, content=Content(actions=["IGNORE"])),
            "messages",
        )
        assert await database.adapter(agent_id).get_embedding_dimension() == 384
        await runtime.stop()

    wide_path = _character(tmp_path, ["tests.integration.cli._embedders:wide_embedding_plugin"])
    async with open_database(url) as database:
        stale = build_runtime(load_character(wide_path), database.adapter(agent_id), {})
        with pytest.raises(EmbeddingDimensionError):
            await stale.initialize()

    count = await reembed(wide_path, data_dir, url, "messages")
    assert count == len(TEXTS)

    async with open_database(url) as database:
        adapter = database.adapter(agent_id)
        assert await adapter.get_embedding_dimension() == WIDE_DIMENSION
        runtime = build_runtime(load_character(wide_path), adapter, {})
        await runtime.initialize()
        try:
            memories = await runtime.get_memories("messages", room_id=room_id)
            embedded = [m for m in memories if m.content.text]
            assert len(embedded) == len(TEXTS)
            assert all(m.embedding is not None and len(m.embedding) == WIDE_DIMENSION for m in embedded)
            query = await runtime.use_model("TEXT_EMBEDDING", {"text": "a storm at sea"})
            found = await adapter.search_memories(
                MemorySearchParams(table_name="messages", embedding=query, room_id=room_id, count=1)
            )
            assert [m.content.text for m in found] == ["a storm at sea"]
        finally:
            await runtime.stop()
