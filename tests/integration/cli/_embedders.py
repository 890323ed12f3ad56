"""A 512-dimension embedding plugin importable by dotted path (the re-embed test switches models with it)."""

from __future__ import annotations

import hashlib
from typing import Any

from pyeliza.types import ModelType, Plugin, TextEmbeddingParams

WIDE_DIMENSION = 512


async def _wide_embedding(runtime: Any, params: TextEmbeddingParams | None) -> list[float]:
    text = params.text if params is not None else ""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [((digest[i % len(digest)] + i) % 17 + 1) / 17.0 for i in range(WIDE_DIMENSION)]


wide_embedding_plugin = Plugin(name="wide-embedding", models={ModelType.TEXT_EMBEDDING: _wide_embedding}, priority=1000)
