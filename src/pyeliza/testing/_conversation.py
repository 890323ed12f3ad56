"""``Conversation``: talk to an agent in a test in a few lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import StateError
from ..types import ChannelType, Content, Memory, create_message_memory, new_uuid

if TYPE_CHECKING:
    from ..messaging import MessageProcessingResult
    from ..runtime import AgentRuntime


@dataclass
class Conversation:
    """A user talking to an agent in one room (a DM by default).

    ``conv = await Conversation.start(runtime)`` creates the user entity, a world and the room;
    ``await conv.say("hi")`` handles the message through ``runtime.message_service`` and returns the reply text
    (``None`` when the agent did not reply). ``replies`` collects every content delivered to the callback and
    ``last_result`` is the pipeline's result for the latest message.
    """

    runtime: AgentRuntime
    room_id: str
    user_id: str
    user_name: str
    channel_type: ChannelType
    source: str
    world_id: str
    replies: list[Content] = field(default_factory=list)
    last_result: MessageProcessingResult | None = None

    @classmethod
    async def start(
        cls,
        runtime: AgentRuntime,
        *,
        channel_type: ChannelType | str = ChannelType.DM,
        user_name: str = "Tester",
        source: str = "test",
        room_id: str | None = None,
        world_id: str | None = None,
        user_id: str | None = None,
    ) -> Conversation:
        kind = ChannelType(str(channel_type).upper())
        conversation = cls(
            runtime=runtime,
            room_id=room_id or new_uuid(),
            user_id=user_id or new_uuid(),
            user_name=user_name,
            channel_type=kind,
            source=source,
            world_id=world_id or new_uuid(),
        )
        await runtime.ensure_connection(
            conversation.user_id,
            conversation.room_id,
            world_id=conversation.world_id,
            world_name=f"{user_name}'s test world",
            user_name=user_name,
            name=user_name,
            source=source,
            type=kind,
        )
        return conversation

    def message(self, text: str, **content: Any) -> Memory:
        """The memory :meth:`say` would send (give ``id=`` to choose its id)."""
        message_id = content.pop("id", None) or new_uuid()
        body = Content(text=text, source=self.source, channel_type=self.channel_type.value, **content)
        return create_message_memory(
            id=message_id, entity_id=self.user_id, room_id=self.room_id, content=body, agent_id=self.runtime.agent_id
        )

    async def send(self, text: str, **content: Any) -> MessageProcessingResult:
        """Handle a user message and return the pipeline's result."""
        service = self.runtime.message_service
        if service is None:
            raise StateError("the runtime has no message service: initialize() it first")
        result: MessageProcessingResult = await service.handle_message(self.message(text, **content), self.collect)
        self.last_result = result
        return result

    async def say(self, text: str, **content: Any) -> str | None:
        """Handle a user message and return the text the agent replied with (``None`` when it did not)."""
        before = len(self.replies)
        await self.send(text, **content)
        texts = [reply.text for reply in self.replies[before:] if reply.text]
        return "\n".join(texts) if texts else None

    async def collect(self, content: Content) -> list[Memory]:
        """The delivery callback of this conversation: records the content in ``replies``."""
        self.replies.append(content)
        return []

    async def history(self) -> list[Memory]:
        """The room's stored messages, oldest first."""
        adapter = self.runtime.adapter
        if adapter is None:
            raise StateError("the runtime has no database adapter: initialize() it first")
        return list(reversed(await adapter.get_memories("messages", room_id=self.room_id, count=1000)))
