"""FOLLOW_ROOM, UNFOLLOW_ROOM, MUTE_ROOM and UNMUTE_ROOM — §7.3.4–7.3.7 with §10.32 fixed.

Each asks TEXT_SMALL a YES/NO question, read strictly (the first word must be YES/TRUE or NO/FALSE; anything
else counts as NO), changes the agent's participant state in the room and remembers what it did in a thought
memory written as the agent.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ....prompts import (
    SHOULD_FOLLOW_ROOM_TEMPLATE,
    SHOULD_MUTE_ROOM_TEMPLATE,
    SHOULD_UNFOLLOW_ROOM_TEMPLATE,
    SHOULD_UNMUTE_ROOM_TEMPLATE,
    compose_prompt_from_state,
)
from ....types import (
    Action,
    ActionResult,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    ParticipantState,
    State,
    now_ms,
)
from .._support import adapter_of, agent_room_state
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

_FIRST_WORD = re.compile(r"[A-Za-z]+")
_FOLLOW_WORDS = ("follow", "participate", "engage", "listen", "take interest", "join")


def strict_yes_no(answer: object) -> bool:
    """True only when the answer's first word is YES or TRUE (``"I know"`` or ``"nobody"`` are not answers)."""
    if not isinstance(answer, str):
        return False
    match = _FIRST_WORD.search(answer.strip().strip("<>*`\"'"))
    return match is not None and match.group(0).upper() in {"YES", "TRUE"}


@dataclass(frozen=True)
class RoomStateChange:
    name: str
    similes: tuple[str, ...]
    description: str
    decision: str
    template: str
    new_state: ParticipantState | None
    allowed_from: Callable[[str | None], bool]
    needs_keyword: bool = False


async def _room_state(runtime: AgentRuntime, room_id: str) -> str | None:
    return await agent_room_state(runtime, room_id)


async def _remember(runtime: AgentRuntime, message: Memory, text: str, action: str) -> None:
    await runtime.create_memory(
        Memory(
            entity_id=runtime.agent_id,
            agent_id=runtime.agent_id,
            room_id=message.room_id,
            content=Content(thought=text, actions=[action], source=message.content.source),
            created_at=now_ms(),
        ),
        "messages",
    )


def _validator(change: RoomStateChange) -> Callable[[AgentRuntime, Memory, State | None], Awaitable[bool]]:
    async def validate(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
        if change.needs_keyword:
            text = (message.content.text or "").lower()
            if not any(word in text for word in _FOLLOW_WORDS):
                return False
        return change.allowed_from(await _room_state(runtime, message.room_id))

    return validate


def _handler(change: RoomStateChange) -> Callable[..., Awaitable[ActionResult]]:
    async def handle(
        runtime: AgentRuntime,
        message: Memory,
        state: State | None,
        options: HandlerOptions | None,
        callback: HandlerCallback | None,
        responses: list[Memory] | None,
    ) -> ActionResult:
        state = state or await runtime.compose_state(message, ["RECENT_MESSAGES"])
        values = {**state.values, "agentName": runtime.character.name}
        prompt = compose_prompt_from_state(state.model_copy(update={"values": values}), change.template)
        agreed = strict_yes_no(await runtime.use_model(ModelType.TEXT_SMALL, {"prompt": prompt}))
        name = runtime.character.name
        if agreed:
            await adapter_of(runtime).set_participant_user_state(
                message.room_id, runtime.agent_id, change.new_state.value if change.new_state else None
            )
            await _remember(runtime, message, f"{name} decided to {change.decision}.", f"{change.name}_START")
        else:
            await _remember(runtime, message, f"{name} decided not to {change.decision}.", f"{change.name}_FAILED")
        key = {"FOLLOW_ROOM": "roomFollowed", "UNFOLLOW_ROOM": "roomUnfollowed"}.get(
            change.name, "roomMuted" if change.name == "MUTE_ROOM" else "roomUnmuted"
        )
        return ActionResult(
            success=True,
            text=f"{name} {'did' if agreed else 'did not'} {change.decision}",
            values={key: agreed},
            data={"actionName": change.name, key: agreed},
        )

    return handle


def _action(change: RoomStateChange) -> Action:
    return Action(
        name=change.name,
        description=change.description,
        handler=_handler(change),
        validate=_validator(change),
        similes=list(change.similes),
        examples=[exchange(f"{{{{name2}}}}, please {change.decision}", "Sure.", [change.name])],
    )


_FOLLOWED = ParticipantState.FOLLOWED.value
_MUTED = ParticipantState.MUTED.value

follow_room_action = _action(
    RoomStateChange(
        name="FOLLOW_ROOM",
        similes=("FOLLOW_CHAT", "FOLLOW_CHANNEL", "FOLLOW_CONVERSATION", "FOLLOW_THREAD"),
        description="Start following this room: answer every message here, not only when named.",
        decision="follow this room",
        template=SHOULD_FOLLOW_ROOM_TEMPLATE,
        new_state=ParticipantState.FOLLOWED,
        allowed_from=lambda state: state not in (_FOLLOWED, _MUTED),
        needs_keyword=True,
    )
)
unfollow_room_action = _action(
    RoomStateChange(
        name="UNFOLLOW_ROOM",
        similes=("UNFOLLOW_CHAT", "UNFOLLOW_CONVERSATION", "UNFOLLOW_THREAD"),
        description="Stop following this room: answer only when named or addressed again.",
        decision="stop following this room",
        template=SHOULD_UNFOLLOW_ROOM_TEMPLATE,
        new_state=None,
        allowed_from=lambda state: state == _FOLLOWED,
    )
)
mute_room_action = _action(
    RoomStateChange(
        name="MUTE_ROOM",
        similes=("MUTE_CHAT", "MUTE_CONVERSATION", "MUTE_THREAD", "MUTE_CHANNEL"),
        description="Mute this room: ignore its messages unless the agent is named.",
        decision="mute this room",
        template=SHOULD_MUTE_ROOM_TEMPLATE,
        new_state=ParticipantState.MUTED,
        allowed_from=lambda state: state != _MUTED,
    )
)
unmute_room_action = _action(
    RoomStateChange(
        name="UNMUTE_ROOM",
        similes=("UNMUTE_CHAT", "UNMUTE_CONVERSATION", "UNMUTE_THREAD"),
        description="Unmute this room: take part in its conversation again.",
        decision="unmute this room",
        template=SHOULD_UNMUTE_ROOM_TEMPLATE,
        new_state=None,
        allowed_from=lambda state: state == _MUTED,
    )
)
