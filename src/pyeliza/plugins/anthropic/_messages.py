"""Messages-API models: TEXT_SMALL/LARGE (plain and streamed) and OBJECT_SMALL/LARGE (JSON found in the text)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pyeliza.types import GenerateTextParams, ModelResponse, ObjectGenerationParams, TextStreamResult, TokenUsage

from .._remote import (
    Answer,
    ChatMessages,
    Failure,
    FailureKind,
    ModelRuntime,
    RemoteCall,
    coerce_params,
    stream_text,
    token_usage,
    validated_object,
)
from ._config import AnthropicConfig

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic
    from anthropic.types import Message, RawMessageStreamEvent

logger = logging.getLogger("pyeliza.plugins.anthropic")


def request_options(params: GenerateTextParams, default_max_tokens: int) -> dict[str, Any]:
    """Messages-API options of a text call. The SDK's ``messages.create`` takes no sampling parameters
    (temperature, top_p, top_k), so those are not sent."""
    options: dict[str, Any] = {"max_tokens": params.max_tokens or default_max_tokens}
    if params.stop_sequences:
        options["stop_sequences"] = params.stop_sequences
    return options


def message_usage(usage: Any) -> TokenUsage | None:
    """Anthropic counts cached prompt tokens separately; they are prompt tokens all the same."""
    if usage is None:
        return None
    prompt = (
        (usage.input_tokens or 0)
        + (getattr(usage, "cache_creation_input_tokens", None) or 0)
        + (getattr(usage, "cache_read_input_tokens", None) or 0)
    )
    return token_usage(prompt, usage.output_tokens)


def message_text(call: RemoteCall, message: Message) -> str:
    texts = [block.text for block in message.content if block.type == "text"]
    if not texts and message.stop_reason != "end_turn":
        raise call.error(Failure(FailureKind.RESPONSE, f"no text in the answer (stop reason {message.stop_reason})"))
    return "".join(texts)


async def _create(client: AsyncAnthropic, call: RemoteCall, request: dict[str, Any]) -> Message:
    return await call.run(lambda: client.messages.create(**request))


async def generate_text(
    config: AnthropicConfig, runtime: ModelRuntime, params: Any, model_type: str, size: str
) -> ModelResponse | TextStreamResult:
    text_params = coerce_params(params, GenerateTextParams, model_type, string_field="prompt")
    model = config.model(size)
    request: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": text_params.prompt}],
        **request_options(text_params, config.max_tokens),
    }
    system = text_params.system or runtime.character.system
    if system:
        request["system"] = system
    call = config.call(model, "message")
    lease = config.lease(runtime)
    if text_params.stream:
        return await stream_text(
            lease, call, lambda client: client.messages.create(**request, stream=True), _event_texts
        )
    async with lease as client:
        message = await _create(client, call, request)
    return ModelResponse(message_text(call, message), message_usage(message.usage), message.model or model)


def _event_texts(event: RawMessageStreamEvent, result: TextStreamResult) -> Iterator[str]:
    """Text of content_block_delta events; message_start and message_delta carry the usage."""
    if event.type == "message_start":
        result.usage = message_usage(event.message.usage)
        if event.message.model:
            result.extra["model"] = event.message.model
    elif event.type == "content_block_delta" and event.delta.type == "text_delta":
        yield event.delta.text
    elif event.type == "message_delta":
        result.finish_reason = event.delta.stop_reason
        start = result.usage or TokenUsage()
        result.usage = token_usage(start.prompt_tokens, event.usage.output_tokens)


async def generate_object(
    config: AnthropicConfig, runtime: ModelRuntime, params: Any, model_type: str, size: str
) -> ModelResponse:
    """JSON extracted from the answer and validated; an invalid answer is retried once with the reason given."""
    object_params = coerce_params(params, ObjectGenerationParams, model_type, string_field="prompt")
    model = config.model(size)
    request: dict[str, Any] = {"model": model, "max_tokens": object_params.max_tokens or config.max_tokens}
    call = config.call(model, "object generation")
    async with config.lease(runtime) as client:

        async def ask(messages: ChatMessages) -> Answer:
            message = await _create(client, call, {**request, "messages": messages})
            return Answer(message_text(call, message), message_usage(message.usage), message.model or model)

        return await validated_object(call, object_params, ask, logger)
