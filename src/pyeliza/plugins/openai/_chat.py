"""Chat-completion models: TEXT_SMALL/LARGE (plain and streamed) and OBJECT_SMALL/LARGE (validated JSON)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from pyeliza.errors import ModelResponseError
from pyeliza.types import GenerateTextParams, ModelResponse, ObjectGenerationParams, TextStreamResult, TokenUsage

from .._remote import (
    ClientLease,
    Failure,
    FailureKind,
    InvalidModelOutput,
    ModelRuntime,
    RemoteCall,
    add_usage,
    coerce_params,
    object_instructions,
    parse_object_output,
    token_usage,
)
from ._config import OpenAIConfig
from ._sdk import classify_openai_error

if TYPE_CHECKING:
    from openai import AsyncOpenAI, AsyncStream
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
        return await stream_text(config.lease(runtime), call, request)
    async with config.lease(runtime) as client:
        completion = await call.run(lambda: client.chat.completions.create(**request))
    return ModelResponse(
        completion_text(call, completion), completion_usage(completion.usage), completion.model or model
    )


async def stream_text(lease: ClientLease[AsyncOpenAI], call: RemoteCall, request: dict[str, Any]) -> TextStreamResult:
    """Open the stream (with retries), then hand out its deltas; usage arrives with the last chunk."""
    client = lease.client
    try:
        stream = await call.run(
            lambda: client.chat.completions.create(**request, stream=True, stream_options={"include_usage": True})
        )
    except BaseException:
        await lease.release()
        raise
    result = TextStreamResult(text_stream=_deltas(lease, stream, call, lambda: result), extra={"model": call.model})
    return result


async def _deltas(
    lease: ClientLease[AsyncOpenAI],
    stream: AsyncStream[ChatCompletionChunk],
    call: RemoteCall,
    result_of: Callable[[], TextStreamResult],
) -> AsyncIterator[str]:
    """The text deltas of an open stream; usage and finish reason are written onto the result as they arrive."""
    result = result_of()
    received = 0
    iterator = aiter(stream)
    try:
        while True:
            try:
                async with asyncio.timeout(call.policy.timeout_seconds):
                    chunk = await anext(iterator)
            except StopAsyncIteration:
                return
            except TimeoutError as exc:
                cause = f"the stream stalled for {call.policy.timeout_seconds:g} s after {received} delta(s)"
                raise call.error(Failure(FailureKind.TIMEOUT, cause)) from exc
            except Exception as exc:
                failure = classify_openai_error(exc) or Failure(FailureKind.CONNECTION, str(exc))
                reason = exc.__cause__ or exc
                call.redactor.scrub_exception(exc)
                cause = f"the stream broke off after {received} delta(s) ({type(reason).__name__}: {reason})"
                raise call.error(Failure(failure.kind, cause)) from exc
            if chunk.usage is not None:
                result.usage = completion_usage(chunk.usage)
            if chunk.model:
                result.extra["model"] = chunk.model
            for choice in chunk.choices:
                if choice.finish_reason:
                    result.finish_reason = choice.finish_reason
                if choice.delta.content:
                    received += 1
                    yield choice.delta.content
    finally:
        await stream.close()
        await lease.release()


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
    messages = chat_messages(None, f"{object_params.prompt}\n\n{object_instructions(object_params)}")
    request: dict[str, Any] = {"model": model}
    if object_params.output in (None, "object"):
        request["response_format"] = {"type": "json_object"}
    if object_params.temperature is not None:
        request["temperature"] = object_params.temperature
    if object_params.max_tokens is not None:
        request["max_tokens"] = object_params.max_tokens
    call = config.call(model, "object generation")
    usage: TokenUsage | None = None
    problem = ""
    async with config.lease(runtime) as client:
        for attempt in (1, 2):
            completion = await _complete(client, call, messages, request)
            usage = add_usage(usage, completion_usage(completion.usage))
            text = completion_text(call, completion)
            try:
                value = parse_object_output(text, object_params)
            except InvalidModelOutput as exc:
                problem = str(exc)
                logger.warning("%s %s answer %d was invalid: %s", config.provider, model, attempt, problem)
                messages = [
                    *messages,
                    {"role": "assistant", "content": text},
                    {
                        "role": "user",
                        "content": f"That answer was invalid: {problem}. {object_instructions(object_params)}",
                    },
                ]
                continue
            return ModelResponse(value, usage, completion.model or model)
    raise ModelResponseError(
        call.redactor(f"{config.provider} object generation with model {model!r} gave invalid JSON twice: {problem}")
    )
