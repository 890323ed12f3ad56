"""FACTS: facts the agent learned, found by the newest turns of the conversation — §7.4, §10.33 fixed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ....prompts import add_header
from ....types import Memory, MemorySearchParams, ModelType, Provider, ProviderResult, State
from .._support import adapter_of, without_embeddings

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

FACTS_PER_SEARCH = 6


async def _get(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    adapter = adapter_of(runtime)
    empty = ProviderResult(text="", values={"facts": ""}, data={"facts": []})
    if not await adapter.get_memories("facts", count=1):
        return empty  # no facts at all: skip the embedding call
    recent = await adapter.get_memories("messages", room_id=message.room_id, count=10)
    newest_first = [m.content.text for m in recent[:5] if m.content.text]
    query_text = "\n".join(reversed(newest_first)) or message.content.text or ""
    if not query_text:
        return empty
    embedding = await runtime.use_model(ModelType.TEXT_EMBEDDING, {"text": query_text})
    query = message.content.text or query_text
    in_room, about_sender = await asyncio.gather(
        runtime.search_memories(
            MemorySearchParams(
                table_name="facts", embedding=embedding, room_id=message.room_id, count=FACTS_PER_SEARCH, query=query
            )
        ),
        runtime.search_memories(
            MemorySearchParams(
                table_name="facts",
                embedding=embedding,
                entity_id=message.entity_id,
                count=FACTS_PER_SEARCH,
                query=query,
            )
        ),
    )
    facts: dict[str, Memory] = {}
    for fact in [*in_room, *about_sender]:
        if fact.id and fact.content.text:
            facts.setdefault(fact.id, fact)
    if not facts:
        return empty
    lines = "\n".join(f"- {fact.content.text}" for fact in facts.values())
    text = add_header(f"Key facts that {runtime.character.name} knows:", lines)
    return ProviderResult(text=text, values={"facts": text}, data={"facts": without_embeddings(list(facts.values()))})


facts_provider = Provider(
    name="FACTS",
    description="Key facts the agent knows about the people and topics of this conversation",
    get=_get,
    dynamic=True,
)
