"""Memory operations on top of the adapter: embedding on create, BM25 re-ranking on search."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import InvalidInputError, PyElizaError
from ..prompts import BM25
from ..types import EventType, Memory, MemorySearchParams, ModelType
from ._core import logger
from ._models import ModelsMixin

MEMORY_TABLES: tuple[str, ...] = ("memories", "messages", "facts", "documents")
"""The logical tables ``get_all_memories`` and ``clear_all_agent_memories`` cover."""

_ALL_MEMORIES_LIMIT = 10_000


class MemoriesMixin(ModelsMixin):
    async def add_embedding_to_memory(self, memory: Memory) -> Memory:
        """Return ``memory`` with an embedding of its text (unchanged when it already has one)."""
        if memory.embedding is not None:
            return memory
        text = memory.content.text
        if not text:
            raise InvalidInputError(f"cannot embed memory {memory.id}: its content has no text")
        vector = await self.use_model(ModelType.TEXT_EMBEDDING, {"text": text})
        if not isinstance(vector, list) or not all(isinstance(x, int | float) for x in vector):
            raise InvalidInputError(f"the embedding model returned {type(vector).__name__}, not a list of numbers")
        return memory.model_copy(update={"embedding": [float(x) for x in vector]})

    async def create_memory(self, memory: Memory, table_name: str, unique: bool | None = None) -> str:
        """Store a memory, embedding its text first when it has none; returns the memory id.

        Without an embedding model, or when embedding fails (logged), the memory is stored without a vector.
        """
        adapter = self._require_adapter()
        if unique is not None:
            memory = memory.model_copy(update={"unique": unique})
        if memory.embedding is None and memory.content.text and self.models.get(ModelType.TEXT_EMBEDDING):
            try:
                memory = await self.add_embedding_to_memory(memory)
            except PyElizaError:
                logger.exception(
                    "agent %s: embedding a %s memory failed; stored without one", self.agent_id, table_name
                )
        return await adapter.create_memory(memory, table_name, unique)

    async def create_memory_if_new(self, memory: Memory, table_name: str) -> bool:
        """Store a memory as it is (no embedding is made) unless its id is stored; ``True`` when this call did."""
        return await self._require_adapter().create_memory_if_new(memory, table_name)

    async def queue_embedding_generation(self, memory: Memory | None, priority: str = "normal") -> None:
        """Ask the embedding service (EMBEDDING_GENERATION_REQUESTED) to embed a memory in the background."""
        if memory is None or memory.embedding is not None or not memory.content.text:
            return
        run = self.get_current_run_context()
        await self.emit_event(
            EventType.EMBEDDING_GENERATION_REQUESTED,
            {
                "memory": memory,
                "priority": priority,
                "retryCount": 0,
                "maxRetries": 3,
                "runId": run.run_id if run else None,
                "source": "runtime",
            },
        )

    async def search_memories(self, params: MemorySearchParams | Mapping[str, Any]) -> list[Memory]:
        """Vector search; with ``query`` set the hits are re-ranked by BM25 (hits without keyword overlap last)."""
        search = params if isinstance(params, MemorySearchParams) else MemorySearchParams.model_validate(params)
        memories = await self._require_adapter().search_memories(search)
        if search.query:
            return self.rerank_memories(search.query, memories)
        return memories

    def rerank_memories(self, query: str, memories: Sequence[Memory]) -> list[Memory]:
        """Order memories by BM25 score for ``query``; memories scoring 0 keep their order after the others."""
        if not memories:
            return []
        index = BM25([{"content": m.content.text or ""} for m in memories])
        ranked = [i for i, _ in index.search(query, len(memories))]
        scored = set(ranked)
        return [memories[i] for i in ranked] + [m for i, m in enumerate(memories) if i not in scored]

    async def get_relevant_memories(
        self, query: str, room_id: str, count: int = 10, *, table_name: str = "memories", match_threshold: float = 0.7
    ) -> list[Memory]:
        """Memories of ``room_id`` similar to ``query`` (embedded with the agent's embedding model)."""
        embedding = await self.use_model(ModelType.TEXT_EMBEDDING, {"text": query})
        return await self.search_memories(
            MemorySearchParams(
                table_name=table_name,
                embedding=embedding,
                query=query,
                match_threshold=match_threshold,
                count=count,
                room_id=room_id,
            )
        )

    async def get_all_memories(self) -> list[Memory]:
        """Up to 10,000 memories of each of this agent's tables (memories, messages, facts, documents)."""
        adapter = self._require_adapter()
        found: list[Memory] = []
        for table in MEMORY_TABLES:
            found.extend(await adapter.get_memories(table, count=_ALL_MEMORIES_LIMIT))
        return found

    async def clear_all_agent_memories(self) -> int:
        """Delete every memory ``get_all_memories`` returns; returns how many were deleted."""
        ids = [m.id for m in await self.get_all_memories() if m.id]
        if ids:
            await self._require_adapter().delete_many_memories(ids)
        logger.info("agent %s: cleared %d memories", self.character.name, len(ids))
        return len(ids)
