"""A runtime for the message-pipeline workloads (W4, W5): bootstrap plugin, stub models, fresh SQLite file."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bench._common import stub_embedding

STUB_VECTORS = [stub_embedding(f"stub vector {n}") for n in range(64)]

STUB_REPLY = (
    "<response><thought>reply ok</thought><actions>REPLY</actions><providers></providers>"
    "<text>ok</text><simple>true</simple></response>"
)


async def stub_text(runtime: Any, params: Any) -> str:
    """TEXT_SMALL/TEXT_LARGE: reply with text 'ok' using action REPLY, after 0 ms."""
    return STUB_REPLY


async def stub_embed(runtime: Any, params: Any) -> list[float]:
    """TEXT_EMBEDDING: one of 64 fixed 384-dim unit vectors, picked by a CRC of the text, after 0 ms.

    A stub model should cost next to nothing, so that the workload measures the runtime; deriving a fresh
    vector from sha256 and numpy's generator (``stub_embedding``) cost about 0.25 ms per call.
    """
    text = getattr(params, "text", None) if params is not None else None
    if not text:
        return [0.0] * len(STUB_VECTORS[0])
    return list(STUB_VECTORS[zlib.crc32(text.encode("utf-8")) % len(STUB_VECTORS)])


@asynccontextmanager
async def bench_runtime(directory: str) -> AsyncIterator[Any]:
    from pyeliza import AgentRuntime, Character
    from pyeliza.plugins.bootstrap import bootstrap_plugin
    from pyeliza.storage import create_adapter
    from pyeliza.types import ModelType, Plugin

    models = Plugin(
        name="bench-stub-models",
        models={ModelType.TEXT_SMALL: stub_text, ModelType.TEXT_LARGE: stub_text, ModelType.TEXT_EMBEDDING: stub_embed},
    )
    runtime = AgentRuntime(
        Character(name="Bench", bio=["An agent under measurement."]),
        plugins=[bootstrap_plugin, models],
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    )
    adapter = await create_adapter(f"sqlite:///{directory}/bench.db", agent_id=runtime.agent_id)
    runtime.register_database_adapter(adapter)
    await runtime.initialize()
    try:
        yield runtime
    finally:
        await runtime.stop()
