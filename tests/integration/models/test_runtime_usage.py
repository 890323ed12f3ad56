"""Through a real AgentRuntime: ``use_model`` reaches the fake provider and the token usage lands on the log row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from openai import AsyncOpenAI
from tests.integration.models._support import ANTHROPIC_TEST_KEY, OPENAI_TEST_KEY, SettingsRuntime, fast_retry_settings
from tests.support.fake_anthropic import FakeAnthropic
from tests.support.fake_openai import FakeOpenAI, Status

from pyeliza.plugins._remote import ClientPoolService
from pyeliza.plugins.anthropic import anthropic_plugin
from pyeliza.plugins.openai import openai_plugin
from pyeliza.testing import runtime_for_test
from pyeliza.types import Character, ModelType

CHARACTER = Character(name="Eliza", bio=["A test agent."], system="You are Eliza.")


def usage_of(body: dict[str, Any]) -> dict[str, int]:
    usage: dict[str, int] = body["usage"]
    return usage


async def test_openai_text_call_records_usage_on_the_log_row(fake_openai: FakeOpenAI) -> None:
    settings = {
        "OPENAI_API_KEY": OPENAI_TEST_KEY,
        "OPENAI_BASE_URL": fake_openai.base_url,
        **fast_retry_settings("OPENAI"),
    }
    fake_openai.enqueue(Status(500))
    async with runtime_for_test(CHARACTER, [openai_plugin], settings=settings) as runtime:
        text = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": "Say hello to the room"})
        [row] = await runtime.get_logs(type="useModel:TEXT_LARGE")

    assert text == "Hello from the fake model"
    assert usage_of(row.body) == {"promptTokens": 8, "completionTokens": 5, "totalTokens": 13}
    assert row.body["provider"] == "openai"
    chat = [r for r in fake_openai.requests if r.path == "/v1/chat/completions"]
    assert len(chat) == 2  # the 500 was retried inside the one model call
    assert chat[-1].json["messages"][0] == {"role": "system", "content": "You are Eliza."}
    assert chat[-1].json["user"] == "Eliza"


async def test_openai_streaming_through_use_model_delivers_chunks_and_records_usage(fake_openai: FakeOpenAI) -> None:
    settings = {"OPENAI_API_KEY": OPENAI_TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url}
    fake_openai.reply = "streamed words arrive"
    chunks: list[str] = []

    async def on_chunk(chunk: str, message_id: str | None) -> None:
        chunks.append(chunk)

    async with runtime_for_test(CHARACTER, [openai_plugin], settings=settings) as runtime:
        text = await runtime.use_model(ModelType.TEXT_SMALL, {"prompt": "stream please", "on_stream_chunk": on_chunk})
        [row] = await runtime.get_logs(type="useModel:TEXT_SMALL")

    assert text == "streamed words arrive"
    assert chunks == ["streamed", " words", " arrive"]
    assert usage_of(row.body) == {"promptTokens": 5, "completionTokens": 3, "totalTokens": 8}


async def test_openai_embedding_probe_needs_no_request_and_real_embeddings_record_usage(
    fake_openai: FakeOpenAI,
) -> None:
    settings = {
        "OPENAI_API_KEY": OPENAI_TEST_KEY,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_EMBEDDING_DIMENSIONS": "384",
    }
    async with runtime_for_test(CHARACTER, [openai_plugin], settings=settings) as runtime:
        probe_requests = len(fake_openai.requests)
        vector = await runtime.use_model(ModelType.TEXT_EMBEDDING, {"text": "four words of text"})
        rows = await runtime.get_logs(type="useModel:TEXT_EMBEDDING", count=5)

    assert probe_requests == 0
    assert len(vector) == 384
    assert any(row.body.get("usage") == {"promptTokens": 4, "completionTokens": 0, "totalTokens": 4} for row in rows)


async def test_anthropic_text_call_records_usage_on_the_log_row(fake_anthropic: FakeAnthropic) -> None:
    settings = {"ANTHROPIC_API_KEY": ANTHROPIC_TEST_KEY, "ANTHROPIC_BASE_URL": fake_anthropic.root_url}
    async with runtime_for_test(CHARACTER, [anthropic_plugin], settings=settings) as runtime:
        text = await runtime.use_model(ModelType.TEXT_LARGE, "Say hello")
        streamed = await runtime.use_model(ModelType.TEXT_SMALL, {"prompt": "Say hello", "stream": True})
        [large] = await runtime.get_logs(type="useModel:TEXT_LARGE")
        [small] = await runtime.get_logs(type="useModel:TEXT_SMALL")

    assert text == streamed == "Hello from the fake model"
    assert usage_of(large.body) == {"promptTokens": 5, "completionTokens": 5, "totalTokens": 10}
    assert usage_of(small.body) == {"promptTokens": 5, "completionTokens": 5, "totalTokens": 10}
    assert large.body["provider"] == "anthropic"
    assert fake_anthropic.requests[0].json["system"] == "You are Eliza."


async def test_calls_through_a_runtime_reuse_one_pooled_connection_closed_at_stop(fake_openai: FakeOpenAI) -> None:
    settings = {"OPENAI_API_KEY": OPENAI_TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url}
    async with runtime_for_test(CHARACTER, [openai_plugin], settings=settings) as runtime:
        for _ in range(3):
            await runtime.use_model(ModelType.TEXT_SMALL, "hi")
        stream = await runtime.use_model(ModelType.TEXT_SMALL, {"prompt": "hi", "stream": True})
        pool = runtime.get_service("model-clients:openai")
        assert isinstance(pool, ClientPoolService)
        clients = pool.clients

    assert stream == "Hello from the fake model"
    assert len({request.client_port for request in fake_openai.requests}) == 1
    assert len(clients) == 1
    assert all(isinstance(client, AsyncOpenAI) and client.is_closed() for client in clients)


async def test_without_a_runtime_pool_each_call_owns_and_closes_its_client(fake_openai: FakeOpenAI) -> None:
    runtime = SettingsRuntime({"OPENAI_API_KEY": OPENAI_TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url})
    handler: Callable[[Any, Any], Awaitable[Any]] = openai_plugin.models[ModelType.TEXT_SMALL]
    for _ in range(2):
        await handler(runtime, "hi")
    assert len({request.client_port for request in fake_openai.requests}) == 2
