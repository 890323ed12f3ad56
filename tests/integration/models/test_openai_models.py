"""The OpenAI plugin's models against a real HTTP server on 127.0.0.1 speaking the OpenAI wire format."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest
from tests.integration.models._support import OPENAI_TEST_KEY, SettingsRuntime
from tests.support.fake_openai import FakeOpenAI, Reply

from pyeliza.errors import ConfigurationError, InvalidInputError, ModelResponseError
from pyeliza.plugins.openai import create_openai_plugin, openai_plugin
from pyeliza.types import (
    GenerateTextParams,
    ImageDescriptionResult,
    ModelResponse,
    ModelType,
    TextStreamResult,
    TokenUsage,
)

# The plugin's handlers are typed for AgentRuntime; these tests call them with the settings-only stand-in.
Handler = Callable[[Any, Any], Awaitable[Any]]
MODELS: Mapping[str, Handler] = openai_plugin.models


async def test_text_large_sends_model_system_prompt_and_key_and_returns_usage(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    result = await MODELS[ModelType.TEXT_LARGE](openai_runtime, GenerateTextParams(prompt="How are you today?"))

    assert isinstance(result, ModelResponse)
    assert result.value == "Hello from the fake model"
    assert result.model == "gpt-4o"
    # 5 prompt words + 5 system words; the fake counts one token per word.
    assert result.usage == TokenUsage(prompt_tokens=10, completion_tokens=5, total_tokens=15)
    [request] = fake_openai.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {OPENAI_TEST_KEY}"
    assert request.json["model"] == "gpt-4o"
    assert request.json["messages"] == [
        {"role": "system", "content": "You are Eliza, a helpful agent."},
        {"role": "user", "content": "How are you today?"},
    ]
    assert "stream" not in request.json


async def test_text_small_uses_the_small_model_setting_sampling_options_and_dict_params(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    openai_runtime.settings["OPENAI_SMALL_MODEL"] = "tiny-model"
    params = {"prompt": "hi", "system": "Be brief.", "temperature": 0.2, "maxTokens": 50, "stopSequences": ["\n"]}
    result = await MODELS[ModelType.TEXT_SMALL](openai_runtime, params)

    assert result.model == "tiny-model"
    body = fake_openai.requests[0].json
    assert body["model"] == "tiny-model"
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 50
    assert body["stop"] == ["\n"]


async def test_streaming_yields_deltas_then_fills_usage(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.reply = "one two three four"
    result = await MODELS[ModelType.TEXT_LARGE](openai_runtime, {"prompt": "count", "stream": True})

    assert isinstance(result, TextStreamResult)
    assert result.usage is None
    deltas = [delta async for delta in result.text_stream]
    assert deltas == ["one", " two", " three", " four"]
    assert result.usage == TokenUsage(prompt_tokens=7, completion_tokens=4, total_tokens=11)
    assert result.finish_reason == "stop"
    body = fake_openai.requests[0].json
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


async def test_object_model_asks_for_json_and_returns_the_parsed_object(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.enqueue(Reply('{"name": "Ada", "age": 36}'))
    schema = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    result = await MODELS[ModelType.OBJECT_SMALL](openai_runtime, {"prompt": "Who?", "schema": schema})

    assert result.value == {"name": "Ada", "age": 36}
    body = fake_openai.requests[0].json
    assert body["response_format"] == {"type": "json_object"}
    assert body["model"] == "gpt-4o-mini"
    assert '"required":["name"]' in body["messages"][-1]["content"]


async def test_object_model_retries_an_invalid_answer_once_with_the_reason_and_sums_usage(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.enqueue(Reply("{broken json"), Reply('{"ok": true}'))
    result = await MODELS[ModelType.OBJECT_LARGE](openai_runtime, {"prompt": "Answer"})

    assert result.value == {"ok": True}
    assert len(fake_openai.requests) == 2
    retry_messages = fake_openai.requests[1].json["messages"]
    assert retry_messages[-2] == {"role": "assistant", "content": "{broken json"}
    assert retry_messages[-1]["content"].startswith("That answer was invalid: no valid JSON")
    assert result.usage is not None
    assert result.usage.completion_tokens == 2 + 2


async def test_object_model_gives_up_after_two_invalid_answers(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    schema = {"type": "object", "required": ["name"]}
    fake_openai.enqueue(Reply('{"nom": 1}'), Reply("not json"))
    with pytest.raises(ModelResponseError) as caught:
        await MODELS[ModelType.OBJECT_SMALL](openai_runtime, {"prompt": "Who?", "schema": schema})
    message = str(caught.value)
    assert "openai object generation with model 'gpt-4o-mini' gave invalid JSON twice" in message
    assert len(fake_openai.requests) == 2


async def test_embedding_of_empty_text_is_a_zero_vector_without_a_request(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    openai_runtime.settings["OPENAI_EMBEDDING_DIMENSIONS"] = "768"
    for params in (None, "", {"text": ""}, {"text": "   "}):
        assert await MODELS[ModelType.TEXT_EMBEDDING](openai_runtime, params) == [0.0] * 768
    assert fake_openai.requests == []


async def test_embedding_sends_configured_dimensions_and_records_usage(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    openai_runtime.settings["OPENAI_EMBEDDING_DIMENSIONS"] = "384"
    openai_runtime.settings["OPENAI_EMBEDDING_MODEL"] = "embed-small"
    result = await MODELS[ModelType.TEXT_EMBEDDING](openai_runtime, {"text": "the quick brown fox"})

    assert len(result.value) == 384
    assert result.usage == TokenUsage(prompt_tokens=4, completion_tokens=0, total_tokens=4)
    body = fake_openai.requests[0].json
    assert (body["model"], body["input"], body["dimensions"]) == ("embed-small", "the quick brown fox", 384)


async def test_embedding_of_the_wrong_size_is_an_unusable_answer(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.embedding_dimensions = 512  # the server ignores our (default, not sent) dimension
    with pytest.raises(ModelResponseError, match="got 512 dimensions, expected 1536"):
        await MODELS[ModelType.TEXT_EMBEDDING](openai_runtime, "hello")
    assert "dimensions" not in fake_openai.requests[0].json


async def test_embeddings_can_use_their_own_server(openai_runtime: SettingsRuntime) -> None:
    async with FakeOpenAI() as embedding_server:
        openai_runtime.settings["OPENAI_EMBEDDING_URL"] = embedding_server.base_url
        openai_runtime.settings["OPENAI_EMBEDDING_API_KEY"] = "sk-embedding-only-key-123"
        await MODELS[ModelType.TEXT_EMBEDDING](openai_runtime, "hello")
        [request] = embedding_server.requests
        assert request.headers["authorization"] == "Bearer sk-embedding-only-key-123"


async def test_image_description_sends_the_image_and_splits_title_and_description(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.enqueue(Reply("Title: A red bicycle\nA red bicycle leans against a brick wall."))
    result = await MODELS[ModelType.IMAGE_DESCRIPTION](openai_runtime, "https://example.test/bike.png")

    assert result.value == ImageDescriptionResult(
        title="A red bicycle", description="A red bicycle leans against a brick wall."
    )
    content = fake_openai.requests[0].json["messages"][0]["content"]
    assert content[1] == {"type": "image_url", "image_url": {"url": "https://example.test/bike.png"}}
    assert result.usage is not None


async def test_text_to_speech_returns_audio_bytes(fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime) -> None:
    openai_runtime.settings["OPENAI_TTS_VOICE"] = "alloy"
    result = await MODELS[ModelType.TEXT_TO_SPEECH](openai_runtime, {"text": "Hello there", "speed": 1.25})

    assert result.value == b"FAKEAUDIO:Hello there"
    body = fake_openai.requests[0].json
    assert (body["model"], body["voice"], body["input"], body["speed"]) == (
        "gpt-4o-mini-tts",
        "alloy",
        "Hello there",
        1.25,
    )


async def test_transcription_from_bytes_and_from_a_url(
    fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime
) -> None:
    fake_openai.reply = "you said"
    result = await MODELS[ModelType.TRANSCRIPTION](openai_runtime, b"RIFF-audio-bytes")
    assert result.value == "you said (16 bytes)"
    assert fake_openai.requests[0].form["model"] == "gpt-4o-mini-transcribe"
    assert fake_openai.requests[0].form["file"] == b"RIFF-audio-bytes"

    fake_openai.files["clip.wav"] = b"0123456789"
    result = await MODELS[ModelType.TRANSCRIPTION](
        openai_runtime, {"audioUrl": f"{fake_openai.root_url}/files/clip.wav"}
    )
    assert result.value == "you said (10 bytes)"
    assert [r.path for r in fake_openai.requests[1:]] == ["/files/clip.wav", "/v1/audio/transcriptions"]

    with pytest.raises(InvalidInputError, match="TRANSCRIPTION needs audio"):
        await MODELS[ModelType.TRANSCRIPTION](openai_runtime, {})


async def test_image_generation_returns_urls(fake_openai: FakeOpenAI, openai_runtime: SettingsRuntime) -> None:
    result = await MODELS[ModelType.IMAGE](openai_runtime, {"prompt": "a cat", "count": 2, "size": "512x512"})

    assert result.value == [{"url": f"{fake_openai.root_url}/files/image-{i}.png"} for i in range(2)]
    body = fake_openai.requests[0].json
    assert (body["prompt"], body["n"], body["size"]) == ("a cat", 2, "512x512")


async def test_an_openai_compatible_server_uses_its_own_prefix(fake_openai: FakeOpenAI) -> None:
    ollama = create_openai_plugin("ollama", "OLLAMA", default_base_url=fake_openai.base_url)
    runtime = SettingsRuntime({"OLLAMA_LARGE_MODEL": "llama3.2", "OPENAI_API_KEY": "sk-must-not-be-sent-123"})
    text_large: Handler = ollama.models[ModelType.TEXT_LARGE]
    result = await text_large(runtime, "hi")

    assert ollama.name == "ollama"
    assert result.model == "llama3.2"
    assert "sk-must-not-be-sent" not in fake_openai.requests[0].headers["authorization"]


async def test_no_key_and_no_base_url_is_a_configuration_error_naming_the_settings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = SettingsRuntime({})
    with pytest.raises(ConfigurationError, match="set OPENAI_API_KEY \\(or OPENAI_BASE_URL"):
        await MODELS[ModelType.TEXT_SMALL](runtime, "hi")
    init: Callable[[dict[str, str], Any], Awaitable[None]] | None = openai_plugin.init
    assert init is not None
    await init({}, runtime)
    assert "neither OPENAI_API_KEY nor OPENAI_BASE_URL is set" in caplog.text


async def test_bad_params_are_rejected_naming_the_model_type(openai_runtime: SettingsRuntime) -> None:
    with pytest.raises(InvalidInputError, match="TEXT_LARGE"):
        await MODELS[ModelType.TEXT_LARGE](openai_runtime, 42)
    with pytest.raises(InvalidInputError, match="invalid parameters for OBJECT_SMALL"):
        await MODELS[ModelType.OBJECT_SMALL](openai_runtime, {"schema": {}})


async def test_a_missing_sdk_is_a_configuration_error_naming_the_extra(
    openai_runtime: SettingsRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "openai", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'pyeliza\[openai\]'"):
        await MODELS[ModelType.TEXT_SMALL](openai_runtime, "hi")
