"""How routes open a conversation: the UserMessage of a posted message, and the private channel of a job or session."""

from __future__ import annotations

from typing import Literal

from ...types import DEFAULT_SERVER_ID, Channel, ChannelType, new_uuid
from ..agent_server import AgentServer
from ..dispatch import UserMessage
from ..schemas import ChannelMessageBody, IngestBody


def posted_message(body: ChannelMessageBody | IngestBody, channel_id: str) -> UserMessage:
    """The message a client posted to ``channel_id``, with the body's author, text and metadata."""
    return UserMessage(
        channel_id=channel_id,
        server_id=body.message_server_id,
        author_id=body.author_id,
        text=body.content,
        source_type=body.source_type,
        display_name=body.author_display_name,
        metadata=body.metadata,
        raw_message=body.raw_message,
        in_reply_to=body.in_reply_to_message_id,
    )


async def private_channel(
    server: AgentServer, purpose: Literal["job", "session"], purpose_id: str, agent_id: str, user_id: str
) -> Channel:
    """A new DM channel of one user and one agent, named and tagged after the job or session it serves."""
    return await server.central.create_channel(
        Channel(
            id=new_uuid(),
            message_server_id=DEFAULT_SERVER_ID,
            name=f"{purpose}-{purpose_id}",
            type=ChannelType.DM,
            source_type=purpose,
            metadata={f"{purpose}Id": purpose_id, "agentId": agent_id, "userId": user_id},
        ),
        [user_id, agent_id],
    )
