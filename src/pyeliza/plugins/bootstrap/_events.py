"""Event handlers of the bootstrap plugin — §7.2.

World and entity sync, ``run_event`` / ``action_event`` log rows (each carrying its run id), control messages
to the services that deliver them, and the 1.4 compatibility forwarding of MESSAGE_RECEIVED /
VOICE_MESSAGE_RECEIVED to the message service.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...errors import PyElizaError
from ...types import (
    ChannelType,
    Entity,
    EventHandler,
    EventPayload,
    EventType,
    Log,
    Memory,
    Role,
    Room,
    World,
    create_unique_uuid,
    now_ms,
)
from ._posts import on_post_generated
from ._support import adapter_of

if TYPE_CHECKING:
    from ...runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")


def _runtime(payload: EventPayload) -> AgentRuntime:
    return payload["runtime"]  # type: ignore[no-any-return]


async def _log(payload: EventPayload, log_type: str, body: dict[str, Any]) -> None:
    runtime = _runtime(payload)
    entity_id = payload.get("entityId") or runtime.agent_id
    try:
        await adapter_of(runtime).log(
            Log(entity_id=entity_id, room_id=payload.get("roomId"), type=log_type, body=body, created_at=now_ms())
        )
    except PyElizaError:
        logger.warning("could not write a %s log row", log_type, exc_info=True)


async def on_run_event(payload: EventPayload) -> None:
    keys = ("runId", "status", "messageId", "roomId", "entityId", "startTime", "endTime", "duration", "error")
    body = {key: payload[key] for key in keys if payload.get(key) is not None}
    body["source"] = payload.get("source")
    await _log(payload, "run_event", body)


async def on_action_started(payload: EventPayload) -> None:
    runtime = _runtime(payload)
    run = runtime.get_current_run_context()
    content = payload.get("content")
    body = {
        "runId": payload.get("runId") or (run.run_id if run else None),
        "actionId": payload.get("actionId"),
        "actionName": payload.get("actionName") or (getattr(content, "actions", None) or [None])[0],
        "messageId": payload.get("messageId"),
        "status": "started",
    }
    await _log(payload, "action_event", body)


async def on_world_joined(payload: EventPayload) -> None:
    runtime = _runtime(payload)
    world = payload.get("world")
    entities: Sequence[Entity] = payload.get("entities") or []
    rooms: Sequence[Room] = payload.get("rooms") or []
    if not isinstance(world, World):
        logger.warning("%s without a world; ignored", payload.get("event", "WORLD_JOINED"))
        return
    try:
        await runtime.ensure_connections(list(entities), list(rooms), str(payload.get("source") or "default"), world)
    except PyElizaError:
        logger.exception("syncing world %s failed", world.id)
    on_complete = payload.get("onComplete")
    if callable(on_complete):
        outcome = on_complete()
        if hasattr(outcome, "__await__"):
            await outcome


async def on_entity_joined(payload: EventPayload) -> None:
    """Sync one user: the platform room and world ids become agent-scoped; DM users own their DM world."""
    runtime = _runtime(payload)
    entity_id, room_id, world_id = payload.get("entityId"), payload.get("roomId"), payload.get("worldId")
    metadata: dict[str, Any] = dict(payload.get("metadata") or {})
    channel_type = str(metadata.get("type") or "").upper()
    if not entity_id or not room_id or not world_id or not channel_type:
        logger.warning("ENTITY_JOINED needs entityId, roomId, worldId and metadata.type; ignored")
        return
    scoped_room = create_unique_uuid(runtime.agent_id, str(room_id))
    scoped_world = create_unique_uuid(runtime.agent_id, str(world_id))
    name = metadata.get("name") or metadata.get("username") or f"User{entity_id}"
    try:
        if channel_type == ChannelType.DM.value:
            await runtime.ensure_world_exists(
                World(
                    id=scoped_world,
                    name=f"DM with {name}",
                    agent_id=runtime.agent_id,
                    metadata={
                        "ownership": {"ownerId": entity_id},
                        "roles": {entity_id: Role.OWNER.value},
                        "settings": {},
                    },
                )
            )
        await runtime.ensure_connection(
            entity_id,
            scoped_room,
            world_id=scoped_world,
            name=str(name),
            user_name=metadata.get("username"),
            source=str(payload.get("source") or "default"),
            type=channel_type,
            channel_id=str(room_id),
            message_server_id=str(world_id) if len(str(world_id)) == 36 else None,
            metadata=metadata,
        )
    except PyElizaError:
        logger.exception("syncing entity %s failed", entity_id)


async def on_entity_left(payload: EventPayload) -> None:
    runtime = _runtime(payload)
    entity_id = payload.get("entityId")
    if not entity_id:
        return
    entities = await adapter_of(runtime).get_entities_by_ids([entity_id])
    if entities:
        entity = entities[0]
        entity.metadata = {**entity.metadata, "status": "INACTIVE", "leftAt": now_ms()}
        await adapter_of(runtime).update_entity(entity)


async def on_reaction(payload: EventPayload) -> None:
    message = payload.get("message")
    if isinstance(message, Memory):
        try:
            await adapter_of(_runtime(payload)).create_memory(message, "messages")
        except PyElizaError:
            logger.warning("storing reaction %s failed", message.id, exc_info=True)


async def on_control_message(payload: EventPayload) -> None:
    """Hand a UI control message (e.g. disable input) to every service that can send one (§10.35 fixed).

    A service takes part by defining ``async send_control_message(message: dict)``; the reference looked for a
    service named like "socket", which the server never registered.
    """
    runtime = _runtime(payload)
    message = {
        "type": "controlMessage",
        "payload": {"action": payload.get("action"), "target": payload.get("target"), "roomId": payload.get("roomId")},
    }
    senders = [
        service
        for services in runtime.get_all_services().values()
        for service in services
        if callable(getattr(service, "send_control_message", None))
    ]
    if not senders:
        logger.warning("CONTROL_MESSAGE for room %s: no service can deliver control messages", payload.get("roomId"))
    for service in senders:
        try:
            await service.send_control_message(message)  # type: ignore[attr-defined]
        except Exception:
            logger.exception("%s failed to send a control message", type(service).__name__)


async def forward_to_message_service(payload: EventPayload) -> None:
    """1.4 compatibility: platform plugins emit MESSAGE_RECEIVED with ``message`` and ``callback``."""
    if payload.get("handled"):
        return  # emitted by the pipeline itself
    runtime = _runtime(payload)
    message = payload.get("message")
    if not isinstance(message, Memory) or runtime.message_service is None:
        return
    await runtime.message_service.handle_message(message, payload.get("callback"))
    on_complete = payload.get("onComplete")
    if callable(on_complete):
        outcome = on_complete()
        if hasattr(outcome, "__await__"):
            await outcome


BOOTSTRAP_EVENTS: dict[str, Sequence[EventHandler]] = {
    EventType.RUN_STARTED: [on_run_event],
    EventType.RUN_ENDED: [on_run_event],
    EventType.RUN_TIMEOUT: [on_run_event],
    EventType.ACTION_STARTED: [on_action_started],
    EventType.WORLD_JOINED: [on_world_joined],
    EventType.WORLD_CONNECTED: [on_world_joined],
    EventType.ENTITY_JOINED: [on_entity_joined],
    EventType.ENTITY_LEFT: [on_entity_left],
    EventType.REACTION_RECEIVED: [on_reaction],
    EventType.CONTROL_MESSAGE: [on_control_message],
    EventType.POST_GENERATED: [on_post_generated],
    EventType.MESSAGE_RECEIVED: [forward_to_message_service],
    EventType.VOICE_MESSAGE_RECEIVED: [forward_to_message_service],
}
