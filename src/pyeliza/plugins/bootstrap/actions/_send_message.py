"""SEND_MESSAGE: send a composed message to another user or room — §7.3.8 with §10.30 fixed.

Validation asks whether anything can deliver (a registered send handler); the handler sends the message the
model composed (``<message>``), not the user's own request, through ``runtime.send_message_to_target``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ....errors import PyElizaError
from ....prompts import TARGET_EXTRACTION_TEMPLATE, compose_prompt_from_state, parse_xml_tree
from ....types import (
    Action,
    ActionResult,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    State,
)
from .._support import adapter_of
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")


async def _validate(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    return bool(runtime.send_handlers)


async def _fail(callback: HandlerCallback | None, code: str, text: str) -> ActionResult:
    if callback is not None:
        await callback(Content(text=text, actions=["SEND_MESSAGE_ERROR"]))
    return ActionResult(success=False, error=code, text=text, data={"actionName": "SEND_MESSAGE", "error": code})


async def _handler(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    state = state or await runtime.compose_state(message, ["RECENT_MESSAGES"])
    answer = await runtime.use_model(
        ModelType.TEXT_SMALL, {"prompt": compose_prompt_from_state(state, TARGET_EXTRACTION_TEMPLATE)}
    )
    parsed = (parse_xml_tree(answer) if isinstance(answer, str) else None) or {}
    target_type = str(parsed.get("targetType") or "").strip().lower()
    source = str(parsed.get("source") or message.content.source or "").strip().lower()
    identifiers: Any = parsed.get("identifiers")
    identifiers = identifiers if isinstance(identifiers, dict) else {}
    text = str(parsed.get("message") or "").strip()
    if target_type not in ("user", "room") or not text or not source:
        return await _fail(callback, "TARGET_UNCLEAR", "I could not tell who to send the message to, or what to say.")
    adapter = adapter_of(runtime)
    target: dict[str, Any] = {"source": source}
    if target_type == "user":
        name = str(identifiers.get("username") or identifiers.get("name") or "").strip()
        matches = await adapter.search_entities_by_name(name, 1) if name else []
        if not matches or matches[0].id is None:
            return await _fail(callback, "USER_NOT_FOUND", f"I could not find a user named {name or '(none)'}.")
        target["entityId"] = matches[0].id
        label = matches[0].names[0] if matches[0].names else name
    else:
        room = await runtime.get_room(message.room_id)
        if room is None or room.world_id is None:
            return await _fail(callback, "NO_WORLD_ID", "This conversation is not part of a server with rooms.")
        wanted = str(identifiers.get("roomName") or "").strip().lower()
        found = [r for r in await adapter.get_rooms_by_world(room.world_id) if (r.name or "").lower() == wanted]
        if not found:
            return await _fail(callback, "ROOM_NOT_FOUND", f"I could not find a room named {wanted or '(none)'}.")
        target.update(roomId=found[0].id, channelId=found[0].channel_id)
        label = found[0].name or found[0].id
    try:
        await runtime.send_message_to_target(target, Content(text=text, source=source))
    except PyElizaError as exc:
        logger.warning("SEND_MESSAGE to %s failed: %s", target, exc)
        return await _fail(callback, "SEND_FAILED", f"Sending the message to {label} failed.")
    if callback is not None:
        await callback(Content(text=f"Message sent to {label}.", actions=["SEND_MESSAGE"], source=source))
    return ActionResult(
        success=True,
        text=f"Message sent to {label}",
        values={"sentMessage": True, "targetType": target_type},
        data={"actionName": "SEND_MESSAGE", "target": target, "message": text},
    )


send_message_action = Action(
    name="SEND_MESSAGE",
    description="Send a message to a user or room other than the current one.",
    handler=_handler,
    validate=_validate,
    similes=["DM", "MESSAGE", "SEND_DM", "POST_MESSAGE"],
    examples=[exchange("Tell Bob in telegram that the build is green", "Sending it to Bob.", ["SEND_MESSAGE"])],
)
