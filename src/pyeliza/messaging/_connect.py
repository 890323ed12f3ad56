"""Create the room and entity of a message from a sender the agent has not met (instead of an IntegrityError)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..types import ChannelType, Memory

if TYPE_CHECKING:
    from ..runtime import AgentRuntime

logger = logging.getLogger("pyeliza.messaging")


def channel_type_of(message: Memory) -> ChannelType:
    """``content.channel_type`` when it names a known channel type, else DM."""
    raw = (message.content.channel_type or "").strip().upper()
    try:
        return ChannelType(raw)
    except ValueError:
        return ChannelType.DM


def sender_name_of(message: Memory) -> str | None:
    """The display name a platform put on the message (``metadata.entityName``), if any."""
    if message.metadata is None:
        return None
    extra = message.metadata.model_extra or {}
    name = extra.get("entityName") or extra.get("entity_name")
    return name if isinstance(name, str) and name.strip() else None


async def connect_sender(runtime: AgentRuntime, message: Memory) -> None:
    """``ensure_connection`` for the message's entity and room (source and channel type from its content)."""
    kind = channel_type_of(message)
    name = sender_name_of(message)
    logger.info(
        "message %s: room %s or entity %s unknown; creating them (%s, source %s)",
        message.id,
        message.room_id,
        message.entity_id,
        kind.value,
        message.content.source,
    )
    await runtime.ensure_connection(
        message.entity_id,
        message.room_id,
        world_id=message.world_id,
        name=name,
        user_name=name,
        source=message.content.source,
        type=kind,
    )
