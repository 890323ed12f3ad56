"""SQLite across processes: restart survival, a SIGKILL mid-batch, and the second-process lock."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest

from pyeliza.errors import EmbeddingDimensionError, StorageError
from pyeliza.storage import open_database
from pyeliza.types import Agent, Content, Entity, Memory, MemorySearchParams, Room, new_uuid

AGENT = "5b0c2a4e-2f4e-4a55-9b1a-0d3c1f6a7e11"
ENTITY = "6c1d3b5f-3a5f-4b66-8c2b-1e4d2a7b8f22"
ROOM = "7d2e4c6a-4b6a-4c77-9d3c-2f5e3b8c9a33"

CHILD_PRELUDE = f"""
import asyncio, sys
from pyeliza.storage import open_database
from pyeliza.types import Agent, Content, Entity, Memory, Room

async def setup(db):
    a = db.adapter("{AGENT}")
    await a.create_agent(Agent(id="{AGENT}", name="Child", bio=""))
    await a.create_rooms([Room(id="{ROOM}", source="test")])
    await a.create_entities([Entity(id="{ENTITY}", names=["E"])])
    return a

def memory(i):
    v = [0.0] * 384
    v[i % 384] = 1.0
    return Memory(entity_id="{ENTITY}", room_id="{ROOM}", content=Content(text=f"m{{i}}"), embedding=v)
"""


async def run_child(body: str, *args: str) -> asyncio.subprocess.Process:
    code = CHILD_PRELUDE + textwrap.dedent(body)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.PIPE,
    )


async def test_data_written_by_another_process_survives(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    child = await run_child(
        """
        async def main():
            async with open_database(sys.argv[1]) as db:
                a = await setup(db)
                for i in range(20):
                    print(await a.create_memory(memory(i), "messages"), flush=True)
        asyncio.run(main())
        """,
        url,
    )
    out, err = await child.communicate()
    assert child.returncode == 0, err.decode()
    written = out.decode().split()
    async with open_database(url) as db:
        adapter = db.adapter(AGENT)
        stored = await adapter.get_memories("messages")
        assert {m.id for m in stored} == set(written)
        query = [0.0] * 384
        query[3] = 1.0
        [hit] = await adapter.search_memories(MemorySearchParams(table_name="messages", embedding=query, count=1))
        assert hit.content.text == "m3"


async def test_sigkill_mid_batch_keeps_every_committed_row(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    child = await run_child(
        """
        async def main():
            async with open_database(sys.argv[1]) as db:
                a = await setup(db)
                i = 0
                while True:
                    print(await a.create_memory(memory(i), "messages"), flush=True)
                    i += 1
        asyncio.run(main())
        """,
        f"sqlite:///{path}",
    )
    assert child.stdout is not None
    committed: list[str] = []
    while len(committed) < 300:
        line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
        assert line, "the child stopped before it was killed"
        committed.append(line.decode().strip())
    child.send_signal(signal.SIGKILL)
    rest, _ = await child.communicate()
    committed += rest.decode().split()
    assert child.returncode == -signal.SIGKILL

    def integrity() -> str:
        conn = sqlite3.connect(path)
        try:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            conn.close()

    async with open_database(f"sqlite:///{path}") as db:
        assert await asyncio.to_thread(integrity) == "ok"
        stored = {m.id for m in await db.adapter(AGENT).get_memories("messages")}
        assert set(committed) <= stored
        assert len(stored) - len(committed) <= 1


async def test_a_second_process_gets_a_clear_lock_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    async with open_database(url):
        child = await run_child(
            """
            async def main():
                try:
                    async with open_database(sys.argv[1]):
                        print("opened")
                except Exception as exc:
                    print(type(exc).__name__, exc)
            asyncio.run(main())
            """,
            url,
        )
        out, err = await child.communicate()
    message = out.decode()
    assert message.startswith("StorageError"), err.decode()
    assert str(tmp_path / "locked.db") in message and f"process {os.getpid()}" in message
    async with open_database(url) as db:
        assert db.is_open


async def test_closed_database_raises_storage_error(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'closed.db'}")
    await db.open()
    adapter = db.adapter(new_uuid())
    await db.close()
    with pytest.raises(StorageError, match=r"closed\.db"):
        await adapter.get_agents()
    assert await adapter.is_ready() is False


async def test_a_vanished_database_file_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "vanishing.db"
    async with open_database(f"sqlite:///{path}") as db:
        agent = new_uuid()
        adapter = db.adapter(agent)
        await adapter.create_agent(Agent(id=agent, name="A", bio=""))
        for suffix in ("", "-wal", "-shm"):
            await asyncio.to_thread(Path(f"{path}{suffix}").unlink, missing_ok=True)
        assert await adapter.is_ready() is False
        with pytest.raises(StorageError, match="vanished"):
            await adapter.create_agent(Agent(id=new_uuid(), name="B", bio=""))


async def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a directory"):
        await open_database(f"sqlite:///{tmp_path}").open()


async def test_index_is_rebuilt_from_the_table_after_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reopen.db'}"
    agent = new_uuid()
    async with open_database(url) as db:
        a = db.adapter(agent)
        await a.create_agent(Agent(id=agent, name="A", bio=""))
        [room] = await a.create_rooms([Room(id=new_uuid(), source="t")])
        entity = new_uuid()
        await a.create_entities([Entity(id=entity, names=["e"])])
        await a.create_memory(
            Memory(entity_id=entity, room_id=room, content=Content(text="x"), embedding=[1.0] + [0.0] * 383), "m"
        )
    async with open_database(url) as db:
        hits = await db.adapter(agent).search_memories(
            MemorySearchParams(table_name="m", embedding=[1.0] + [0.0] * 383)
        )
        assert [h.content.text for h in hits] == ["x"]


async def test_reset_embeddings_allows_an_explicit_model_change(tmp_path: Path) -> None:
    async with open_database(f"sqlite:///{tmp_path / 'reembed.db'}") as db:
        agent = new_uuid()
        adapter = db.adapter(agent)
        await adapter.create_agent(Agent(id=agent, name="A", bio=""))
        [room] = await adapter.create_rooms([Room(id=new_uuid(), source="t")])
        entity = new_uuid()
        await adapter.create_entities([Entity(id=entity, names=["e"])])
        await adapter.ensure_embedding_dimension(384, "old-model")
        memory_id = await adapter.create_memory(
            Memory(entity_id=entity, room_id=room, content=Content(text="x"), embedding=[1.0] * 384), "m"
        )
        with pytest.raises(EmbeddingDimensionError):
            await adapter.ensure_embedding_dimension(768, "new-model")
        assert await adapter.reset_embeddings(768, "new-model") == 1
        await adapter.ensure_embedding_dimension(768, "new-model")
        assert await adapter.search_memories(MemorySearchParams(table_name="m", embedding=[1.0] * 768)) == []
        assert await adapter.update_memory({"id": memory_id, "embedding": [1.0] * 768})
        [hit] = await adapter.search_memories(MemorySearchParams(table_name="m", embedding=[1.0] * 768))
        assert hit.id == memory_id and hit.content.text == "x"
