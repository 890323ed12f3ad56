"""Persist each reply before handing it to the caller's callback (exactly one stored reply per message)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..errors import StateError
from ..types import Content, EventType, HandlerCallback, Memory, MemoryMetadata, MemoryType, now_ms
from ._ids import extra_reply_id

if TYPE_CHECKING:
    from ..runtime import AgentRuntime

logger = logging.getLogger("pyeliza.messaging")


class ReplyWriter:
    """The callback handed to actions and evaluators.

    The first content becomes the memory whose id is the response id (the "handled" marker); later contents get
    ids derived from it. Like the reference, the agent's own replies are stored without an embedding. Each memory
    has ``in_reply_to`` = the incoming message id. A failing caller callback is logged: the reply is already
    stored and stays the one reply.
    """

    def __init__(
        self,
        runtime: AgentRuntime,
        message: Memory,
        response_id: str,
        callback: HandlerCallback | None,
    ) -> None:
        self._runtime = runtime
        self._message = message
        self._response_id = response_id
        self._callback = callback
        self.stored: list[Memory] = []
        self.delivered_text = False
        self.last_content: Content | None = None

    def _next_id(self) -> str:
        if not self.stored:
            return self._response_id
        return extra_reply_id(self._response_id, len(self.stored))

    async def store(self, content: Content) -> Memory:
        """Persist ``content`` as the agent's message in the room, without calling the caller back."""
        assert self._message.id is not None
        body = content.model_copy(update={"in_reply_to": self._message.id, "response_id": self._response_id})
        if body.source is None:
            body.source = self._message.content.source
        now = now_ms()
        memory = Memory(
            id=self._next_id(),
            entity_id=self._runtime.agent_id,
            agent_id=self._runtime.agent_id,
            room_id=self._message.room_id,
            world_id=self._message.world_id,
            content=body,
            created_at=now,
            metadata=MemoryMetadata(type=MemoryType.MESSAGE, timestamp=now, source=body.source),
        )
        adapter = self._runtime.adapter
        if adapter is None:
            raise StateError("storing a reply needs a database adapter: initialize() the runtime first")
        await adapter.create_memory(memory, "messages")
        self.stored.append(memory)
        self.last_content = body
        return memory

    async def __call__(self, content: Content) -> list[Memory]:
        memory = await self.store(content)
        if content.text:
            self.delivered_text = True
        await self._forward(memory)
        return [memory]

    async def _forward(self, memory: Memory) -> None:
        if self._callback is not None:
            try:
                await self._callback(memory.content)
            except Exception:
                logger.exception("reply %s was stored but the delivery callback failed", memory.id)
        if memory.content.text:
            await self._runtime.emit_event(
                EventType.MESSAGE_SENT,
                {"message": memory, "roomId": memory.room_id, "source": memory.content.source or "messageHandler"},
            )
