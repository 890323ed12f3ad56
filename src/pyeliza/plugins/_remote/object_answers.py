"""The OBJECT models' conversation: ask for JSON, and when the answer is invalid ask once more with the reason."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pyeliza.errors import ModelResponseError
from pyeliza.types import ModelResponse, ObjectGenerationParams, TokenUsage

from .json_output import InvalidModelOutput, object_instructions, parse_object_output
from .retry import RemoteCall
from .usage import add_usage

ChatMessages = list[dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    """One reply of the model: its text, what it cost and the model that wrote it."""

    text: str
    usage: TokenUsage | None
    model: str


async def validated_object(
    call: RemoteCall,
    params: ObjectGenerationParams,
    ask: Callable[[ChatMessages], Awaitable[Answer]],
    logger: logging.Logger,
) -> ModelResponse:
    """JSON validated against ``params``; an invalid answer is retried once with the reason given, and the usage
    of both attempts is summed. ``ask`` sends the user/assistant messages and returns the model's answer."""
    messages: ChatMessages = [{"role": "user", "content": f"{params.prompt}\n\n{object_instructions(params)}"}]
    usage: TokenUsage | None = None
    problem = ""
    for attempt in (1, 2):
        answer = await ask(messages)
        usage = add_usage(usage, answer.usage)
        try:
            value = parse_object_output(answer.text, params)
        except InvalidModelOutput as exc:
            problem = str(exc)
            logger.warning("%s %s answer %d was invalid: %s", call.provider, call.model, attempt, problem)
            messages = [
                *messages,
                {"role": "assistant", "content": answer.text},
                {"role": "user", "content": f"That answer was invalid: {problem}. {object_instructions(params)}"},
            ]
            continue
        return ModelResponse(value, usage, answer.model)
    raise ModelResponseError(
        call.redactor(f"{call.provider} object generation with model {call.model!r} gave invalid JSON twice: {problem}")
    )
