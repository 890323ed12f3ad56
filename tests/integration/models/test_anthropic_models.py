"""The Anthropic plugin against a real HTTP server on 127.0.0.1 speaking the Messages API (plain and SSE)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest
from tests.integration.models._support import ANTHROPIC_TEST_KEY, SettingsRuntime
from tests.support.fake_anthropic import FakeAnthropic
from tests.support.fake_openai import CutStream, Hang, RawBody, Reply, Status

from pyeliza.errors import ConfigurationError, ModelError, ModelResponseError, ModelTimeoutError
from pyeliza.plugins.anthropic import anthropic_plugin
from pyeliza.types import ModelResponse, ModelType, TextStreamResult, TokenUsage

# The plugin's handlers are typed for AgentRuntime; these tests call them with the settings-only stand-in.
Handler = Callable[[Any, Any], Awaitable[Any]]
MODELS: Mapping[str, Handler] = anthropic_plugin.models


async def test_text_sends_model_system_and_key_headers_and_returns_usage(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime
) -> None:
    result = await MODELS[ModelType.TEXT_LARGE](
        anthropic_runtime, {"prompt": "How are you today?", "stopSequences": ["END"]}
    )

    assert isinstance(result, ModelResponse)
    assert result.value == "Hello from the fake model"
    assert result.model == "claude-sonnet-4-6"
    assert result.usage == TokenUsage(prompt_tokens=10, completion_tokens=5, total_tokens=15)
    [request] = fake_anthropic.requests
    assert request.path == "/v1/messages"
    # Older SDKs send the key as x-api-key, newer ones as a bearer token.
    sent_key = request.headers.get("x-api-key") or request.headers["authorization"].removeprefix("Bearer ")
    assert sent_key == ANTHROPIC_TEST_KEY
    assert "anthropic-version" in request.headers
    body = request.json
    assert body["model"] == "claude-sonnet-4-6"
    assert body["system"] == "You are Eliza, a helpful agent."
    assert body["messages"] == [{"role": "user", "content": "How are you today?"}]
    assert body["max_tokens"] == 4096
    assert body["stop_sequences"] == ["END"]


async def test_small_model_setting_and_no_system_prompt(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime
) -> None:
    anthropic_runtime.settings["ANTHROPIC_SMALL_MODEL"] = "claude-tiny"
    anthropic_runtime.character.system = None
    result = await MODELS[ModelType.TEXT_SMALL](anthropic_runtime, "hi")
    assert result.model == "claude-tiny"
    assert "system" not in fake_anthropic.requests[0].json


async def test_streaming_follows_the_event_stream_and_fills_usage_at_the_end(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime
) -> None:
    fake_anthropic.reply = "one two three"
    result = await MODELS[ModelType.TEXT_SMALL](anthropic_runtime, {"prompt": "count", "stream": True})

    assert isinstance(result, TextStreamResult)
    deltas = [delta async for delta in result.text_stream]
    assert deltas == ["one", " two", " three"]
    assert result.usage == TokenUsage(prompt_tokens=7, completion_tokens=3, total_tokens=10)
    assert result.finish_reason == "end_turn"
    assert fake_anthropic.requests[0].json["stream"] is True


async def test_object_model_extracts_fenced_json_and_validates_it(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime
) -> None:
    fake_anthropic.enqueue(Reply('Here it is:\n```json\n{"city": "Paris", "population": 2100000}\n```'))
    schema = {"type": "object", "required": ["city"], "properties": {"population": {"type": "integer"}}}
    result = await MODELS[ModelType.OBJECT_LARGE](anthropic_runtime, {"prompt": "Capital of France?", "schema": schema})

    assert result.value == {"city": "Paris", "population": 2100000}
    assert "JSON object" in fake_anthropic.requests[0].json["messages"][0]["content"]


async def test_object_model_retries_a_schema_violation_once_then_gives_up(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime
) -> None:
    schema = {"type": "object", "required": ["city"]}
    fake_anthropic.enqueue(Reply('{"town": "Paris"}'), Reply('{"city": "Paris"}'))
    result = await MODELS[ModelType.OBJECT_SMALL](anthropic_runtime, {"prompt": "Where?", "schema": schema})
    assert result.value == {"city": "Paris"}
    retry = fake_anthropic.requests[1].json["messages"]
    assert retry[1] == {"role": "assistant", "content": '{"town": "Paris"}'}
    assert "$.city is required" in retry[2]["content"]

    fake_anthropic.enqueue(Reply("no idea"), Reply("still no idea"))
    with pytest.raises(ModelResponseError, match="anthropic object generation with model 'claude-haiku-4-5'"):
        await MODELS[ModelType.OBJECT_SMALL](anthropic_runtime, {"prompt": "Where?", "schema": schema})


async def test_429_with_retry_after_and_529_overloaded_are_retried(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    fake_anthropic.enqueue(Status(429, "rate limited", retry_after="1"), Status(529, "overloaded"))
    with caplog.at_level(logging.WARNING, logger="pyeliza.models"):
        result = await MODELS[ModelType.TEXT_LARGE](anthropic_runtime, "hello")

    assert result.value == "Hello from the fake model"
    assert len(fake_anthropic.requests) == 3
    assert "retry 1/2 in 1.00 s" in caplog.text
    assert "HTTP 529" in caplog.text


async def test_persistent_failures_and_hangs_give_clear_errors(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime
) -> None:
    fake_anthropic.enqueue(*[Status(500, "internal")] * 3)
    with pytest.raises(ModelError, match=r"^anthropic message with model 'claude-sonnet-4-6' failed after 3 attempts"):
        await MODELS[ModelType.TEXT_LARGE](anthropic_runtime, "hello")

    anthropic_runtime.settings["ANTHROPIC_TIMEOUT_SECONDS"] = "0.3"
    anthropic_runtime.settings["ANTHROPIC_MAX_RETRIES"] = "0"
    fake_anthropic.enqueue(Hang(30))
    with pytest.raises(ModelTimeoutError, match=r"no answer within 0\.3 s"):
        await MODELS[ModelType.TEXT_LARGE](anthropic_runtime, "hello")


async def test_malformed_body_then_success(fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime) -> None:
    fake_anthropic.enqueue(RawBody('{"type": "message", "content": [{"ty'))
    result = await MODELS[ModelType.TEXT_LARGE](anthropic_runtime, "hello")
    assert result.value == "Hello from the fake model"
    assert len(fake_anthropic.requests) == 2


async def test_a_mid_stream_disconnect_is_a_clear_error(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime
) -> None:
    fake_anthropic.reply = "a b c d"
    fake_anthropic.enqueue(CutStream(after=1))
    result = await MODELS[ModelType.TEXT_LARGE](anthropic_runtime, {"prompt": "hello", "stream": True})
    assert isinstance(result, TextStreamResult)
    received: list[str] = []
    with pytest.raises(ModelError, match=r"anthropic message with model 'claude-sonnet-4-6' failed \(connection"):
        async for delta in result.text_stream:
            received.append(delta)
    assert received == ["a"]


async def test_the_api_key_never_reaches_errors_or_logs(
    fake_anthropic: FakeAnthropic, anthropic_runtime: SettingsRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    fake_anthropic.enqueue(
        Status(503, f"key {ANTHROPIC_TEST_KEY} overloaded"), Status(401, f"bad {ANTHROPIC_TEST_KEY}")
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(ModelError) as caught:
        await MODELS[ModelType.TEXT_LARGE](anthropic_runtime, "hello")
    assert ANTHROPIC_TEST_KEY not in str(caught.value)
    assert ANTHROPIC_TEST_KEY not in str(caught.value.__cause__)
    assert ANTHROPIC_TEST_KEY not in caplog.text
    assert "[REDACTED]" in str(caught.value)


async def test_missing_key_is_a_configuration_error(caplog: pytest.LogCaptureFixture) -> None:
    runtime = SettingsRuntime({})
    with pytest.raises(ConfigurationError, match="set ANTHROPIC_API_KEY"):
        await MODELS[ModelType.TEXT_SMALL](runtime, "hi")
    init: Callable[[dict[str, str], Any], Awaitable[None]] | None = anthropic_plugin.init
    assert init is not None
    await init({}, runtime)
    assert "ANTHROPIC_API_KEY is not set" in caplog.text
