"""SETTINGS (onboarding and configuration) and CHOICE (pending decisions) — §7.4."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....prompts import add_header
from ....types import ChannelType, Memory, Provider, ProviderResult, State, World
from .._support import channel_type_of, room_tasks, sender_name, world_of_room, worlds_owned_by

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

AWAITING_CHOICE = "AWAITING_CHOICE"


def world_settings(world: World | None) -> dict[str, dict[str, Any]]:
    """The onboarding settings of a world (``metadata.settings``), each a dict with value/required/secret/..."""
    metadata = world.metadata if world is not None and world.metadata else {}
    settings = metadata.get("settings")
    if not isinstance(settings, dict):
        return {}
    return {str(k): v for k, v in settings.items() if isinstance(v, dict)}


def owner_of(world: World) -> str | None:
    ownership = (world.metadata or {}).get("ownership")
    return str(ownership.get("ownerId")) if isinstance(ownership, dict) and ownership.get("ownerId") else None


async def owned_world(runtime: AgentRuntime, entity_id: str, room_world: World | None) -> World | None:
    """The world the entity owns that has settings (the room's world first)."""
    if room_world is not None and owner_of(room_world) == entity_id:
        return room_world
    owned = await worlds_owned_by(runtime, entity_id)
    with_settings = [w for w in owned if world_settings(w)]
    candidates = with_settings or owned
    return candidates[0] if candidates else None


def _render(key: str, setting: dict[str, Any]) -> str:
    value = setting.get("value")
    shown = "Not set" if value in (None, "") else ("****" if setting.get("secret") else str(value))
    need = "Required" if setting.get("required") else "Optional"
    line = f"{key}: {shown} ({need})"
    description = setting.get("usageDescription") or setting.get("description")
    return f"{line}\n  {description}" if description else line


async def _settings(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    room, world = await world_of_room(runtime, message.room_id)
    if channel_type_of(message, room) == ChannelType.DM.value:
        world = await owned_world(runtime, message.entity_id, world)
        if world is None:
            return ProviderResult(text="", values={"settings": ""})
        settings = world_settings(world)
        if not settings:
            return ProviderResult(text="", values={"settings": ""})
        missing = [k for k, s in settings.items() if s.get("required") and s.get("value") in (None, "")]
        listing = "\n".join(_render(k, s) for k, s in settings.items())
        guidance = (
            f"Valid setting keys: {', '.join(settings)}. Call UPDATE_SETTINGS only when the user gives an "
            "explicit value for one of them."
        )
        if missing:
            header = f"# PRIORITY TASK: Onboarding with {sender_name(message)}"
            body = f"Required settings still missing: {', '.join(missing)}\n{listing}\n{guidance}"
        else:
            header, body = "# Current Configuration", f"{listing}\n{guidance}"
        text = add_header(header, body)
        return ProviderResult(text=text, values={"settings": text}, data={"settings": settings})
    settings = world_settings(world)
    if not settings:
        return ProviderResult(text="", values={"settings": ""})
    text = add_header("## Current Configuration", "\n".join(_render(k, s) for k, s in settings.items()))
    return ProviderResult(text=text, values={"settings": text}, data={"settings": settings})


async def _choice(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    tasks = await room_tasks(runtime, message.room_id, [AWAITING_CHOICE])
    pending = [t for t in tasks if t.metadata.get("options")]
    if not pending:
        text = "No pending choices for the moment."
        return ProviderResult(text=text, values={"tasks": text}, data={"tasks": []})
    blocks: list[str] = []
    for index, task in enumerate(pending, start=1):
        options = []
        for option in task.metadata.get("options") or []:
            if isinstance(option, dict):
                options.append(f"   - {option.get('name')}: {option.get('description', '')}")
            else:
                options.append(f"   - {option}")
        blocks.append(f"{index}. {task.name} ({(task.id or '')[:8]}): {task.description}\n" + "\n".join(options))
    text = add_header(
        "# Pending Tasks awaiting a choice",
        "\n".join(blocks) + "\nTo choose, reply with the option name; CHOOSE_OPTION records the choice.",
    )
    return ProviderResult(text=text, values={"tasks": text}, data={"tasks": pending})


settings_provider = Provider(name="SETTINGS", description="Server settings and onboarding progress", get=_settings)
choice_provider = Provider(name="CHOICE", description="Pending tasks waiting for a choice", get=_choice)
