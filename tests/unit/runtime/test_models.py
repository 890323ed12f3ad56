"""Model registration order, provider override, typed params, settings merge, unwrapping and streaming."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pyeliza import AgentRuntime, Character, ModelType
from pyeliza.errors import InvalidInputError, ModelError, ModelNotFoundError
from pyeliza.runtime import streaming_context
from pyeliza.testing import ScriptedModel, stub_embedding
from pyeliza.types import GenerateTextParams, ModelResponse, TextEmbeddingParams, TextStreamResult, TokenUsage


def make(settings: dict[str, Any] | None = None) -> AgentRuntime:
    return AgentRuntime(Character(name="Modeller", bio="test", settings=settings))


def answer(text: str) -> Any:
    async def handler(runtime: AgentRuntime, params: Any) -> str:
        return text

    return handler


async def test_priority_then_registration_order() -> None:
    rt = make()
    rt.register_model(ModelType.TEXT_SMALL, answer("low"), "low", priority=-1)
    rt.register_model(ModelType.TEXT_SMALL, answer("first"), "first")
    rt.register_model(ModelType.TEXT_SMALL, answer("second"), "second")
    rt.register_model(ModelType.TEXT_SMALL, answer("high"), "high", priority=5)
    assert [r.provider for r in rt.models["TEXT_SMALL"]] == ["high", "first", "second", "low"]
    assert await rt.use_model(ModelType.TEXT_SMALL, "hi") == "high"
    assert await rt.use_model(ModelType.TEXT_SMALL, "hi", provider="second") == "second"
    assert rt.get_model(ModelType.TEXT_SMALL, provider="low") is rt.models["TEXT_SMALL"][3].handler


async def test_missing_model_names_the_type() -> None:
    rt = make()
    with pytest.raises(ModelNotFoundError, match="TEXT_LARGE"):
        await rt.use_model(ModelType.TEXT_LARGE, "hello")
    assert rt.get_model(ModelType.TEXT_LARGE) is None


async def test_text_params_are_typed_and_settings_merged_for_text_models_only() -> None:
    rt = make(
        {"TEXT_LARGE_TEMPERATURE": "0.2", "DEFAULT_MAX_TOKENS": 99, "MODEL_FREQ_PENALTY": "0.5", "DEFAULT_TOP_P": "x"}
    )
    text = ScriptedModel(["a", "b"])
    embedding_calls: list[Any] = []

    async def embed(runtime: AgentRuntime, params: TextEmbeddingParams | None) -> list[float]:
        embedding_calls.append(params)
        return await stub_embedding(runtime, params)

    rt.register_model(ModelType.TEXT_LARGE, text, "scripted")
    rt.register_model(ModelType.TEXT_EMBEDDING, embed, "stub")
    await rt.use_model(ModelType.TEXT_LARGE, {"prompt": "p1", "temperature": 0.9})
    await rt.use_model(ModelType.TEXT_LARGE, "p2")
    first, second = text.calls
    assert isinstance(first, GenerateTextParams)
    assert (first.prompt, first.temperature, first.max_tokens, first.frequency_penalty) == ("p1", 0.9, 99, 0.5)
    assert first.top_p is None
    assert first.user == "Modeller"
    assert second.temperature == 0.2
    vector = await rt.use_model(ModelType.TEXT_EMBEDDING, "words")
    assert len(vector) == 384
    assert embedding_calls == [TextEmbeddingParams(text="words")]
    assert await rt.use_model(ModelType.TEXT_EMBEDDING, None) == [0.0] * 384
    assert embedding_calls[-1] is None


async def test_text_model_settings_are_read_again_after_a_change() -> None:
    rt = make({"DEFAULT_TEMPERATURE": "0.3"})
    text = ScriptedModel(["a", "b", "c", "d"])
    rt.register_model(ModelType.TEXT_SMALL, text, "scripted")
    await rt.use_model(ModelType.TEXT_SMALL, "p1")
    rt.set_setting("TEXT_SMALL_TEMPERATURE", 0.7)
    await rt.use_model(ModelType.TEXT_SMALL, "p2")
    rt.settings["DEFAULT_MAX_TOKENS"] = 12
    await rt.use_model(ModelType.TEXT_SMALL, "p3")
    rt.character = rt.character.model_copy(update={"settings": {"DEFAULT_SEED": 5}})
    await rt.use_model(ModelType.TEXT_SMALL, "p4")
    assert [(c.temperature, c.max_tokens, c.seed) for c in text.calls] == [
        (0.3, None, None),
        (0.7, None, None),
        (0.7, 12, None),
        (None, 12, 5),
    ]
    assert rt.text_model_settings(ModelType.TEXT_SMALL) == {"max_tokens": 12, "seed": 5}


async def test_bad_params_name_the_model() -> None:
    rt = make()
    rt.register_model(ModelType.TEXT_SMALL, answer("x"), "p")
    with pytest.raises(InvalidInputError, match="TEXT_SMALL"):
        await rt.use_model(ModelType.TEXT_SMALL, {"temperature": 1})


async def test_model_response_is_unwrapped() -> None:
    rt = make()

    async def with_usage(runtime: AgentRuntime, params: Any) -> ModelResponse:
        return ModelResponse("text", TokenUsage(prompt_tokens=1, completion_tokens=2, total_tokens=3))

    rt.register_model(ModelType.TEXT_SMALL, with_usage, "p")
    assert await rt.use_model(ModelType.TEXT_SMALL, "q") == "text"


async def test_foreign_errors_become_model_errors() -> None:
    rt = make()

    async def broken(runtime: AgentRuntime, params: Any) -> str:
        raise ConnectionError("provider down")

    rt.register_model(ModelType.TEXT_SMALL, broken, "flaky")
    with pytest.raises(ModelError, match="flaky") as info:
        await rt.use_model(ModelType.TEXT_SMALL, "q")
    assert isinstance(info.value.__cause__, ConnectionError)


def streaming(parts: list[str], seen_params: list[Any]) -> Any:
    async def handler(runtime: AgentRuntime, params: GenerateTextParams) -> TextStreamResult:
        seen_params.append(params)

        async def chunks() -> AsyncIterator[str]:
            for part in parts:
                yield part

        return TextStreamResult(text_stream=chunks())

    return handler


async def test_stream_to_a_callback_in_params() -> None:
    rt = make()
    params_seen: list[Any] = []
    rt.register_model(ModelType.TEXT_LARGE, streaming(["Hel", "lo"], params_seen), "s")
    chunks: list[str] = []

    async def on_chunk(chunk: str, message_id: str | None) -> None:
        chunks.append(chunk)

    assert await rt.use_model(ModelType.TEXT_LARGE, {"prompt": "x", "on_stream_chunk": on_chunk}) == "Hello"
    assert chunks == ["Hel", "lo"]
    assert params_seen[0].stream is True
    assert "on_stream_chunk" not in (params_seen[0].model_extra or {})


async def test_stream_to_the_ambient_context_and_failing_callbacks() -> None:
    rt = make()
    rt.register_model(ModelType.TEXT_LARGE, streaming(["a", "b", "c"], []), "s")
    received: list[tuple[str, str | None]] = []

    def on_chunk(chunk: str, message_id: str | None) -> None:
        received.append((chunk, message_id))
        if chunk == "b":
            raise RuntimeError("listener broke")

    with streaming_context(on_chunk, "msg-1"):
        assert await rt.use_model(ModelType.TEXT_LARGE, "x") == "abc"
    assert received == [("a", "msg-1"), ("b", "msg-1"), ("c", "msg-1")]


async def test_stream_false_is_respected() -> None:
    rt = make()
    seen: list[Any] = []
    rt.register_model(ModelType.TEXT_LARGE, streaming(["x"], seen), "s")
    with streaming_context(lambda chunk, mid: None):
        assert await rt.use_model(ModelType.TEXT_LARGE, {"prompt": "p", "stream": False}) == "x"
    assert seen[0].stream is False


async def test_scripted_model_runs_out_loudly() -> None:
    rt = make()
    rt.register_model(ModelType.TEXT_SMALL, ScriptedModel(["only"]), "scripted")
    assert await rt.use_model(ModelType.TEXT_SMALL, "1") == "only"
    with pytest.raises(ModelError, match="no answer left"):
        await rt.use_model(ModelType.TEXT_SMALL, "2")


async def test_scripted_model_from_a_function() -> None:
    rt = make()
    model = ScriptedModel(lambda prompt: prompt.upper())
    rt.register_model(ModelType.TEXT_SMALL, model, "scripted")
    assert await rt.use_model(ModelType.TEXT_SMALL, "shout") == "SHOUT"
    assert model.prompts == ["shout"]
