"""UPDATE_SETTINGS: onboarding — store setting values the owner gives in a DM — §7.3.12.

Values of settings marked ``secret`` are stored encrypted (the runtime's secret format) and decrypted when read;
the answer to the owner is written by the model, with a fixed text when the model fails.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ....errors import ModelError
from ....prompts import compose_prompt_from_state, parse_response, parse_xml_tree
from ....prompts.templates import SETTINGS_COMPLETE_TEMPLATE, SETTINGS_FAILED_TEMPLATE, SETTINGS_UPDATED_TEMPLATE
from ....runtime import decrypt_string_value, encrypt_string_value
from ....types import (
    Action,
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
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")

Settings = dict[str, dict[str, Any]]


def _is_secret_text(setting: dict[str, Any]) -> bool:
    value = setting.get("value")
    return bool(setting.get("secret")) and isinstance(value, str) and value != ""


def decrypted_settings(settings: Settings) -> Settings:
    """The settings with the values of secret settings decrypted (values that do not decrypt stay as they are)."""
    return {
        key: {**s, "value": decrypt_string_value(s["value"])} if _is_secret_text(s) else s
        for key, s in settings.items()
    }


def encrypted_settings(settings: Settings) -> Settings:
    """The settings with the non-empty string values of secret settings encrypted (already encrypted ones kept)."""
    return {
        key: {**s, "value": encrypt_string_value(s["value"])} if _is_secret_text(s) else s
        for key, s in settings.items()
    }


def _pairs(parsed: dict[str, Any] | None) -> list[tuple[str, str]]:
    items = nested_items(parsed, "settings", "setting")
    return [(str(i.get("key", "")).strip(), str(i.get("value", "")).strip()) for i in items]


def _unset(setting: dict[str, Any]) -> bool:
    return setting.get("value") in (None, "")


def _saved_listing(settings: Settings, updated: list[str]) -> str:
    lines = []
    for key in updated:
        setting = settings[key]
        shown = "(secret, value hidden)" if setting.get("secret") else str(setting.get("value"))
        lines.append(f"- {key} ({setting.get('name') or key}): {shown}")
    return "\n".join(lines) or "(nothing saved)"


def _needed_listing(settings: Settings, keys: list[str]) -> str:
    lines = []
    for key in keys:
        setting = settings[key]
        need = "required" if setting.get("required") else "optional"
        description = setting.get("usageDescription") or setting.get("description") or ""
        lines.append(f"- {key} ({need}): {description}".rstrip(": "))
    return "\n".join(lines) or "(none)"


def _fallback(updated: list[str], missing: list[str]) -> str:
    if not updated:
        return "I could not find a setting value in your message."
    if missing:
        return f"Saved {', '.join(updated)}. Next I need {missing[0]}."
    return f"Saved {', '.join(updated)}. All required settings are configured."


async def _answer(
    runtime: AgentRuntime, state: State, settings: Settings, updated: list[str], missing: list[str]
) -> str:
    """The message to the owner, written by the model; the fixed text when the model fails or answers nothing."""
    if not updated:
        template = SETTINGS_FAILED_TEMPLATE
        needed = missing or [k for k, s in settings.items() if _unset(s)]
    else:
        template = SETTINGS_UPDATED_TEMPLATE if missing else SETTINGS_COMPLETE_TEMPLATE
        needed = missing
    values = {
        "updatedSettings": _saved_listing(settings, updated),
        "missingSettings": _needed_listing(settings, needed),
        "nextSetting": needed[0] if needed else "any setting the owner wants to change",
    }
    prompt = compose_prompt_from_state(state.model_copy(update={"values": {**state.values, **values}}), template)
    try:
        answer = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": prompt})
    except ModelError as exc:
        logger.warning("UPDATE_SETTINGS: the model failed to write the answer, sending the fixed text: %s", exc)
        return _fallback(updated, missing)
    parsed = parse_response(answer) if isinstance(answer, str) else None
    text = str((parsed or {}).get("text") or "").strip()
    if not text:
        logger.warning("UPDATE_SETTINGS: the model answer had no text, sending the fixed text")
        return _fallback(updated, missing)
    return text


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
    stored = world_settings(world)
    settings = decrypted_settings(stored)
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
        if any(_unset(settings.get(d, {})) for d in setting.get("dependsOn") or []):
            continue
        settings[key] = {**setting, "value": value}
        updated.append(key)
    missing = [k for k, s in settings.items() if s.get("required") and _unset(s)]
    if updated:
        saved = encrypted_settings({**stored, **{key: settings[key] for key in updated}})
        world.metadata = {**(world.metadata or {}), "settings": saved}
        await adapter_of(runtime).update_world(world)
    text = await _answer(runtime, state, settings, updated, missing)
    action = "SETTING_UPDATE_FAILED" if not updated else ("SETTING_UPDATED" if missing else "ONBOARDING_COMPLETE")
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
    examples=[exchange("The server name is Moon Base", "Saved.", ["UPDATE_SETTINGS"])],
)
