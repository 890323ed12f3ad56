"""``/api/messaging/channels`` (alias ``/central-channels``): channel CRUD, participants, messages, DMs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Query, Response

from ...types import DEFAULT_SERVER_ID, Channel, new_uuid
from ..deps import ServerDep, check_uuid
from ..dispatch import accept, ensure_channel, hand_to_agents, reply_directly, target_agent
from ..responses import ApiError, ok
from ..schemas import AgentIdBody, ChannelMessageBody, CreateChannelBody, UpdateChannelBody
from ..streaming import sse_reply
from ..wire import message_json
from ._conversations import posted_message

router = APIRouter(prefix="/api/messaging", tags=["channels"])

Handler = TypeVar("Handler", bound=Callable[..., Any])


async def _channel(server: ServerDep, channel_id: str) -> Channel:
    check_uuid(channel_id, "channelId")
    channel = await server.central.get_channel_details(channel_id)
    if channel is None:
        raise ApiError(404, "CHANNEL_NOT_FOUND", f"channel {channel_id} not found")
    return channel


def _both(path: str) -> list[str]:
    return [f"/channels{path}", f"/central-channels{path}"]


def _route(method: str, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
    """Register one handler under ``/channels`` and its ``/central-channels`` alias."""

    def register(fn: Handler) -> Handler:
        for full in _both(path):
            router.add_api_route(full, fn, methods=[method], **kwargs)
        return fn

    return register


@_route("POST", "/{channel_id}/messages", status_code=201)
async def post_message(channel_id: str, body: ChannelMessageBody, server: ServerDep) -> Response:
    check_uuid(channel_id, "channelId")
    message = posted_message(body, channel_id)
    transport = body.chosen_transport()
    if transport == "websocket":
        stored = await accept(server, message)
        hand_to_agents(server, stored, message)
        return ok({"userMessage": message_json(stored), "transport": transport}, 201)
    await ensure_channel(server, message)
    agent_id = await target_agent(server, message)
    if agent_id is None:
        raise ApiError(
            400, "NO_AGENT", f"channel {channel_id} has no running agent to answer (set metadata.targetAgentId)"
        )
    if transport == "sse":
        return sse_reply(server, message, agent_id)
    stored = await accept(server, message)
    replies = await reply_directly(server, stored, message, agent_id)
    response = replies[-1].to_json_dict() if replies else None
    return ok(
        {
            "userMessage": message_json(stored),
            "agentResponse": response,
            "agentResponses": [r.to_json_dict() for r in replies],
            "transport": transport,
        },
        201,
    )


@_route("GET", "/{channel_id}/messages")
async def channel_history(
    channel_id: str,
    server: ServerDep,
    limit: int = Query(default=50, ge=1, le=1000),
    before: int | None = Query(default=None, ge=0),
) -> Response:
    check_uuid(channel_id, "channelId")
    messages = await server.central.get_messages_for_channel(channel_id, limit=limit, before=before)
    return ok({"messages": [message_json(m) for m in messages]})


@_route("DELETE", "/{channel_id}/messages/{message_id}", status_code=204)
async def delete_message(channel_id: str, message_id: str, server: ServerDep) -> Response:
    check_uuid(channel_id, "channelId")
    check_uuid(message_id, "messageId")
    await server.central.delete_message(message_id)
    server.bus.publish("message_deleted", {"messageId": message_id, "channelId": channel_id})
    await server.emit_to_channel("messageDeleted", {"messageId": message_id, "channelId": channel_id}, channel_id)
    return Response(status_code=204)


@_route("DELETE", "/{channel_id}/messages", status_code=204)
async def clear_messages(channel_id: str, server: ServerDep) -> Response:
    check_uuid(channel_id, "channelId")
    await server.central.delete_messages_for_channel(channel_id)
    server.bus.publish("channel_cleared", {"channelId": channel_id})
    await server.emit_to_channel("channelCleared", {"channelId": channel_id}, channel_id)
    return Response(status_code=204)


@router.get("/message-servers/{server_id}/channels")
@router.get("/central-servers/{server_id}/channels")
async def server_channels(server_id: str, server: ServerDep) -> Response:
    check_uuid(server_id, "messageServerId")
    channels = await server.central.get_channels_for_message_server(server_id)
    return ok({"channels": [c.to_json_dict() for c in channels]})


@router.get("/dm-channel")
async def dm_channel(
    server: ServerDep,
    target_user_id: str = Query(alias="targetUserId"),
    current_user_id: str = Query(alias="currentUserId"),
    dm_server_id: str = Query(default=DEFAULT_SERVER_ID, alias="dmServerId"),
) -> Response:
    check_uuid(target_user_id, "targetUserId")
    check_uuid(current_user_id, "currentUserId")
    check_uuid(dm_server_id, "dmServerId")
    channel = await server.central.find_or_create_dm_channel(current_user_id, target_user_id, dm_server_id)
    return ok(channel.to_json_dict())


@_route("POST", "", status_code=201)
async def create_channel(body: CreateChannelBody, server: ServerDep) -> Response:
    if await server.central.get_message_server_by_id(body.message_server_id) is None:
        raise ApiError(404, "SERVER_NOT_FOUND", f"message server {body.message_server_id} not found")
    channel = await server.central.create_channel(
        Channel(
            id=new_uuid(),
            message_server_id=body.message_server_id,
            name=body.name,
            type=body.type,
            metadata=body.metadata,
        ),
        body.participant_central_user_ids,
    )
    return ok(channel.to_json_dict(), 201)


@_route("GET", "/{channel_id}/details")
async def channel_details(channel_id: str, server: ServerDep) -> Response:
    return ok((await _channel(server, channel_id)).to_json_dict())


@_route("GET", "/{channel_id}/participants")
async def channel_participants(channel_id: str, server: ServerDep) -> Response:
    await _channel(server, channel_id)
    return ok(await server.central.get_channel_participants(channel_id))


@_route("GET", "/{channel_id}/agents")
async def channel_agents(channel_id: str, server: ServerDep) -> Response:
    await _channel(server, channel_id)
    participants = await server.central.get_channel_participants(channel_id)
    agent_ids = {a.id for a in await server.central.get_agents()}
    return ok({"channelId": channel_id, "participants": [p for p in participants if p in agent_ids]})


@_route("POST", "/{channel_id}/agents", status_code=201)
async def add_channel_agent(channel_id: str, body: AgentIdBody, server: ServerDep) -> Response:
    await _channel(server, channel_id)
    await server.central.add_channel_participants(channel_id, [body.agent_id])
    return ok({"channelId": channel_id, "agentId": body.agent_id, "message": "Agent added to channel"}, 201)


@_route("DELETE", "/{channel_id}/agents/{agent_id}")
async def remove_channel_agent(channel_id: str, agent_id: str, server: ServerDep) -> Response:
    await _channel(server, channel_id)
    check_uuid(agent_id, "agentId")
    await server.central.remove_channel_participant(channel_id, agent_id)
    return ok({"channelId": channel_id, "agentId": agent_id, "message": "Agent removed from channel"})


@_route("PATCH", "/{channel_id}")
async def update_channel(channel_id: str, body: UpdateChannelBody, server: ServerDep) -> Response:
    await _channel(server, channel_id)
    changes: dict[str, Any] = {}
    if body.name is not None:
        changes["name"] = body.name
    if body.metadata is not None:
        changes["metadata"] = body.metadata
    updated = (
        await server.central.update_channel(channel_id, changes) if changes else await _channel(server, channel_id)
    )
    if body.participant_central_user_ids is not None:
        current = set(await server.central.get_channel_participants(channel_id))
        wanted = set(body.participant_central_user_ids)
        for gone in current - wanted:
            await server.central.remove_channel_participant(channel_id, gone)
        await server.central.add_channel_participants(channel_id, sorted(wanted - current))
    await server.emit_to_channel(
        "channelUpdated", {"channelId": channel_id, "updates": body.model_dump(exclude_none=True)}, channel_id
    )
    return ok(updated.to_json_dict())


@_route("DELETE", "/{channel_id}", status_code=204)
async def delete_channel(channel_id: str, server: ServerDep) -> Response:
    await _channel(server, channel_id)
    await server.central.delete_channel(channel_id)
    server.bus.publish("channel_cleared", {"channelId": channel_id})
    await server.emit_to_channel("channelDeleted", {"channelId": channel_id}, channel_id)
    return Response(status_code=204)


__all__ = ["router"]
