"""The ``local`` plugin: offline TEXT_EMBEDDING from hashed n-grams, the fallback when no provider embeds."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyeliza.errors import InvalidInputError
from pyeliza.types import ModelType, Plugin, TextEmbeddingParams

from .hashed_embedding import DIMENSION, embed_text

if TYPE_CHECKING:
    from pyeliza.runtime import AgentRuntime

LOCAL_PRIORITY = -100
THREAD_THRESHOLD_CHARS = 2_000
"""Texts longer than this are embedded on a worker thread so the event loop stays responsive."""


def embedding_text(params: Any) -> str:
    """The text to embed from any accepted parameter form (``None`` is the runtime's dimension probe)."""
    if params is None:
        return ""
    if isinstance(params, str):
        return params
    if isinstance(params, TextEmbeddingParams):
        return params.text
    if isinstance(params, Mapping):
        text = params.get("text")
        if text is None or isinstance(text, str):
            return text or ""
    raise InvalidInputError(f"TEXT_EMBEDDING expects a string, {{'text': str}} or None, got {type(params).__name__}")


async def local_text_embedding(runtime: AgentRuntime, params: Any) -> list[float]:
    """A 384-dimension lexical embedding; empty text gives the zero vector."""
    text = embedding_text(params)
    if len(text) > THREAD_THRESHOLD_CHARS:
        vector = await asyncio.to_thread(embed_text, text, DIMENSION)
    else:
        vector = embed_text(text, DIMENSION)
    return [float(value) for value in vector]


local_plugin = Plugin(
    name="local",
    description="Offline 384-dimension embeddings from hashed word and character n-grams (no model download)",
    models={ModelType.TEXT_EMBEDDING: local_text_embedding},
    priority=LOCAL_PRIORITY,
)
