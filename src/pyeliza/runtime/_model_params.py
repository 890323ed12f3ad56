"""Turning what callers pass to ``use_model`` into the typed parameters of each model type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InvalidInputError
from ..types import (
    TEXT_MODEL_TYPES,
    GenerateTextParams,
    ImageDescriptionParams,
    ImageGenerationParams,
    ModelType,
    ObjectGenerationParams,
    TextEmbeddingParams,
    TextToSpeechParams,
    TranscriptionParams,
)

MODEL_PARAMETER_SETTINGS: tuple[tuple[str, str, str | None], ...] = (
    ("max_tokens", "MAX_TOKENS", "MODEL_MAX_TOKEN"),
    ("temperature", "TEMPERATURE", "MODEL_TEMPERATURE"),
    ("top_p", "TOP_P", None),
    ("top_k", "TOP_K", None),
    ("min_p", "MIN_P", None),
    ("seed", "SEED", None),
    ("repetition_penalty", "REPETITION_PENALTY", None),
    ("frequency_penalty", "FREQUENCY_PENALTY", "MODEL_FREQ_PENALTY"),
    ("presence_penalty", "PRESENCE_PENALTY", "MODEL_PRESENCE_PENALTY"),
)
"""(field of GenerateTextParams, setting suffix, legacy setting) for the text-model settings merge."""

_INTEGER_FIELDS = frozenset({"max_tokens", "top_k", "seed"})

_STRING_FIELD: dict[str, str] = {
    ModelType.TEXT_EMBEDDING: "text",
    ModelType.IMAGE: "prompt",
    ModelType.IMAGE_DESCRIPTION: "image_url",
    ModelType.TRANSCRIPTION: "audio_url",
    ModelType.TEXT_TO_SPEECH: "text",
    ModelType.OBJECT_SMALL: "prompt",
    ModelType.OBJECT_LARGE: "prompt",
}

_PARAM_CLASSES: dict[str, type[BaseModel]] = {
    ModelType.TEXT_EMBEDDING: TextEmbeddingParams,
    ModelType.IMAGE: ImageGenerationParams,
    ModelType.IMAGE_DESCRIPTION: ImageDescriptionParams,
    ModelType.TRANSCRIPTION: TranscriptionParams,
    ModelType.TEXT_TO_SPEECH: TextToSpeechParams,
    ModelType.OBJECT_SMALL: ObjectGenerationParams,
    ModelType.OBJECT_LARGE: ObjectGenerationParams,
}

_CALLBACK_KEYS = ("on_stream_chunk", "onStreamChunk")

_ParamsT = TypeVar("_ParamsT", bound=BaseModel)


def is_text_model(model_key: str) -> bool:
    return model_key in TEXT_MODEL_TYPES


def pop_stream_callback(params: Any) -> tuple[Any, Any]:
    """Split an ``on_stream_chunk`` callback off dict params (handlers never see it)."""
    if not isinstance(params, Mapping):
        return params, None
    rest = dict(params)
    callback = None
    for key in _CALLBACK_KEYS:
        value = rest.pop(key, None)
        if value is not None:
            callback = value
    return rest, callback


def _validate(cls: type[_ParamsT], data: Any, model_key: str) -> _ParamsT:
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors())
        raise InvalidInputError(f"invalid parameters for model {model_key}: {problems}") from exc


def to_text_params(params: Any, model_key: str) -> GenerateTextParams:
    if isinstance(params, GenerateTextParams):
        return params.model_copy()
    if isinstance(params, str):
        return GenerateTextParams(prompt=params)
    if isinstance(params, Mapping):
        return _validate(GenerateTextParams, dict(params), model_key)
    raise InvalidInputError(
        f"model {model_key} expects a prompt string or GenerateTextParams, got {type(params).__name__}"
    )


def to_typed_params(params: Any, model_key: str) -> Any:
    """The typed parameters a non-text handler receives; unknown model types get ``params`` unchanged."""
    cls = _PARAM_CLASSES.get(model_key)
    if cls is None or params is None or isinstance(params, cls):
        return params
    if isinstance(params, str):
        return _validate(cls, {_STRING_FIELD[model_key]: params}, model_key)
    if isinstance(params, bytes | bytearray) and cls is TranscriptionParams:
        return TranscriptionParams(audio=bytes(params))
    if isinstance(params, Mapping):
        return _validate(cls, dict(params), model_key)
    raise InvalidInputError(f"model {model_key} cannot take parameters of type {type(params).__name__}")


def text_model_settings(model_key: str, number_setting: Callable[[str], float | None]) -> dict[str, Any]:
    """The configured value of each text parameter of ``model_key``: ``<MODEL>_<PARAM>``, then ``DEFAULT_<PARAM>``,
    then the legacy name; parameters with no setting are left out."""
    found: dict[str, Any] = {}
    for field, suffix, legacy in MODEL_PARAMETER_SETTINGS:
        keys = [f"{model_key}_{suffix}", f"DEFAULT_{suffix}"]
        if legacy:
            keys.append(legacy)
        for key in keys:
            value = number_setting(key)
            if value is not None:
                found[field] = int(value) if field in _INTEGER_FIELDS else value
                break
    return found


def merge_text_settings(params: GenerateTextParams, configured: Mapping[str, Any], user: str) -> GenerateTextParams:
    """Fill unset fields from ``configured`` (``text_model_settings``); caller values win."""
    updates: dict[str, Any] = {field: value for field, value in configured.items() if getattr(params, field) is None}
    if params.user is None:
        updates["user"] = user
    return params.model_copy(update=updates) if updates else params


def prompt_of(params: Any) -> str | None:
    """The prompt text of a call (``prompt``, then ``input``, then the messages as JSON-ish text)."""
    if isinstance(params, BaseModel):
        prompt = getattr(params, "prompt", None)
        return prompt if isinstance(prompt, str) else None
    if isinstance(params, str):
        return params
    if isinstance(params, Mapping):
        for key in ("prompt", "input"):
            value = params.get(key)
            if isinstance(value, str):
                return value
        messages = params.get("messages")
        if isinstance(messages, list):
            return str(messages)
    return None
