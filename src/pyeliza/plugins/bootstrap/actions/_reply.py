"""REPLY, IGNORE and NONE — §7.3.1–7.3.3."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ....errors import ModelError
from ....prompts import REPLY_TEMPLATE, compose_prompt_from_state, parse_response
from ....types import (
    Action,
    ActionResult,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    State,
    now_ms,
)
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")


async def _reply(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    providers: list[str] = []
    for response in responses or []:
        providers.extend(p for p in response.content.providers or [] if p not in providers)
    state = await runtime.compose_state(message, [*providers, "RECENT_MESSAGES", "ACTION_STATE"])
    template = (runtime.character.templates or {}).get("replyTemplate") or REPLY_TEMPLATE
    try:
        answer = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": compose_prompt_from_state(state, template)})
    except ModelError as exc:
        logger.error("REPLY: the model failed: %s", exc)
        return ActionResult(success=False, error=str(exc), data={"actionName": "REPLY"})
    parsed = (parse_response(answer) if isinstance(answer, str) else None) or {}
    thought = str(parsed.get("thought") or "")
    text = str(parsed.get("text") or "")
    if not parsed and isinstance(answer, str) and "<" not in answer:
        text = answer.strip()  # a plain-text answer is the reply itself
    if callback is not None:
        await callback(Content(thought=thought, text=text, actions=["REPLY"]))
    return ActionResult(
        success=True,
        text=f"Generated reply: {text}",
        values={
            "success": True,
            "responded": True,
            "lastReply": text,
            "lastReplyTime": now_ms(),
            "thoughtProcess": thought,
        },
        data={"actionName": "REPLY", "response": text, "thought": thought, "messageGenerated": True},
    )


async def _ignore(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    if callback is not None and responses:
        await callback(responses[0].content.model_copy(update={"text": None}))
    return ActionResult(success=True, values={"success": True, "ignored": True}, data={"actionName": "IGNORE"})


async def _none(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    return ActionResult(
        success=True,
        text="No additional action taken",
        values={"success": True, "actionType": "NONE"},
        data={"actionName": "NONE"},
    )


reply_action = Action(
    name="REPLY",
    description="Reply to the current conversation with a message; use it when a response is wanted.",
    handler=_reply,
    similes=["GREET", "REPLY_TO_MESSAGE", "SEND_REPLY", "RESPOND", "RESPONSE"],
    examples=[exchange("Hello there!", "Hi! How can I help?", ["REPLY"])],
)
ignore_action = Action(
    name="IGNORE",
    description="Say nothing: the message is not for the agent, the conversation is over, or the user is hostile.",
    handler=_ignore,
    similes=["STOP_TALKING", "STOP_CHATTING", "STOP_CONVERSATION"],
    examples=[exchange("Bye, talk later", "", ["IGNORE"])],
)
none_action = Action(
    name="NONE",
    description="Respond without taking any additional action (the reply text is enough).",
    handler=_none,
    similes=["NO_ACTION", "NO_RESPONSE", "NO_REACTION"],
    examples=[exchange("Thanks for the help", "Glad it helped!", ["REPLY", "NONE"])],
)
