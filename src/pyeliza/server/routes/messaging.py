"""``/api/messaging``: agent submissions, external ingestion and message servers."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ...types import DEFAULT_SERVER_ID, CentralMessage, MessageServer, new_uuid, now_ms
from ..deps import ServerDep, check_uuid
from ..dispatch import accept, hand_to_agents
from ..responses import ApiError, ok
from ..schemas import AgentIdBody, CreateMessageServerBody, IngestBody, SubmitBody, UpdateActionBody
from ..wire import broadcast_payload, message_json
from ._conversations import posted_message

router = APIRouter(prefix="/api/messaging", tags=["messaging"])


async def _store_submission(server: ServerDep, body: SubmitBody, source_type: str | None = None) -> CentralMessage:
    if await server.central.get_channel_details(body.channel_id) is None:
        raise ApiError(404, "CHANNEL_NOT_FOUND", f"channel {body.channel_id} not found")
    now = now_ms()
    stored = await server.central.create_message(
        CentralMessage(
            id=body.message_id or new_uuid(),
            channel_id=body.channel_id,
            author_id=body.author_id,
            content=body.content,
            raw_message=body.raw_message,
            in_reply_to_root_message_id=body.in_reply_to_message_id,
            source_type=source_type or body.source_type,
            metadata=body.metadata or {},
            created_at=now,
            updated_at=now,
        )
    )
    payload = broadcast_payload(stored, server_id=body.message_server_id)
    await server.emit_to_channel("messageBroadcast", payload, body.channel_id)
    return stored


@router.post("/submit", status_code=201)
async def submit(body: SubmitBody, server: ServerDep) -> Response:
    stored = await _store_submission(server, body)
    return ok(message_json(stored), 201)


@router.post("/action", status_code=201)
async def action(body: SubmitBody, server: ServerDep) -> Response:
    stored = await _store_submission(server, body, source_type="agent_action")
    return ok(message_json(stored), 201)


@router.patch("/action/{message_id}")
async def update_action(message_id: str, body: UpdateActionBody, server: ServerDep) -> Response:
    """Replace fields of an action message and broadcast the new version to its channel."""
    check_uuid(message_id, "messageId")
    existing = await server.central.get_message_by_id(message_id)
    if existing is None:
        raise ApiError(404, "MESSAGE_NOT_FOUND", f"message {message_id} not found")
    if body.author_id is not None and body.author_id != existing.author_id:
        raise ApiError(403, "FORBIDDEN", f"message {message_id} belongs to another author")
    changes: dict[str, object] = body.model_dump(
        include={"content", "raw_message", "source_type", "metadata"}, exclude_none=True
    )
    if body.in_reply_to_message_id is not None:
        changes["in_reply_to_root_message_id"] = body.in_reply_to_message_id
    updated = await server.central.update_message(message_id, changes) if changes else existing
    if updated is None:
        raise ApiError(404, "MESSAGE_NOT_FOUND", f"message {message_id} not found")
    server_id = body.server_message_id or DEFAULT_SERVER_ID
    payload = broadcast_payload(updated, server_id=server_id)
    payload["rawMessage"] = updated.raw_message or {}
    await server.emit_to_channel("messageBroadcast", payload, updated.channel_id)
    return ok(message_json(updated))


@router.post("/ingest-external", status_code=202)
async def ingest_external(body: IngestBody, server: ServerDep) -> Response:
    message = posted_message(body, body.channel_id)
    stored = await accept(server, message)
    hand_to_agents(server, stored, message)
    return ok({"messageId": stored.id}, 202)


@router.get("/message-server/current")
async def current_server() -> Response:
    return ok({"messageServerId": DEFAULT_SERVER_ID})


@router.get("/message-servers")
async def list_servers(server: ServerDep) -> Response:
    servers = await server.central.get_message_servers()
    return ok({"messageServers": [s.to_json_dict() for s in servers]})


@router.get("/central-servers")
async def list_servers_alias(server: ServerDep) -> Response:
    servers = await server.central.get_message_servers()
    return ok({"servers": [s.to_json_dict() for s in servers]})


@router.post("/message-servers", status_code=201)
@router.post("/servers", status_code=201)
async def create_server(body: CreateMessageServerBody, server: ServerDep) -> Response:
    created = await server.central.create_message_server(
        MessageServer(
            id=new_uuid(),
            name=body.name,
            source_type=body.source_type,
            source_id=body.source_id,
            metadata=body.metadata,
        )
    )
    return ok({"server": created.to_json_dict()}, 201)


def _current_only(server_id: str) -> None:
    check_uuid(server_id, "messageServerId")
    if server_id != DEFAULT_SERVER_ID:
        raise ApiError(403, "FORBIDDEN", "only the current message server's agents can be managed here")


@router.get("/message-servers/{server_id}/agents")
@router.get("/servers/{server_id}/agents")
async def server_agents(server_id: str, server: ServerDep) -> Response:
    _current_only(server_id)
    agents = await server.central.get_agents_for_message_server(server_id)
    return ok({"messageServerId": server_id, "agents": agents})


@router.post("/message-servers/{server_id}/agents", status_code=201)
@router.post("/servers/{server_id}/agents", status_code=201)
async def add_server_agent(server_id: str, body: AgentIdBody, server: ServerDep) -> Response:
    _current_only(server_id)
    await server.central.add_agent_to_message_server(server_id, body.agent_id)
    server.bus.publish(
        "server_agent_update",
        {"type": "agent_added_to_server", "messageServerId": server_id, "agentId": body.agent_id},
    )
    return ok({"messageServerId": server_id, "agentId": body.agent_id, "message": "Agent added to server"}, 201)


@router.delete("/message-servers/{server_id}/agents/{agent_id}")
@router.delete("/servers/{server_id}/agents/{agent_id}")
async def remove_server_agent(server_id: str, agent_id: str, server: ServerDep) -> Response:
    _current_only(server_id)
    check_uuid(agent_id, "agentId")
    await server.central.remove_agent_from_message_server(server_id, agent_id)
    server.bus.publish(
        "server_agent_update",
        {"type": "agent_removed_from_server", "messageServerId": server_id, "agentId": agent_id},
    )
    return ok({"messageServerId": server_id, "agentId": agent_id, "message": "Agent removed from server"})


@router.get("/agents/{agent_id}/message-servers")
async def agent_servers(agent_id: str, server: ServerDep) -> Response:
    check_uuid(agent_id, "agentId")
    ids = [
        s.id
        for s in await server.central.get_message_servers()
        if agent_id in await server.central.get_agents_for_message_server(s.id)
    ]
    return ok({"agentId": agent_id, "messageServers": ids})
