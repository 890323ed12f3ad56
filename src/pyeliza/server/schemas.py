"""Request bodies of the REST API, validated with pydantic (a bad body answers 422 naming the field path)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from ..types import UUID, ChannelType

MAX_SESSION_METADATA_BYTES = 10 * 1024


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CreateAgentBody(_Body):
    character_json: dict[str, Any] | None = Field(default=None, alias="characterJson")
    character_path: str | None = Field(default=None, alias="characterPath")
    agent: dict[str, Any] | None = None


class CreateWorldBody(_Body):
    name: str = Field(min_length=1)
    message_server_id: UUID | None = Field(default=None, alias="messageServerId")
    metadata: dict[str, Any] | None = None


class UpdateWorldBody(_Body):
    name: str | None = None
    metadata: dict[str, Any] | None = None


class CreateRoomBody(_Body):
    name: str = Field(min_length=1)
    type: ChannelType = ChannelType.DM
    source: str = "client"
    world_id: UUID | None = Field(default=None, alias="worldId")
    metadata: dict[str, Any] | None = None
    message_server_id: UUID | None = Field(default=None, alias="messageServerId")


_SERVER_ID = AliasChoices("message_server_id", "server_id", "messageServerId")

Transport = Literal["websocket", "http", "sse"]


class ChannelMessageBody(_Body):
    """``POST /api/messaging/channels/:channelId/messages``."""

    author_id: UUID
    content: str = Field(min_length=1, max_length=100_000)
    message_server_id: UUID = Field(validation_alias=_SERVER_ID)
    in_reply_to_message_id: UUID | None = None
    raw_message: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    source_type: str = "eliza_gui"
    author_display_name: str | None = None
    transport: Transport | None = None
    mode: Literal["sync", "stream", "websocket"] | None = None

    def chosen_transport(self) -> Transport:
        if self.transport is not None:
            return self.transport
        if self.mode == "sync":
            return "http"
        if self.mode == "stream":
            return "sse"
        return "websocket"


class SubmitBody(_Body):
    """``POST /api/messaging/submit`` and ``/action``: a message authored by an agent or a bridge."""

    message_id: UUID | None = Field(default=None, alias="messageId")
    channel_id: UUID
    message_server_id: UUID = Field(validation_alias=_SERVER_ID)
    author_id: UUID
    content: str
    in_reply_to_message_id: UUID | None = None
    source_type: str
    raw_message: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] | None = None


class IngestBody(_Body):
    channel_id: UUID
    message_server_id: UUID = Field(validation_alias=_SERVER_ID)
    author_id: UUID
    content: str = Field(min_length=1)
    author_display_name: str | None = None
    raw_message: dict[str, Any] | None = None
    source_id: str | None = None
    source_type: str = "external"
    in_reply_to_message_id: UUID | None = None
    metadata: dict[str, Any] | None = None


class CreateMessageServerBody(_Body):
    name: str = Field(min_length=1)
    source_type: str = Field(alias="sourceType")
    source_id: str | None = Field(default=None, alias="sourceId")
    metadata: dict[str, Any] | None = None


class CreateChannelBody(_Body):
    name: str = Field(min_length=1)
    participant_central_user_ids: list[UUID] = Field(default_factory=list, alias="participantCentralUserIds")
    type: ChannelType = ChannelType.GROUP
    message_server_id: UUID = Field(validation_alias=_SERVER_ID)
    metadata: dict[str, Any] | None = None


class UpdateChannelBody(_Body):
    name: str | None = None
    participant_central_user_ids: list[UUID] | None = Field(default=None, alias="participantCentralUserIds")
    metadata: dict[str, Any] | None = None


class AgentIdBody(_Body):
    agent_id: UUID = Field(alias="agentId")


class UpdateMemoryBody(_Body):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    content: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


class CreateSessionBody(_Body):
    agent_id: UUID = Field(alias="agentId")
    user_id: UUID = Field(alias="userId")
    metadata: dict[str, Any] = Field(default_factory=dict)
    timeout_config: dict[str, Any] | None = Field(default=None, alias="timeoutConfig")


class SessionMessageBody(_Body):
    content: str = Field(min_length=1, max_length=4000)
    metadata: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] | None = None
    transport: Transport | None = None

    @field_validator("metadata")
    @classmethod
    def _small_metadata(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and len(json.dumps(value, default=str)) > MAX_SESSION_METADATA_BYTES:
            raise ValueError(f"metadata is larger than {MAX_SESSION_METADATA_BYTES} bytes")
        return value


class SessionTimeoutBody(_Body):
    timeout_minutes: int | None = Field(default=None, alias="timeoutMinutes")
    auto_renew: bool | None = Field(default=None, alias="autoRenew")
    max_duration_minutes: int | None = Field(default=None, alias="maxDurationMinutes")
    warning_threshold_minutes: int | None = Field(default=None, alias="warningThresholdMinutes")


class CreateJobBody(_Body):
    agent_id: UUID | None = Field(default=None, alias="agentId")
    user_id: UUID = Field(alias="userId")
    content: str = Field(min_length=1, max_length=50_000)
    metadata: dict[str, Any] = Field(default_factory=dict)
    timeout_ms: int = Field(default=30_000, ge=1_000, le=300_000, alias="timeoutMs")


class UpdateActionBody(_Body):
    """``PATCH /api/messaging/action/:id``: fields of an action message to replace."""

    content: str | None = None
    raw_message: dict[str, Any] | None = None
    source_type: str | None = None
    in_reply_to_message_id: UUID | None = None
    metadata: dict[str, Any] | None = None
    author_id: UUID | None = None
    server_message_id: UUID | None = None


class GroupBody(_Body):
    name: str | None = None
    world_id: UUID = Field(alias="worldId")
    source: str = "api"
    metadata: dict[str, Any] | None = None
    agent_ids: list[UUID] = Field(min_length=1, alias="agentIds")


class TitleBody(_Body):
    agent_id: UUID = Field(alias="agentId")


class SpeechBody(_Body):
    text: str = Field(min_length=1, max_length=10_000)
