"""The elizaOS Socket.IO protocol (reference §8.5) on the server's python-socketio ``AsyncServer``.

Client events: ``"1"`` join a channel, ``"2"`` send a message (or ``message`` carrying ``{type, payload}``),
``subscribe_logs`` / ``unsubscribe_logs``. Server events: ``authenticated``, ``connection_established``,
``channel_joined`` / ``room_joined``, ``messageBroadcast``, ``messageAck``, ``messageError``,
``messageStreamChunk`` and the channel notifications.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from socketio.exceptions import ConnectionRefusedError as Refused

from ..errors import PyElizaError
from ..types import DEFAULT_SERVER_ID, EventType, now_ms, validate_uuid
from .auth import token_from_socket_auth, token_matches
from .dispatch import UserMessage, accept, hand_to_agents
from .responses import ApiError

if TYPE_CHECKING:
    from .agent_server import AgentServer

logger = logging.getLogger("pyeliza.server.socket")

ROOM_JOINING = "1"
SEND_MESSAGE = "2"
MAX_MESSAGE_CHARS = 100_000


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    return {key[5:].lower().replace("_", "-"): str(value) for key, value in environ.items() if key.startswith("HTTP_")}


class SocketProtocol:
    """Binds the protocol handlers to ``server.sio``."""

    def __init__(self, server: AgentServer) -> None:
        self.server = server
        self.sio = server.sio
        self.sio.on("connect", self.on_connect)
        self.sio.on("disconnect", self.on_disconnect)
        self.sio.on(ROOM_JOINING, self.on_join)
        self.sio.on(SEND_MESSAGE, self.on_send)
        self.sio.on("message", self.on_generic)
        self.sio.on("subscribe_logs", self.on_subscribe_logs)
        self.sio.on("unsubscribe_logs", self.on_unsubscribe_logs)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = token_from_socket_auth(auth, _headers(environ))
        if not token_matches(token, self.server.config.auth_token):
            raise Refused("authentication failed: a valid API key is required")
        entity_id = auth.get("entityId") if isinstance(auth, dict) else None
        if validate_uuid(entity_id) is None:
            raise Refused("Valid entityId required")
        await self.sio.save_session(sid, {"entityId": entity_id})
        self.server.spawn(self._welcome(sid, str(entity_id)))

    async def _welcome(self, sid: str, entity_id: str) -> None:
        """Greet once the connection is accepted (events sent from the connect handler itself would be lost)."""
        for _ in range(200):
            if self.sio.manager.is_connected(sid, "/"):
                break
            await asyncio.sleep(0.005)
        await self.sio.emit("authenticated", {"entityId": entity_id, "timestamp": now_ms()}, to=sid)
        await self.sio.emit(
            "connection_established", {"message": "Connected to pyeliza server", "socketId": sid}, to=sid
        )

    async def on_disconnect(self, sid: str, *args: Any) -> None:
        logger.debug("socket %s disconnected", sid)

    async def on_generic(self, sid: str, data: Any) -> None:
        if not isinstance(data, dict):
            await self._error(sid, "message must be an object {type, payload}")
            return
        kind = str(data.get("type"))
        payload = data.get("payload")
        if kind == ROOM_JOINING:
            await self.on_join(sid, payload)
        elif kind == SEND_MESSAGE:
            await self.on_send(sid, payload)
        else:
            await self._error(sid, f"unknown message type {kind!r}")

    async def _error(self, sid: str, text: str, **extra: Any) -> None:
        await self.sio.emit("messageError", {"error": text, **extra}, to=sid)

    async def on_join(self, sid: str, payload: Any) -> None:
        if not isinstance(payload, dict):
            await self._error(sid, "join payload must be an object")
            return
        channel_id = payload.get("channelId") or payload.get("roomId")
        if validate_uuid(channel_id) is None:
            await self._error(sid, f"invalid channelId: {channel_id!r}")
            return
        await self.sio.enter_room(sid, channel_id)
        session = await self.sio.get_session(sid)
        agent_id = payload.get("agentId")
        if validate_uuid(agent_id):
            session["agentId"] = agent_id
        entity_id = payload.get("entityId") or session.get("entityId")
        server_id = payload.get("messageServerId") or DEFAULT_SERVER_ID
        if validate_uuid(entity_id) and validate_uuid(server_id):
            await self._entity_joined(str(entity_id), str(channel_id), str(server_id), payload)
        reply = {"message": f"Joined channel {channel_id}", "channelId": channel_id, "roomId": channel_id}
        if validate_uuid(agent_id):
            reply["agentId"] = agent_id
        await self.sio.emit("channel_joined", reply, to=sid)
        await self.sio.emit("room_joined", reply, to=sid)

    async def _entity_joined(self, entity_id: str, channel_id: str, server_id: str, payload: dict[str, Any]) -> None:
        """Emit ENTITY_JOINED on every participant agent of the channel (the reference told only the first
        agent, §10.53); ids are the central ones, each agent scopes them itself."""
        participants = set(await self.server.central.get_channel_participants(channel_id))
        channel = await self.server.central.get_channel_details(channel_id)
        metadata = {key: payload[key] for key in ("username", "displayName") if payload.get(key)}
        metadata["type"] = str(channel.type) if channel else "GROUP"
        for agent_id, runtime in list(self.server.runtimes.items()):
            if agent_id not in participants:
                continue
            try:
                await runtime.emit_event(
                    EventType.ENTITY_JOINED,
                    {
                        "entityId": entity_id,
                        "worldId": server_id,
                        "roomId": channel_id,
                        "metadata": metadata,
                        "source": "socketio",
                    },
                )
            except PyElizaError:
                logger.exception("ENTITY_JOINED on agent %s failed", agent_id)

    async def on_send(self, sid: str, payload: Any) -> None:
        if not isinstance(payload, dict):
            await self._error(sid, "send payload must be an object")
            return
        channel_id = payload.get("channelId") or payload.get("roomId")
        sender_id = payload.get("senderId")
        server_id = payload.get("messageServerId") or payload.get("serverId") or DEFAULT_SERVER_ID
        text = payload.get("message")
        client_id = payload.get("messageId")
        problems = []
        if validate_uuid(channel_id) is None:
            problems.append(f"channelId: invalid UUID {channel_id!r}")
        if validate_uuid(sender_id) is None:
            problems.append(f"senderId: invalid UUID {sender_id!r}")
        if validate_uuid(server_id) is None:
            problems.append(f"messageServerId: invalid UUID {server_id!r}")
        if not isinstance(text, str) or not text.strip():
            problems.append("message: must be non-empty text")
        elif len(text) > MAX_MESSAGE_CHARS:
            problems.append(f"message: longer than {MAX_MESSAGE_CHARS} characters")
        if problems:
            await self._error(sid, "; ".join(problems), clientMessageId=client_id)
            return
        metadata = dict(payload.get("metadata") or {})
        metadata.update({"socket_id": sid, "messageServerId": server_id})
        if payload.get("attachments"):
            metadata["attachments"] = payload["attachments"]
        if payload.get("targetUserId"):
            metadata.setdefault("targetUserId", payload["targetUserId"])
        message = UserMessage(
            channel_id=str(channel_id),
            server_id=str(server_id),
            author_id=str(sender_id),
            text=str(text),
            source_type=str(payload.get("source") or "socketio_client"),
            display_name=payload.get("senderName"),
            metadata=metadata,
        )
        try:
            await self.sio.enter_room(sid, message.channel_id)
            stored = await accept(self.server, message, skip_sid=sid, client_message_id=client_id)
        except (ApiError, PyElizaError) as exc:
            await self._error(sid, str(exc), clientMessageId=client_id)
            return
        await self.sio.emit(
            "messageAck",
            {
                "clientMessageId": client_id,
                "messageId": stored.id,
                "status": "received_by_server_and_processing",
                "channelId": message.channel_id,
                "roomId": message.channel_id,
            },
            to=sid,
        )
        hand_to_agents(self.server, stored, message)

    async def on_subscribe_logs(self, sid: str, *args: Any) -> None:
        await self.sio.enter_room(sid, "log_subscribers")
        await self.sio.emit("log_subscription_confirmed", {"subscribed": True}, to=sid)

    async def on_unsubscribe_logs(self, sid: str, *args: Any) -> None:
        await self.sio.leave_room(sid, "log_subscribers")
        await self.sio.emit("log_subscription_confirmed", {"subscribed": False}, to=sid)
