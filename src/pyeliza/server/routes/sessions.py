"""``/api/messaging/sessions``: user-agent conversations with idle timeouts and renewal (reference §8.8).

Errors are JSON envelopes with a code and a message (never a stack trace, §10.54).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from ...types import DEFAULT_SERVER_ID, new_uuid, now_ms
from ..deps import ServerDep, check_uuid
from ..dispatch import UserMessage, accept, hand_to_agents, reply_directly
from ..responses import ApiError, ok
from ..schemas import CreateSessionBody, SessionMessageBody, SessionTimeoutBody
from ..sessions import Session, TimeoutConfig, agent_overrides
from ..streaming import sse_reply
from ..wire import message_json
from ._conversations import private_channel

router = APIRouter(prefix="/api/messaging/sessions", tags=["sessions"])


def _live(server: ServerDep, session_id: str) -> Session:
    check_uuid(session_id, "sessionId")
    session = server.sessions.get(session_id)
    if session is None:
        raise ApiError(404, "SESSION_NOT_FOUND", f"session {session_id} not found")
    if session.expired():
        server.sessions.remove(session_id)
        raise ApiError(410, "SESSION_EXPIRED", f"session {session_id} expired at {session.expires_at}")
    return session


@router.get("/health")
async def sessions_health(server: ServerDep) -> Response:
    active = server.sessions.active()
    return ok({"status": "healthy", "activeSessions": len(active), "timestamp": now_ms()})


@router.get("")
async def list_sessions(server: ServerDep) -> Response:
    sessions = [s.to_json() for s in server.sessions.active()]
    return ok({"sessions": sessions, "total": len(sessions)})


@router.post("", status_code=201)
async def create_session(body: CreateSessionBody, server: ServerDep) -> Response:
    runtime = server.get_runtime(body.agent_id)
    if runtime is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {body.agent_id} is not running")
    config = TimeoutConfig(timeout_minutes=server.config.session_timeout_minutes).clamped()
    config = config.merged(agent_overrides(runtime.get_setting)).merged(body.timeout_config or {})
    session_id = new_uuid()
    channel = await private_channel(server, "session", session_id, body.agent_id, body.user_id)
    session = Session(
        id=session_id,
        agent_id=body.agent_id,
        user_id=body.user_id,
        channel_id=channel.id,
        config=config,
        metadata=body.metadata,
    )
    server.sessions.add(session)
    return ok(session.to_json(), 201)


@router.get("/{session_id}")
async def get_session(session_id: str, server: ServerDep) -> Response:
    return ok(_live(server, session_id).to_json())


@router.delete("/{session_id}")
async def delete_session(session_id: str, server: ServerDep) -> Response:
    check_uuid(session_id, "sessionId")
    if server.sessions.remove(session_id) is None:
        raise ApiError(404, "SESSION_NOT_FOUND", f"session {session_id} not found")
    return ok({"sessionId": session_id, "message": "Session ended"})


@router.post("/{session_id}/renew")
async def renew_session(session_id: str, server: ServerDep) -> Response:
    session = _live(server, session_id)
    if not session.renew():
        limit = session.config.max_duration_minutes
        raise ApiError(400, "RENEWAL_LIMIT", f"session {session_id} reached its maximum duration of {limit} minutes")
    return ok(session.to_json())


@router.post("/{session_id}/heartbeat")
async def heartbeat(session_id: str, server: ServerDep) -> Response:
    session = _live(server, session_id)
    if session.config.auto_renew:
        session.renew()
    else:
        session.last_activity = now_ms()
    return ok(session.to_json())


@router.patch("/{session_id}/timeout")
async def update_timeout(session_id: str, body: SessionTimeoutBody, server: ServerDep) -> Response:
    session = _live(server, session_id)
    session.reconfigure(session.config.merged(body.model_dump(by_alias=True, exclude_none=True)))
    return ok(session.to_json())


@router.post("/{session_id}/messages", status_code=201)
async def send_session_message(session_id: str, body: SessionMessageBody, server: ServerDep) -> Response:
    session = _live(server, session_id)
    renewed = session.renew() if session.config.auto_renew else False
    metadata: dict[str, Any] = {**(body.metadata or {}), "sessionId": session.id}
    if body.attachments:
        metadata["attachments"] = body.attachments
    message = UserMessage(
        channel_id=session.channel_id,
        server_id=DEFAULT_SERVER_ID,
        author_id=session.user_id,
        text=body.content,
        source_type="user",
        metadata=metadata,
    )
    if server.get_runtime(session.agent_id) is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {session.agent_id} of session {session_id} is not running")
    transport = body.transport or "websocket"
    if transport == "sse":
        return sse_reply(server, message, session.agent_id)
    stored = await accept(server, message)
    data = {**message_json(stored), "sessionStatus": {**session.status(), "wasRenewed": renewed}}
    if transport == "http":
        replies = await reply_directly(server, stored, message, session.agent_id)
        data["agentResponse"] = replies[-1].to_json_dict() if replies else None
    else:
        hand_to_agents(server, stored, message)
    return ok(data, 201)


@router.get("/{session_id}/messages")
async def session_messages(
    session_id: str,
    server: ServerDep,
    limit: int = Query(default=50, ge=1, le=100),
    before: int | None = Query(default=None, ge=0),
    after: int | None = Query(default=None, ge=0),
) -> Response:
    session = _live(server, session_id)
    fetched = await server.central.get_messages_for_channel(session.channel_id, limit=limit + 1, before=before)
    if after is not None:
        fetched = [m for m in fetched if (m.created_at or 0) > after]
    page = fetched[:limit]
    return ok(
        {
            "messages": [message_json(m) for m in page],
            "hasMore": len(fetched) > limit,
            "cursors": {
                "before": page[-1].created_at if page else None,
                "after": page[0].created_at if page else None,
            },
        }
    )
