"""A runtime for the message-pipeline workloads (W4, W5): bootstrap plugin, stub models, fresh SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bench._common import stub_embedding

STUB_REPLY = (
    "<response><thought>reply ok</thought><actions>REPLY</actions><providers></providers>"
    "<text>ok</text><simple>true</simple></response>"
)


async def stub_text(runtime: Any, params: Any) -> str:
    """TEXT_SMALL/TEXT_LARGE: reply with text 'ok' using action REPLY, after 0 ms."""
    return STUB_REPLY


async def stub_embed(runtime: Any, params: Any) -> list[float]:
    return stub_embedding(getattr(params, "text", None) if params is not None else None)


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
