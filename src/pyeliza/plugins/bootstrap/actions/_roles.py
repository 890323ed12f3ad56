"""UPDATE_ROLE: change people's roles in the room's world — §7.3.11 with §10.31 fixed.

The world is the room's world (not a WORLD_ID setting). Permission: OWNER may assign any role to anyone else;
ADMIN may make members ADMIN or NONE but never touches an OWNER or assigns OWNER; NONE may change nothing.
Callbacks carry the message's real source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....prompts import ROLE_EXTRACTION_TEMPLATE, compose_prompt_from_state, parse_xml_tree
from ....types import (
    Action,
    ActionResult,
    ChannelType,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    Role,
    State,
)
from .._support import adapter_of, channel_type_of, nested_items, role_in, roles_of, room_by_id, world_of_room
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

_ROLES = {role.value for role in Role}


def may_assign(requester: str, current: str, new: str) -> bool:
    """Whether a requester with role ``requester`` may change a target from ``current`` to ``new``."""
    if requester == Role.OWNER.value:
        return True
    if requester == Role.ADMIN.value:
        return current != Role.OWNER.value and new != Role.OWNER.value
    return False


def _assignments(parsed: dict[str, Any] | None) -> list[dict[str, str]]:
    return [
        {"entityId": str(i.get("entityId", "")).strip(), "newRole": str(i.get("newRole", "")).strip().upper()}
        for i in nested_items(parsed, "assignments", "assignment")
    ]


async def _validate(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    room = await room_by_id(runtime, message.room_id)
    return (
        room is not None
        and room.world_id is not None
        and channel_type_of(message, room) in (ChannelType.GROUP.value, ChannelType.WORLD.value)
    )


async def _handler(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    room, world = await world_of_room(runtime, message.room_id)
    source = message.content.source
    if room is None or world is None:
        return ActionResult(success=False, error="NO_WORLD", data={"actionName": "UPDATE_ROLE"})
    requester = role_in(world, message.entity_id)
    state = await runtime.compose_state(message, ["ENTITIES", "RECENT_MESSAGES"])
    answer = await runtime.use_model(
        ModelType.TEXT_SMALL, {"prompt": compose_prompt_from_state(state, ROLE_EXTRACTION_TEMPLATE)}
    )
    in_room = set(await adapter_of(runtime).get_participants_for_room(room.id))
    roles = roles_of(world)
    applied: list[str] = []
    refused: list[str] = []
    for item in _assignments(parse_xml_tree(answer) if isinstance(answer, str) else None):
        entity_id, new_role = item["entityId"], item["newRole"]
        if entity_id not in in_room or new_role not in _ROLES:
            continue
        if entity_id == message.entity_id or not may_assign(requester, role_in(world, entity_id), new_role):
            refused.append(entity_id)
            continue
        roles[entity_id] = new_role
        applied.append(f"{entity_id} is now {new_role}")
    if applied:
        world.metadata = {**(world.metadata or {}), "roles": roles}
        await adapter_of(runtime).update_world(world)
    text = "Updated roles: " + "; ".join(applied) if applied else "No role changes were made."
    if refused:
        text += f" Not permitted for: {', '.join(refused)}."
    if callback is not None:
        await callback(Content(text=text, actions=["UPDATE_ROLE"], source=source))
    return ActionResult(
        success=bool(applied),
        text=text,
        values={"updatedRoles": len(applied)},
        data={"actionName": "UPDATE_ROLE", "applied": applied, "refused": refused},
    )


update_role_action = Action(
    name="UPDATE_ROLE",
    description="Assign a role (OWNER, ADMIN, NONE) to people in this server, if the requester may.",
    handler=_handler,
    validate=_validate,
    similes=["CHANGE_ROLE", "SET_PERMISSIONS", "ASSIGN_ROLE", "MAKE_ADMIN"],
    examples=[exchange("Make {{name3}} an admin", "Done.", ["UPDATE_ROLE"])],
)
