"""CHOOSE_OPTION: pick an option of a task awaiting a choice — §7.3.10."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ....prompts import OPTION_EXTRACTION_TEMPLATE, compose_prompt_from_state, parse_xml_tree
from ....types import (
    Action,
    ActionResult,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    Role,
    State,
    Task,
)
from .._support import adapter_of, role_in, room_tasks, world_of_room
from ..providers._settings import AWAITING_CHOICE
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime


def _option_names(task: Task) -> list[str]:
    return [str(o.get("name") if isinstance(o, dict) else o) for o in task.metadata.get("options") or []]


async def _pending(runtime: AgentRuntime, room_id: str) -> list[Task]:
    tasks = await room_tasks(runtime, room_id, [AWAITING_CHOICE])
    return [t for t in tasks if t.id and t.metadata.get("options")]


async def _validate(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    _, world = await world_of_room(runtime, message.room_id)
    if world is None or role_in(world, message.entity_id) not in (Role.OWNER.value, Role.ADMIN.value):
        return False
    return bool(await _pending(runtime, message.room_id))


async def _handler(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    tasks = await _pending(runtime, message.room_id)
    listing = "\n".join(
        f"{(t.id or '')[:8]}: {t.name} - options: {', '.join([*_option_names(t), 'ABORT'])}" for t in tasks
    )
    state = state or await runtime.compose_state(message, [])
    prompt = compose_prompt_from_state(
        state.model_copy(
            update={"values": {**state.values, "tasks": listing, "recentMessages": message.content.text or ""}}
        ),
        OPTION_EXTRACTION_TEMPLATE,
    )
    answer = await runtime.use_model(ModelType.TEXT_SMALL, {"prompt": prompt})
    parsed = (parse_xml_tree(answer) if isinstance(answer, str) else None) or {}
    short_id = str(parsed.get("taskId") or "").strip()
    selected = str(parsed.get("selectedOption") or "").strip()
    task = next((t for t in tasks if short_id and (t.id or "").startswith(short_id)), None)
    source = message.content.source
    if task is None or task.id is None or not selected:
        if callback is not None:
            await callback(Content(text=f"Please choose one of:\n{listing}", actions=["SELECT_OPTION_INVALID"]))
        return ActionResult(success=False, error="NO_SELECTION", data={"actionName": "CHOOSE_OPTION"})
    if selected.upper() == "ABORT":
        await adapter_of(runtime).delete_task(task.id)
        if callback is not None:
            await callback(
                Content(text=f"Task {task.name} cancelled.", actions=["CHOOSE_OPTION_CANCELLED"], source=source)
            )
        return ActionResult(success=True, text="cancelled", data={"actionName": "CHOOSE_OPTION", "taskId": task.id})
    worker = runtime.get_task_worker(task.name)
    if worker is None or selected not in _option_names(task):
        return ActionResult(success=False, error="INVALID_OPTION", data={"actionName": "CHOOSE_OPTION"})
    await worker.execute(runtime, {"option": selected}, task)
    if callback is not None:
        await callback(Content(text=f"Selected {selected} for {task.name}.", actions=["CHOOSE_OPTION"], source=source))
    return ActionResult(
        success=True,
        text=f"Selected {selected}",
        values={"selectedOption": selected},
        data={"actionName": "CHOOSE_OPTION", "taskId": task.id, "option": selected},
    )


choose_option_action = Action(
    name="CHOOSE_OPTION",
    description="Choose an option of a pending task that awaits a decision (owners and admins).",
    handler=_handler,
    validate=_validate,
    similes=["SELECT_OPTION", "SELECT", "PICK", "CHOOSE"],
    examples=[exchange("Let's go with the second option", "Selected.", ["CHOOSE_OPTION"])],
)
