"""One running agent's link to the central message store (in-process, unlike the reference's HTTP loop).

A user message on a channel becomes a memory with agent-scoped ids (world, room and memory ids derived with
``create_unique_uuid``), the agent's pipeline handles it and persists its own reply memory, and every reply is
stored once as a central message and broadcast once to the channel.

Replies are published from the runtime's MESSAGE_SENT event, so replies produced outside a request (crash
recovery at start, actions replying later) reach the channel too. The central message id is the reply memory id
and published ids are remembered, so a reply is never published twice.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import StateError
from ..types import (
    DEFAULT_SERVER_ID,
    CentralMessage,
    ChannelType,
    Content,
    EventType,
    Media,
    Memory,
    MemoryMetadata,
    MemoryType,
    create_unique_uuid,
    new_uuid,
    now_ms,
    validate_uuid,
)
from .bus import BusHandler, MessageBus
from .wire import broadcast_payload

if TYPE_CHECKING:
    from ..runtime import AgentRuntime
    from ..storage import DatabaseAdapter

logger = logging.getLogger("pyeliza.server.connector")

ChunkSink = Callable[[str, str, int], Awaitable[None]]
"""``async (chunk, message_id, index)``: receives each streamed piece of a reply."""


REMEMBERED_REPLIES = 10_000
"""How many published reply ids (and ensured author/room connections) a connector remembers."""

REPLY_PUBLISHED = "reply_published"
"""Bus event published after an agent reply is stored centrally: ``{message: CentralMessage, agent_id}``."""


class Broadcaster(Protocol):
    bus: MessageBus

    async def emit_to_channel(
        self, event: str, data: dict[str, Any], channel_id: str, skip_sid: str | None = None
    ) -> None: ...


def _attachments(metadata: dict[str, Any]) -> list[Media] | None:
    raw = metadata.get("attachments")
    if not isinstance(raw, list):
        return None
    media = []
    for item in raw:
        if isinstance(item, dict) and item.get("url"):
            media.append(
                Media(
                    id=str(item.get("id") or new_uuid()),
                    url=str(item["url"]),
                    title=item.get("title") or item.get("name"),
                    content_type=item.get("contentType"),
                )
            )
    return media or None


class AgentConnector:
    """Feeds central messages to one agent and publishes its replies."""

    def __init__(self, runtime: AgentRuntime, central: DatabaseAdapter, broadcaster: Broadcaster) -> None:
        self.runtime = runtime
        self.central = central
        self.broadcaster = broadcaster
        self._published: OrderedDict[str, None] = OrderedDict()
        self._channels: dict[str, tuple[str, str]] = {}
        self._channel_types: dict[str, ChannelType] = {}
        self._connected: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self._central_ids: dict[str, str] = {}
        runtime.register_event(EventType.MESSAGE_SENT, self.on_message_sent)

    @property
    def agent_id(self) -> str:
        return self.runtime.agent_id

    def handlers(self) -> dict[str, BusHandler]:
        """The bus events this connector consumes."""
        return {
            "new_message": self.on_new_message,
            "message_deleted": self.on_message_deleted,
            "channel_cleared": self.on_channel_cleared,
        }

    async def on_new_message(self, payload: dict[str, Any]) -> None:
        """Bus handler for ``new_message`` (skipped when this agent answers the message directly)."""
        if payload.get("direct_agent_id") == self.agent_id:
            return
        await self.process(payload)

    async def on_message_deleted(self, payload: dict[str, Any]) -> None:
        """Bus handler for ``message_deleted``: forget this agent's copy (the id the message was stored under)."""
        central_id = str(payload.get("messageId") or "")
        if central_id:
            await self.runtime.delete_memory(create_unique_uuid(self.agent_id, f"{central_id}-{self.agent_id}"))

    async def on_channel_cleared(self, payload: dict[str, Any]) -> None:
        """Bus handler for ``channel_cleared``: drop this agent's messages of the channel's room."""
        channel_id = str(payload.get("channelId") or "")
        self.forget_connections()
        if channel_id:
            await self.runtime.delete_all_memories(create_unique_uuid(self.agent_id, channel_id), "messages")

    async def process(self, payload: dict[str, Any], on_chunk: ChunkSink | None = None) -> list[Content]:
        """Handle one central message if this agent takes part in its channel; returns the replies sent."""
        agent_id = self.agent_id
        central_id = str(payload["id"])
        channel_id = str(payload["channel_id"])
        author_id = str(payload["author_id"])
        if author_id == agent_id:
            return []
        if not await self.central.is_channel_participant(channel_id, agent_id):
            return []
        memory = await self._to_memory(payload)
        if memory.id is None or await self.runtime.get_memory_by_id(memory.id) is not None:
            return []
        replies: list[Content] = []
        index = 0

        async def deliver(content: Content) -> list[Memory]:
            if _deliverable(content):
                replies.append(content)
            return []

        async def stream(chunk: str, message_id: str | None = None) -> None:
            nonlocal index
            reply_id = message_id or ""
            await self.broadcaster.emit_to_channel(
                "messageStreamChunk",
                {"channelId": channel_id, "messageId": reply_id, "chunk": chunk, "index": index, "agentId": agent_id},
                channel_id,
            )
            if on_chunk is not None:
                await on_chunk(chunk, reply_id, index)
            index += 1

        service = self.runtime.message_service
        if service is None:
            raise StateError(f"agent {agent_id} has no message service: initialise the runtime first")
        self._central_ids[memory.id] = central_id
        try:
            await service.handle_message(memory, deliver, on_stream_chunk=stream)
        finally:
            self._central_ids.pop(memory.id, None)
        return replies

    async def on_message_sent(self, payload: dict[str, Any]) -> None:
        """Runtime MESSAGE_SENT handler: publish a stored reply to its central channel once."""
        memory = payload.get("message")
        if not isinstance(memory, Memory) or memory.id is None or memory.entity_id != self.agent_id:
            return
        if memory.id in self._published or not _deliverable(memory.content):
            return
        place = await self._channel_of(memory.room_id)
        if place is None:
            logger.debug("reply %s is in room %s, which is not a central channel", memory.id, memory.room_id)
            return
        if memory.id in self._published:
            return
        self._remember(memory.id)
        channel_id, server_id = place
        in_reply_to = await self._central_id_of(memory.content.in_reply_to)
        await self._publish_reply(memory, channel_id, server_id, in_reply_to)

    def _remember(self, reply_id: str) -> None:
        self._published[reply_id] = None
        while len(self._published) > REMEMBERED_REPLIES:
            self._published.popitem(last=False)

    async def _channel_of(self, room_id: str) -> tuple[str, str] | None:
        known = self._channels.get(room_id)
        if known is not None:
            return known
        room = await self.runtime.get_room(room_id)
        if room is None or not room.channel_id or validate_uuid(room.channel_id) is None:
            return None
        place = (room.channel_id, str(room.message_server_id or DEFAULT_SERVER_ID))
        self._channels[room_id] = place
        return place

    async def _central_id_of(self, agent_message_id: str | None) -> str | None:
        if agent_message_id is None:
            return None
        known = self._central_ids.get(agent_message_id)
        if known is not None:
            return known
        incoming = await self.runtime.get_memory_by_id(agent_message_id)
        source_id = incoming.metadata.source_id if incoming is not None and incoming.metadata else None
        return source_id if validate_uuid(source_id) else None

    def forget_connections(self) -> None:
        """Drop the cached channel types and ensured connections (after channels or rooms were deleted)."""
        self._channel_types.clear()
        self._connected.clear()

    async def _channel_type(self, channel_id: str) -> ChannelType:
        """The channel's type (it never changes once created, so it is looked up once per channel)."""
        known = self._channel_types.get(channel_id)
        if known is not None:
            return known
        channel = await self.central.get_channel_details(channel_id)
        if channel is None:
            return ChannelType.GROUP
        self._channel_types[channel_id] = channel.type
        return channel.type

    async def _to_memory(self, payload: dict[str, Any]) -> Memory:
        agent_id = self.agent_id
        central_id = str(payload["id"])
        channel_id = str(payload["channel_id"])
        server_id = str(payload["message_server_id"])
        author_id = str(payload["author_id"])
        metadata: dict[str, Any] = dict(payload.get("metadata") or {})
        channel_type = await self._channel_type(channel_id)
        world_id = create_unique_uuid(agent_id, server_id)
        room_id = create_unique_uuid(agent_id, channel_id)
        self._channels[room_id] = (channel_id, server_id)
        display_name = payload.get("author_display_name") or f"User-{author_id[:8]}"
        source = str(payload.get("source_type") or "central-bus")
        connection = (author_id, room_id, display_name)
        if connection not in self._connected:
            await self.runtime.ensure_connection(
                author_id,
                room_id,
                world_id=world_id,
                world_name=str(metadata.get("serverName") or f"Server {server_id[:8]}"),
                user_name=display_name,
                name=display_name,
                source=source,
                type=channel_type,
                channel_id=channel_id,
                message_server_id=server_id,
            )
            self._connected[connection] = None
            if len(self._connected) > REMEMBERED_REPLIES:
                self._connected.popitem(last=False)
        in_reply_to = payload.get("in_reply_to_message_id")
        raw_message = dict(payload.get("raw_message") or {})
        raw_message.update({"senderName": display_name, "senderId": author_id})
        return Memory(
            id=create_unique_uuid(agent_id, f"{central_id}-{agent_id}"),
            entity_id=author_id,
            agent_id=agent_id,
            room_id=room_id,
            world_id=world_id,
            content=Content(
                text=str(payload.get("content") or ""),
                source=source,
                channel_type=str(channel_type),
                attachments=_attachments(metadata),
                in_reply_to=create_unique_uuid(agent_id, str(in_reply_to)) if in_reply_to else None,
            ),
            created_at=int(payload.get("created_at") or now_ms()),
            metadata=MemoryMetadata.model_validate(
                {
                    **metadata,
                    "type": MemoryType.MESSAGE,
                    "source": source,
                    "sourceId": central_id,
                    "raw": raw_message,
                }
            ),
        )

    async def _publish_reply(self, reply: Memory, channel_id: str, server_id: str, in_reply_to: str | None) -> None:
        content = reply.content
        channel_type = str(await self._channel_type(channel_id))
        now = now_ms()
        metadata: dict[str, Any] = {
            "agent_id": self.agent_id,
            "agentName": self.runtime.character.name,
            "channelType": channel_type,
            "isDm": channel_type == ChannelType.DM,
            "thought": content.thought,
            "actions": content.actions or [],
            "responseId": content.response_id,
            "attachments": [a.to_json_dict() for a in content.attachments or []],
        }
        stored = await self.central.create_message(
            CentralMessage(
                id=str(reply.id),
                channel_id=channel_id,
                author_id=self.agent_id,
                content=content.text or "",
                raw_message={"text": content.text, "thought": content.thought, "actions": content.actions or []},
                in_reply_to_root_message_id=in_reply_to,
                source_type="agent_response",
                metadata=metadata,
                created_at=now,
                updated_at=now,
            )
        )
        await self.broadcaster.emit_to_channel(
            "messageBroadcast",
            broadcast_payload(stored, server_id=server_id, sender_name=self.runtime.character.name),
            channel_id,
        )
        self.broadcaster.bus.publish(REPLY_PUBLISHED, {"message": stored, "agent_id": self.agent_id})
        logger.debug("agent %s replied in channel %s to %s", self.agent_id, channel_id, in_reply_to)


def _deliverable(content: Content) -> bool:
    return bool((content.text or "").strip()) and "IGNORE" not in (content.actions or [])
