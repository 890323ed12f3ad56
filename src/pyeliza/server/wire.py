"""Wire forms of central messages: the history JSON and the Socket.IO ``messageBroadcast`` payload."""

from __future__ import annotations

from typing import Any

from ..types import CentralMessage


def message_json(message: CentralMessage) -> dict[str, Any]:
    """A central message as the messaging routes return it (camelCase plus the ``created_at`` ms fields)."""
    data = message.to_json_dict()
    data["created_at"] = message.created_at
    data["updated_at"] = message.updated_at
    return data


def broadcast_payload(
    message: CentralMessage,
    *,
    server_id: str,
    sender_name: str | None = None,
    client_message_id: str | None = None,
) -> dict[str, Any]:
    """The ``messageBroadcast`` event of the elizaOS Socket.IO protocol for one central message."""
    metadata = message.metadata or {}
    raw = message.raw_message or {}
    payload: dict[str, Any] = {
        "id": message.id,
        "senderId": message.author_id,
        "senderName": sender_name or metadata.get("agentName") or metadata.get("user_display_name") or "",
        "text": message.content,
        "channelId": message.channel_id,
        "roomId": message.channel_id,
        "messageServerId": server_id,
        "serverId": server_id,
        "createdAt": message.created_at,
        "updatedAt": message.updated_at,
        "source": message.source_type,
    }
    for key in ("thought", "actions", "attachments"):
        value = metadata.get(key, raw.get(key))
        if value:
            payload[key] = value
    if message.in_reply_to_root_message_id:
        payload["inReplyTo"] = message.in_reply_to_root_message_id
    if client_message_id:
        payload["clientMessageId"] = client_message_id
    return payload


def bus_payload(message: CentralMessage, server_id: str, display_name: str | None = None) -> dict[str, Any]:
    """The internal bus ``new_message`` payload (snake_case, like the reference)."""
    return {
        "id": message.id,
        "channel_id": message.channel_id,
        "message_server_id": server_id,
        "author_id": message.author_id,
        "author_display_name": display_name,
        "content": message.content,
        "raw_message": message.raw_message or {},
        "source_id": message.source_id,
        "source_type": message.source_type,
        "in_reply_to_message_id": message.in_reply_to_root_message_id,
        "created_at": message.created_at,
        "metadata": message.metadata or {},
    }
