"""UPDATE_CONTACT (simile UPDATE_ENTITY): remember someone's platform details as a component — §7.3.9.

The ``<data>`` element is parsed as nested XML, so the component holds real fields (fix of §10.27).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....prompts import COMPONENT_EXTRACTION_TEMPLATE, compose_prompt_from_state, parse_xml_tree
from ....types import (
    Action,
    ActionResult,
    Component,
    Content,
    Entity,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    State,
    new_uuid,
    now_ms,
)
from .._support import adapter_of
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime


def _find(entities: list[Entity], reference: str) -> Entity | None:
    """The room entity with this id or (case-insensitive) name."""
    wanted = reference.strip().lower()
    for entity in entities:
        if (entity.id or "").lower() == wanted or any(n.lower() == wanted for n in entity.names):
            return entity
    return None


async def _handler(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    adapter = adapter_of(runtime)
    room = await runtime.get_room(message.room_id)
    entities = await adapter.get_entities_for_room(message.room_id)
    state = await runtime.compose_state(message, ["ENTITIES", "RECENT_MESSAGES"])
    prompt = compose_prompt_from_state(state, COMPONENT_EXTRACTION_TEMPLATE)
    answer = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": prompt})
    parsed = (parse_xml_tree(answer) if isinstance(answer, str) else None) or {}
    source = str(parsed.get("source") or "").strip().lower()
    data: Any = parsed.get("data")
    reference = str(parsed.get("entityId") or parsed.get("name") or "").strip()
    target = _find(entities, reference) if reference else None
    if target is None:
        target = next((e for e in entities if e.id == message.entity_id), None)
    if not source or not isinstance(data, dict) or target is None or target.id is None:
        if callback is not None:
            await callback(Content(text="I could not tell whose details to update, or which.", actions=["REPLY"]))
        return ActionResult(success=False, error="UNCLEAR", data={"actionName": "UPDATE_CONTACT"})
    world_id = room.world_id if room is not None else None
    existing = await adapter.get_component(target.id, source, world_id, message.entity_id)
    if existing is not None:
        existing.data = {**existing.data, **data}
        await adapter.update_component(existing)
        verb = "updated"
    else:
        await adapter.create_component(
            Component(
                id=new_uuid(),
                entity_id=target.id,
                agent_id=runtime.agent_id,
                room_id=message.room_id,
                world_id=world_id,
                source_entity_id=message.entity_id,
                type=source,
                created_at=now_ms(),
                data=data,
            )
        )
        verb = "added"
    label = target.names[0] if target.names else target.id
    text = f"I {verb} {source} information for {label}."
    if callback is not None:
        await callback(Content(text=text, actions=["UPDATE_ENTITY"], source=message.content.source))
    return ActionResult(
        success=True, text=text, values={"entityUpdated": True}, data={"actionName": "UPDATE_CONTACT", "data": data}
    )


update_contact_action = Action(
    name="UPDATE_CONTACT",
    description="Add or update someone's contact details on a platform (username, handle, email...).",
    handler=_handler,
    similes=["UPDATE_ENTITY"],
    examples=[exchange("My telegram is @dana", "Noted.", ["UPDATE_CONTACT"])],
)
