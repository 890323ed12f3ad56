"""UPDATE_SETTINGS: onboarding — store setting values the owner gives in a DM — §7.3.12."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....prompts import compose_prompt_from_state, parse_xml_tree
from ....types import (
    Action,
    ActionExample,
    ActionResult,
    ChannelType,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    State,
)
from .._support import adapter_of, channel_type_of, nested_items, world_of_room
from .._templates import SETTINGS_EXTRACTION_TEMPLATE
from ..providers._settings import owned_world, world_settings

if TYPE_CHECKING:
    from ....runtime import AgentRuntime


def _pairs(parsed: dict[str, Any] | None) -> list[tuple[str, str]]:
    items = nested_items(parsed, "settings", "setting")
    return [(str(i.get("key", "")).strip(), str(i.get("value", "")).strip()) for i in items]


async def _validate(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    room, world = await world_of_room(runtime, message.room_id)
    if channel_type_of(message, room) != ChannelType.DM.value:
        return False
    return bool(world_settings(await owned_world(runtime, message.entity_id, world)))


async def _handler(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    _, room_world = await world_of_room(runtime, message.room_id)
    world = await owned_world(runtime, message.entity_id, room_world)
    settings = world_settings(world)
    if world is None or not settings:
        return ActionResult(success=False, error="NO_SETTINGS", data={"actionName": "UPDATE_SETTINGS"})
    state = state or await runtime.compose_state(message, ["RECENT_MESSAGES"])
    listing = "\n".join(f"{key}: {s.get('description', '')}" for key, s in settings.items())
    prompt = compose_prompt_from_state(
        state.model_copy(update={"values": {**state.values, "settingsList": listing}}), SETTINGS_EXTRACTION_TEMPLATE
    )
    answer = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": prompt})
    updated: list[str] = []
    for key, value in _pairs(parse_xml_tree(answer) if isinstance(answer, str) else None):
        setting = settings.get(key)
        if setting is None or not value:
            continue
        depends = [d for d in setting.get("dependsOn") or [] if settings.get(d, {}).get("value") in (None, "")]
        if depends:
            continue
        settings[key] = {**setting, "value": value}
        updated.append(key)
    missing = [k for k, s in settings.items() if s.get("required") and s.get("value") in (None, "")]
    if updated:
        world.metadata = {**(world.metadata or {}), "settings": settings}
        await adapter_of(runtime).update_world(world)
    if not updated:
        text, action = "I could not find a setting value in your message.", "SETTING_UPDATE_FAILED"
    elif missing:
        text, action = f"Saved {', '.join(updated)}. Next I need {missing[0]}.", "SETTING_UPDATED"
    else:
        text, action = f"Saved {', '.join(updated)}. All required settings are configured.", "ONBOARDING_COMPLETE"
    if callback is not None:
        await callback(Content(text=text, actions=[action], source=message.content.source))
    return ActionResult(
        success=bool(updated),
        text=text,
        values={"updatedSettings": len(updated), "remainingRequired": len(missing)},
        data={"actionName": "UPDATE_SETTINGS", "updated": updated, "remaining": missing},
    )


update_settings_action = Action(
    name="UPDATE_SETTINGS",
    description="Save configuration values the server owner states explicitly during onboarding (DM only).",
    handler=_handler,
    validate=_validate,
    similes=["UPDATE_SETTING", "SAVE_SETTING", "SET_CONFIGURATION", "CONFIGURE"],
    examples=[
        [
            ActionExample(name="{{name1}}", content=Content(text="The server name is Moon Base")),
            ActionExample(name="{{name2}}", content=Content(text="Saved.", actions=["UPDATE_SETTINGS"])),
        ]
    ],
)
