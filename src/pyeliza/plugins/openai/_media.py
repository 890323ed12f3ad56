"""The non-chat endpoints: embeddings, image description, speech, transcription and image generation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx

from pyeliza.errors import InvalidInputError
from pyeliza.types import (
    ImageDescriptionParams,
    ImageDescriptionResult,
    ImageGenerationParams,
    ModelResponse,
    TextEmbeddingParams,
    TextToSpeechParams,
    TokenUsage,
    TranscriptionParams,
)

from .._remote import Failure, FailureKind, ModelRuntime, coerce_params, token_usage
from ._chat import completion_text, completion_usage
from ._config import OpenAIConfig

DEFAULT_IMAGE_PROMPT = (
    "Describe this image. Answer with a short title on the first line and a detailed description below it."
)


def embedding_text(params: Any) -> str:
    """The text to embed from ``None``, a string, ``{"text": ...}`` or TextEmbeddingParams."""
    if params is None:
        return ""
    if isinstance(params, str):
        return params
    return coerce_params(params, TextEmbeddingParams, "TEXT_EMBEDDING").text or ""


async def embed_text(config: OpenAIConfig, runtime: ModelRuntime, params: Any) -> ModelResponse | list[float]:
    """A vector of the configured dimension; empty text gives zeros without a request (the dimension probe)."""
    text = embedding_text(params)
    dimensions = config.embedding_dimensions
    if not text.strip():
        return [0.0] * dimensions
    model = config.model("EMBEDDING_MODEL")
    call = config.call(model, "embedding")
    request: dict[str, Any] = {"model": model, "input": text}
    if config.embedding_dimensions_explicit:
        request["dimensions"] = dimensions
    async with config.lease(runtime, embeddings=True) as client:
        response = await call.run(lambda: client.embeddings.create(**request))
    if not response.data:
        raise call.error(Failure(FailureKind.RESPONSE, "the answer holds no embedding"))
    vector = [float(x) for x in response.data[0].embedding]
    if len(vector) != dimensions:
        cause = (
            f"got {len(vector)} dimensions, expected {dimensions} (set {config.provider.upper()} EMBEDDING_DIMENSIONS)"
        )
        raise call.error(Failure(FailureKind.RESPONSE, cause))
    usage = token_usage(response.usage.prompt_tokens, 0, response.usage.total_tokens) if response.usage else None
    return ModelResponse(vector, usage, response.model or model)


def split_title(text: str) -> ImageDescriptionResult:
    """First non-empty line is the title (a ``Title:`` label is dropped); the rest is the description."""
    lines = [line.strip() for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ImageDescriptionResult(title="", description="")
    title = lines[0].removeprefix("Title:").removeprefix("title:").strip().strip("*#").strip()
    body = "\n".join(lines[1:]).removeprefix("Description:").strip()
    return ImageDescriptionResult(title=title, description=body or title)


async def describe_image(config: OpenAIConfig, runtime: ModelRuntime, params: Any) -> ModelResponse:
    image = coerce_params(params, ImageDescriptionParams, "IMAGE_DESCRIPTION", string_field="image_url")
    model = config.model("IMAGE_DESCRIPTION_MODEL")
    call = config.call(model, "image description")
    content = [
        {"type": "text", "text": image.prompt or DEFAULT_IMAGE_PROMPT},
        {"type": "image_url", "image_url": {"url": image.image_url}},
    ]
    request: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": content}]}
    async with config.lease(runtime) as client:
        completion = await call.run(lambda: client.chat.completions.create(**request))
    text = completion_text(call, completion)
    return ModelResponse(split_title(text), completion_usage(completion.usage), completion.model or model)


async def text_to_speech(config: OpenAIConfig, runtime: ModelRuntime, params: Any) -> ModelResponse:
    speech = coerce_params(params, TextToSpeechParams, "TEXT_TO_SPEECH", string_field="text")
    model = config.model("TTS_MODEL")
    call = config.call(model, "text to speech")
    request: dict[str, Any] = {"model": model, "input": speech.text, "voice": speech.voice or config.model("TTS_VOICE")}
    if speech.speed is not None:
        request["speed"] = speech.speed
    async with config.lease(runtime) as client:

        async def synthesise() -> bytes:
            response = await client.audio.speech.create(**request)
            return response.content

        audio = await call.run(synthesise)
    return ModelResponse(audio, None, model)


async def _download(url: str, config: OpenAIConfig, model: str) -> bytes:
    call = config.call(model, f"audio download from {url}")

    def classify(exc: Exception) -> Failure | None:
        if isinstance(exc, httpx.HTTPStatusError):
            status = exc.response.status_code
            kind = FailureKind.SERVER if status >= 500 or status == 429 else FailureKind.REJECTED
            return Failure(kind, f"HTTP {status}")
        if isinstance(exc, httpx.TransportError):
            return Failure(FailureKind.CONNECTION, f"{type(exc).__name__}: {exc}")
        return None

    async def fetch() -> bytes:
        async with httpx.AsyncClient(timeout=config.policy.timeout_seconds) as http:
            response = await http.get(url)
            response.raise_for_status()
            return response.content

    return await replace(call, classify=classify).run(fetch)


async def transcribe(config: OpenAIConfig, runtime: ModelRuntime, params: Any) -> ModelResponse:
    """Speech to text from raw bytes, ``{"audio": bytes}`` or ``{"audio_url": url}`` (fetched first)."""
    model = config.model("TRANSCRIPTION_MODEL")
    if isinstance(params, bytes | bytearray):
        request = TranscriptionParams(audio=bytes(params))
    else:
        request = coerce_params(params, TranscriptionParams, "TRANSCRIPTION", string_field="audio_url")
    audio = request.audio
    if audio is None and request.audio_url:
        audio = await _download(request.audio_url, config, model)
    if not audio:
        raise InvalidInputError("TRANSCRIPTION needs audio bytes or an audio_url")
    call = config.call(model, "transcription")
    options: dict[str, Any] = {"model": model, "file": ("audio", audio)}
    if request.prompt:
        options["prompt"] = request.prompt
    async with config.lease(runtime) as client:
        transcription = await call.run(lambda: client.audio.transcriptions.create(**options))
    text = getattr(transcription, "text", None)
    if not isinstance(text, str):
        raise call.error(Failure(FailureKind.RESPONSE, "the answer holds no text"))
    return ModelResponse(text, _transcription_usage(getattr(transcription, "usage", None)), model)


def _transcription_usage(usage: Any) -> TokenUsage | None:
    if usage is None or getattr(usage, "type", None) != "tokens":
        return None
    return token_usage(usage.input_tokens, usage.output_tokens, usage.total_tokens)


async def generate_image(config: OpenAIConfig, runtime: ModelRuntime, params: Any) -> ModelResponse:
    """Images as ``[{"url": ...}]``; base64 answers become ``data:`` URLs."""
    image = coerce_params(params, ImageGenerationParams, "IMAGE", string_field="prompt")
    model = config.model("IMAGE_MODEL")
    call = config.call(model, "image generation")
    request: dict[str, Any] = {"model": model, "prompt": image.prompt, "n": image.count or 1}
    if image.size:
        request["size"] = image.size
    async with config.lease(runtime) as client:
        response = await call.run(lambda: client.images.generate(**request))
    images: list[Mapping[str, str]] = []
    for item in response.data or []:
        if item.url:
            images.append({"url": item.url})
        elif item.b64_json:
            images.append({"url": f"data:image/png;base64,{item.b64_json}"})
    if not images:
        raise call.error(Failure(FailureKind.RESPONSE, "the answer holds no image"))
    return ModelResponse(images, None, model)
