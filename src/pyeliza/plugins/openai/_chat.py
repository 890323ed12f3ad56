"""Chat-completion models: TEXT_SMALL/LARGE (plain and streamed) and OBJECT_SMALL/LARGE (validated JSON)."""

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
from ._config import OpenAIConfig

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types import CompletionUsage
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

logger = logging.getLogger("pyeliza.plugins.openai")


def chat_messages(system: str | None, prompt: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": prompt})
    return messages


def sampling_options(params: GenerateTextParams) -> dict[str, Any]:
    """The chat-completion options a caller set (unset ones are left to the server's defaults)."""
    options: dict[str, Any] = {
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "frequency_penalty": params.frequency_penalty,
        "presence_penalty": params.presence_penalty,
        "seed": params.seed,
        "stop": params.stop_sequences or None,
        "user": params.user,
    }
    if isinstance(params.response_format, dict):
        options["response_format"] = params.response_format
    elif params.response_format in ("json_object", "text"):
        options["response_format"] = {"type": params.response_format}
    return {key: value for key, value in options.items() if value is not None}


def completion_usage(usage: CompletionUsage | None) -> TokenUsage | None:
    if usage is None:
        return None
    return token_usage(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)


def completion_text(call: RemoteCall, completion: ChatCompletion) -> str:
    if not completion.choices:
        raise call.error(Failure(FailureKind.RESPONSE, "the answer has no choices"))
    return completion.choices[0].message.content or ""


async def generate_text(
    config: OpenAIConfig, runtime: ModelRuntime, params: Any, model_type: str, model_setting: str
) -> ModelResponse | TextStreamResult:
    text_params = coerce_params(params, GenerateTextParams, model_type, string_field="prompt")
    model = config.model(model_setting)
    system = text_params.system or runtime.character.system
    request: dict[str, Any] = {
        "model": model,
        "messages": chat_messages(system, text_params.prompt),
        **sampling_options(text_params),
    }
    call = config.call(model, "chat completion")
    if text_params.stream:
        return await stream_text(
            config.lease(runtime),
            call,
            lambda client: client.chat.completions.create(
                **request, stream=True, stream_options={"include_usage": True}
            ),
            _chunk_texts,
        )
    async with config.lease(runtime) as client:
        completion = await call.run(lambda: client.chat.completions.create(**request))
    return ModelResponse(
        completion_text(call, completion), completion_usage(completion.usage), completion.model or model
    )


def _chunk_texts(chunk: ChatCompletionChunk, result: TextStreamResult) -> Iterator[str]:
    """The text deltas of one chunk; usage arrives with the last chunk."""
    if chunk.usage is not None:
        result.usage = completion_usage(chunk.usage)
    if chunk.model:
        result.extra["model"] = chunk.model
    for choice in chunk.choices:
        if choice.finish_reason:
            result.finish_reason = choice.finish_reason
        if choice.delta.content:
            yield choice.delta.content


async def _complete(
    client: AsyncOpenAI, call: RemoteCall, messages: list[dict[str, Any]], request: dict[str, Any]
) -> ChatCompletion:
    payload = {**request, "messages": messages}
    return await call.run(lambda: client.chat.completions.create(**payload))


async def generate_object(
    config: OpenAIConfig, runtime: ModelRuntime, params: Any, model_type: str, model_setting: str
) -> ModelResponse:
    """JSON output validated against the request; an invalid answer is retried once with the reason given."""
    object_params = coerce_params(params, ObjectGenerationParams, model_type, string_field="prompt")
    model = config.model(model_setting)
    request: dict[str, Any] = {"model": model}
    if object_params.output in (None, "object"):
        request["response_format"] = {"type": "json_object"}
    if object_params.temperature is not None:
        request["temperature"] = object_params.temperature
    if object_params.max_tokens is not None:
        request["max_tokens"] = object_params.max_tokens
    call = config.call(model, "object generation")
    async with config.lease(runtime) as client:

        async def ask(messages: ChatMessages) -> Answer:
            completion = await _complete(client, call, messages, request)
            return Answer(
                completion_text(call, completion), completion_usage(completion.usage), completion.model or model
            )

        return await validated_object(call, object_params, ask, logger)
