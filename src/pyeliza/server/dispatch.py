"""A user message entering the central store: channel auto-creation, storage, broadcast, hand-off to agents.

Shared by the REST routes and the Socket.IO handlers so every transport takes the same path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..types import CentralMessage, Channel, ChannelType, Content, new_uuid, now_ms
from .responses import ApiError
from .wire import broadcast_payload, bus_payload

if TYPE_CHECKING:
    from .agent_connector import ChunkSink
    from .agent_server import AgentServer


@dataclass
class UserMessage:
    """What a client sends, whatever the transport."""

    channel_id: str
    server_id: str
    author_id: str
    text: str
    source_type: str
    display_name: str | None = None
    metadata: dict[str, Any] | None = None
    raw_message: dict[str, Any] | None = None
    in_reply_to: str | None = None
    message_id: str | None = None


async def ensure_channel(server: AgentServer, message: UserMessage) -> Channel:
    """The message's channel, created when missing (a DM when ``metadata.isDm``; author and target join)."""
    channel = await server.central.get_channel_details(message.channel_id)
    if channel is not None:
        return channel
    if await server.central.get_message_server_by_id(message.server_id) is None:
        raise ApiError(404, "SERVER_NOT_FOUND", f"message server {message.server_id} not found")
    metadata = dict(message.metadata or {})
    is_dm = bool(metadata.get("isDm")) or metadata.get("channelType") == ChannelType.DM
    participants = [message.author_id]
    for key in ("targetUserId", "recipientId", "targetAgentId"):
        value = metadata.get(key)
        if isinstance(value, str) and value not in participants:
            participants.append(value)
    channel = Channel(
        id=message.channel_id,
        message_server_id=message.server_id,
        name=str(metadata.get("channelName") or f"Channel {message.channel_id[:8]}"),
        type=ChannelType.DM if is_dm else ChannelType.GROUP,
        source_type=message.source_type,
        metadata=metadata,
    )
    return await server.central.create_channel(channel, participants)


async def store_user_message(server: AgentServer, message: UserMessage) -> CentralMessage:
    metadata = dict(message.metadata or {})
    if message.display_name:
        metadata.setdefault("user_display_name", message.display_name)
    now = now_ms()
    return await server.central.create_message(
        CentralMessage(
            id=message.message_id or new_uuid(),
            channel_id=message.channel_id,
            author_id=message.author_id,
            content=message.text,
            raw_message=message.raw_message or {"text": message.text},
            in_reply_to_root_message_id=message.in_reply_to,
            source_type=message.source_type,
            metadata=metadata,
            created_at=now,
            updated_at=now,
        )
    )


async def target_agent(server: AgentServer, message: UserMessage) -> str | None:
    """The agent that answers an http/sse message: the first running participant that is not the author."""
    for participant in await server.central.get_channel_participants(message.channel_id):
        if participant != message.author_id and participant in server.runtimes:
            return participant
    target = (message.metadata or {}).get("targetAgentId")
    return target if isinstance(target, str) and target in server.runtimes else None


async def accept(
    server: AgentServer, message: UserMessage, skip_sid: str | None = None, client_message_id: str | None = None
) -> CentralMessage:
    """Store the message and broadcast it to the channel (not yet to the agents)."""
    await ensure_channel(server, message)
    stored = await store_user_message(server, message)
    payload = broadcast_payload(stored, server_id=message.server_id, sender_name=message.display_name)
    await server.emit_to_channel("messageBroadcast", payload, message.channel_id, skip_sid=skip_sid)
    if skip_sid is not None:
        echo = broadcast_payload(
            stored, server_id=message.server_id, sender_name=message.display_name, client_message_id=client_message_id
        )
        await server.sio.emit("messageBroadcast", echo, to=skip_sid)
    return stored


def hand_to_agents(
    server: AgentServer, stored: CentralMessage, message: UserMessage, direct: str | None = None
) -> None:
    """Publish ``new_message`` on the bus; an agent answering ``direct``-ly is skipped there."""
    payload = bus_payload(stored, message.server_id, message.display_name)
    if direct is not None:
        payload["direct_agent_id"] = direct
    server.bus.publish("new_message", payload)


async def reply_directly(
    server: AgentServer, stored: CentralMessage, message: UserMessage, agent_id: str, on_chunk: ChunkSink | None = None
) -> list[Content]:
    """Let ``agent_id`` answer now (http/sse transports); the other participants answer through the bus."""
    hand_to_agents(server, stored, message, direct=agent_id)
    connector = server.connectors.get(agent_id)
    if connector is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} is not running")
    return await connector.process(bus_payload(stored, message.server_id, message.display_name), on_chunk)
