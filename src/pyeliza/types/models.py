"""Model types and the typed parameters and results of model handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from ._base import ElizaModel, OpenElizaModel


class ModelType(StrEnum):
    """Model keys; the values are the strings used everywhere (logs, settings, plugin maps)."""

    TEXT_SMALL = "TEXT_SMALL"
    TEXT_LARGE = "TEXT_LARGE"
    TEXT_REASONING_SMALL = "REASONING_SMALL"
    TEXT_REASONING_LARGE = "REASONING_LARGE"
    TEXT_COMPLETION = "TEXT_COMPLETION"
    TEXT_EMBEDDING = "TEXT_EMBEDDING"
    TEXT_TOKENIZER_ENCODE = "TEXT_TOKENIZER_ENCODE"
    TEXT_TOKENIZER_DECODE = "TEXT_TOKENIZER_DECODE"
    IMAGE = "IMAGE"
    IMAGE_DESCRIPTION = "IMAGE_DESCRIPTION"
    TRANSCRIPTION = "TRANSCRIPTION"
    TEXT_TO_SPEECH = "TEXT_TO_SPEECH"
    AUDIO = "AUDIO"
    VIDEO = "VIDEO"
    OBJECT_SMALL = "OBJECT_SMALL"
    OBJECT_LARGE = "OBJECT_LARGE"


TEXT_MODEL_TYPES: frozenset[str] = frozenset(
    {
        ModelType.TEXT_SMALL,
        ModelType.TEXT_LARGE,
        ModelType.TEXT_REASONING_SMALL,
        ModelType.TEXT_REASONING_LARGE,
        ModelType.TEXT_COMPLETION,
    }
)

SUPPORTED_EMBEDDING_DIMENSIONS: tuple[int, ...] = (384, 512, 768, 1024, 1536, 3072)

StreamChunkCallback = Callable[[str, str | None], Awaitable[None] | None]


class GenerateTextParams(OpenElizaModel):
    """Parameters of the text models."""

    prompt: str
    system: str | None = None
    max_tokens: int | None = None
    min_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    seed: int | None = None
    repetition_penalty: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    stop_sequences: list[str] | None = None
    user: str | None = None
    response_format: dict[str, Any] | str | None = None
    stream: bool | None = None


class TextEmbeddingParams(ElizaModel):
    text: str = ""


class ObjectGenerationParams(OpenElizaModel):
    prompt: str
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    output: Literal["object", "array", "enum"] | None = None
    enum_values: list[str] | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    stop_sequences: list[str] | None = None


class ImageGenerationParams(ElizaModel):
    prompt: str
    size: str | None = None
    count: int | None = None


class ImageDescriptionParams(ElizaModel):
    image_url: str
    prompt: str | None = None


class ImageDescriptionResult(ElizaModel):
    title: str
    description: str


class TranscriptionParams(ElizaModel):
    audio_url: str | None = None
    audio: bytes | None = None
    prompt: str | None = None


class TextToSpeechParams(ElizaModel):
    text: str
    voice: str | None = None
    speed: float | None = None


class TokenUsage(ElizaModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


@dataclass
class TextStreamResult:
    """What a streaming text handler returns: the chunks, then the final text and token usage."""

    text_stream: AsyncIterator[str]
    usage: TokenUsage | None = None
    finish_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModelResponse:
    """A handler result that carries token usage besides the value (recorded on the model log row)."""

    value: Any
    usage: TokenUsage | None = None
    model: str | None = None
