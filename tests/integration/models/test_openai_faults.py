"""Real-network failures against the OpenAI plugin: rate limits, 5xx, hangs, malformed bodies, broken streams."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from tests.integration.models._support import OPENAI_TEST_KEY, SettingsRuntime
from tests.support.fake_openai import CutStream, FakeOpenAI, Hang, RawBody, Status

from pyeliza.errors import ModelError, ModelResponseError, ModelTimeoutError
from pyeliza.plugins.openai import openai_plugin
from pyeliza.types import ModelType, TextStreamResult

# Typed for AgentRuntime; these tests call it with the settings-only stand-in.
TEXT_LARGE: Callable[[Any, Any], Awaitable[Any]] = openai_plugin.models[ModelType.TEXT_LARGE]


async def test_429_waits_as_long_as_retry_after_says_then_succeeds(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.enqueue(Status(429, "slow down", retry_after="1"))
    with caplog.at_level(logging.WARNING, logger="pyeliza.models"):
        result = await TEXT_LARGE(openai_runtime, "hello")

    assert result.value == "Hello from the fake model"
    assert len(fake_openai.requests) == 2
    assert "failed (rate limited: HTTP 429" in caplog.text
    assert "retry 1/2 in 1.00 s" in caplog.text


async def test_retry_after_beyond_the_cap_is_capped(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    openai_runtime.settings["OPENAI_RETRY_MAX_DELAY_SECONDS"] = "0.05"
    fake_openai.enqueue(Status(429, retry_after="3600"))
    with caplog.at_level(logging.WARNING, logger="pyeliza.models"):
        await TEXT_LARGE(openai_runtime, "hello")
    assert "retry 1/2 in 0.05 s" in caplog.text


async def test_500_then_success_is_retried(fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime) -> None:
    fake_openai.enqueue(Status(500), Status(503))
    result = await TEXT_LARGE(openai_runtime, "hello")
    assert result.value == "Hello from the fake model"
    assert len(fake_openai.requests) == 3


async def test_persistent_500_gives_a_model_error_naming_provider_model_and_cause(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.enqueue(
        Status(500, "upstream exploded"), Status(500, "upstream exploded"), Status(500, "upstream exploded")
    )
    with pytest.raises(ModelError) as caught:
        await TEXT_LARGE(openai_runtime, "hello")
    message = str(caught.value)
    assert message.startswith("openai chat completion with model 'gpt-4o' failed after 3 attempts (server error)")
    assert "HTTP 500" in message and "upstream exploded" in message
    assert len(fake_openai.requests) == 3


async def test_a_client_error_is_not_retried(fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime) -> None:
    fake_openai.enqueue(Status(400, "bad request: unknown parameter"))
    with pytest.raises(ModelError, match=r"failed after 1 attempt \(request rejected\): HTTP 400"):
        await TEXT_LARGE(openai_runtime, "hello")
    assert len(fake_openai.requests) == 1


async def test_a_hang_past_the_timeout_is_retried_then_reported_as_a_timeout(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    openai_runtime.settings["OPENAI_TIMEOUT_SECONDS"] = "0.3"
    openai_runtime.settings["OPENAI_MAX_RETRIES"] = "1"
    fake_openai.enqueue(Hang(30), Hang(30))
    with pytest.raises(ModelTimeoutError, match=r"failed after 2 attempts \(timeout\): no answer within 0\.3 s"):
        await TEXT_LARGE(openai_runtime, "hello")
    assert len(fake_openai.requests) == 2


async def test_a_hang_then_an_answer_succeeds(fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime) -> None:
    openai_runtime.settings["OPENAI_TIMEOUT_SECONDS"] = "0.3"
    fake_openai.enqueue(Hang(30))
    result = await TEXT_LARGE(openai_runtime, "hello")
    assert result.value == "Hello from the fake model"


async def test_a_malformed_body_is_retried_and_then_reported_as_unusable(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.enqueue(RawBody('{"id": "x", "choices": [tru'))
    assert (await TEXT_LARGE(openai_runtime, "hello")).value == "Hello from the fake model"

    fake_openai.enqueue(*[RawBody("{oops")] * 3)
    with pytest.raises(ModelResponseError, match="malformed response body"):
        await TEXT_LARGE(openai_runtime, "hello")


async def test_a_mid_stream_disconnect_is_a_clear_error_after_the_deltas_already_given(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.reply = "a b c d e f"
    fake_openai.enqueue(CutStream(after=2))
    result = await TEXT_LARGE(openai_runtime, {"prompt": "hello", "stream": True})
    assert isinstance(result, TextStreamResult)
    received: list[str] = []
    with pytest.raises(ModelError) as caught:
        async for delta in result.text_stream:
            received.append(delta)
    assert received == ["a", " b"]
    message = str(caught.value)
    assert message.startswith("openai chat completion with model 'gpt-4o' failed (connection error)")
    assert "the stream broke off after 2 delta(s)" in message
    assert len(fake_openai.requests) == 1


async def test_a_stream_whose_start_fails_is_retried(fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime) -> None:
    fake_openai.enqueue(Status(502))
    result = await TEXT_LARGE(openai_runtime, {"prompt": "hello", "stream": True})
    assert isinstance(result, TextStreamResult)
    assert "".join([delta async for delta in result.text_stream]) == "Hello from the fake model"
    assert len(fake_openai.requests) == 2


async def test_the_api_key_never_reaches_errors_or_logs(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    echo = f"Incorrect API key provided: {OPENAI_TEST_KEY}"
    fake_openai.enqueue(Status(500, echo), Status(401, echo))
    with caplog.at_level(logging.DEBUG), pytest.raises(ModelError) as caught:
        await TEXT_LARGE(openai_runtime, "hello")

    assert fake_openai.requests[0].headers["authorization"] == f"Bearer {OPENAI_TEST_KEY}"
    assert "Incorrect API key provided: [REDACTED]" in str(caught.value)
    assert OPENAI_TEST_KEY not in str(caught.value)
    assert OPENAI_TEST_KEY not in str(caught.value.__cause__)
    assert "retry 1/2" in caplog.text
    assert OPENAI_TEST_KEY not in caplog.text
