"""Messages-API models: TEXT_SMALL/LARGE (plain and streamed) and OBJECT_SMALL/LARGE (JSON found in the text)."""

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
from ._config import AnthropicConfig
from ._sdk import classify_anthropic_error

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic, AsyncStream
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
        return await stream_text(lease, call, request)
    async with lease as client:
        message = await _create(client, call, request)
    return ModelResponse(message_text(call, message), message_usage(message.usage), message.model or model)


async def stream_text(
    lease: ClientLease[AsyncAnthropic], call: RemoteCall, request: dict[str, Any]
) -> TextStreamResult:
    """Open the event stream (with retries), then hand out the text deltas; usage is complete at message_stop."""
    client = lease.client
    try:
        stream = await call.run(lambda: client.messages.create(**request, stream=True))
    except BaseException:
        await lease.release()
        raise
    result = TextStreamResult(text_stream=_deltas(lease, stream, call, lambda: result), extra={"model": call.model})
    return result


async def _deltas(
    lease: ClientLease[AsyncAnthropic],
    stream: AsyncStream[RawMessageStreamEvent],
    call: RemoteCall,
    result_of: Callable[[], TextStreamResult],
) -> AsyncIterator[str]:
    """Text of content_block_delta events; message_start and message_delta carry the usage."""
    result = result_of()
    received = 0
    prompt_usage: Any = None
    iterator = aiter(stream)
    try:
        while True:
            try:
                async with asyncio.timeout(call.policy.timeout_seconds):
                    event = await anext(iterator)
            except StopAsyncIteration:
                return
            except TimeoutError as exc:
                cause = f"the stream stalled for {call.policy.timeout_seconds:g} s after {received} delta(s)"
                raise call.error(Failure(FailureKind.TIMEOUT, cause)) from exc
            except Exception as exc:
                failure = classify_anthropic_error(exc) or Failure(FailureKind.CONNECTION, str(exc))
                reason = exc.__cause__ or exc
                call.redactor.scrub_exception(exc)
                cause = f"the stream broke off after {received} delta(s) ({type(reason).__name__}: {reason})"
                raise call.error(Failure(failure.kind, cause)) from exc
            if event.type == "message_start":
                prompt_usage = event.message.usage
                result.usage = message_usage(prompt_usage)
                result.extra["model"] = event.message.model or call.model
            elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                received += 1
                yield event.delta.text
            elif event.type == "message_delta":
                result.finish_reason = event.delta.stop_reason
                start = message_usage(prompt_usage) or TokenUsage()
                result.usage = token_usage(start.prompt_tokens, event.usage.output_tokens)
    finally:
        await stream.close()
        await lease.release()


async def generate_object(
    config: AnthropicConfig, runtime: ModelRuntime, params: Any, model_type: str, size: str
) -> ModelResponse:
    """JSON extracted from the answer and validated; an invalid answer is retried once with the reason given."""
    object_params = coerce_params(params, ObjectGenerationParams, model_type, string_field="prompt")
    model = config.model(size)
    request: dict[str, Any] = {"model": model, "max_tokens": object_params.max_tokens or config.max_tokens}
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": f"{object_params.prompt}\n\n{object_instructions(object_params)}"}
    ]
    call = config.call(model, "object generation")
    usage: TokenUsage | None = None
    problem = ""
    async with config.lease(runtime) as client:
        for attempt in (1, 2):
            message = await _create(client, call, {**request, "messages": messages})
            usage = add_usage(usage, message_usage(message.usage))
            text = message_text(call, message)
            try:
                value = parse_object_output(text, object_params)
            except InvalidModelOutput as exc:
                problem = str(exc)
                logger.warning("%s %s answer %d was invalid: %s", config.provider, model, attempt, problem)
                retry_prompt = f"That answer was invalid: {problem}. {object_instructions(object_params)}"
                messages = [
                    *messages,
                    {"role": "assistant", "content": text},
                    {"role": "user", "content": retry_prompt},
                ]
                continue
            return ModelResponse(value, usage, message.model or model)
    raise ModelResponseError(
        call.redactor(f"{config.provider} object generation with model {model!r} gave invalid JSON twice: {problem}")
    )
