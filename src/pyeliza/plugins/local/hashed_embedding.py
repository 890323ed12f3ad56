"""A deterministic lexical embedding: signed feature hashing of words, word pairs and character n-grams.

Not semantic, but stable across processes and machines (blake2b, never Python's salted ``hash``), fast, and
good enough to rank paraphrases that share words or word stems above unrelated text.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from pyeliza.prompts.bm25 import STOP_WORDS

DIMENSION = 384
_WORD = re.compile(r"\w+", re.UNICODE)
_CHAR_NGRAM_SIZES = (3, 4, 5)
_UNIGRAM_WEIGHT = 1.0
_BIGRAM_WEIGHT = 0.6
_CHAR_WEIGHT = 0.35
_WORD_CACHE_SIZE = 65_536

FloatArray = npt.NDArray[np.float32]


def _feature_hash(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")


def _bucket(hashed: int, dimension: int) -> tuple[int, float]:
    return hashed % dimension, 1.0 if (hashed >> 63) & 1 else -1.0


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _word_features(word: str, dimension: int) -> tuple[tuple[int, float, float], ...]:
    """(index, sign, weight) of a word's unigram and character n-grams; words repeat, so this is cached."""
    features: list[tuple[int, float, float]] = []
    index, sign = _bucket(_feature_hash("w:" + word), dimension)
    features.append((index, sign, _UNIGRAM_WEIGHT))
    padded = f"<{word}>"
    for size in _CHAR_NGRAM_SIZES:
        for start in range(max(1, len(padded) - size + 1)):
            index, sign = _bucket(_feature_hash("c:" + padded[start : start + size]), dimension)
            features.append((index, sign, _CHAR_WEIGHT))
    return tuple(features)


def words_of(text: str) -> list[str]:
    """Lowercased words without stop words (all words when the text has nothing else)."""
    words = _WORD.findall(text.lower())
    content = [word for word in words if word not in STOP_WORDS]
    return content or words


def embed_text(text: str | None, dimension: int = DIMENSION) -> FloatArray:
    """The L2-normalised embedding of ``text``; empty or missing text gives the zero vector."""
    vector = np.zeros(dimension, dtype=np.float32)
    if not text:
        return vector
    words = words_of(text)
    if not words:
        return vector
    counts: dict[tuple[int, float], float] = {}
    for word in words:
        for index, sign, weight in _word_features(word, dimension):
            counts[(index, sign)] = counts.get((index, sign), 0.0) + weight
    for first, second in itertools.pairwise(words):
        index, sign = _bucket(_feature_hash(f"b:{first} {second}"), dimension)
        counts[(index, sign)] = counts.get((index, sign), 0.0) + _BIGRAM_WEIGHT
    for (index, sign), weight in counts.items():
        vector[index] += sign * (weight if weight <= 1.0 else 1.0 + math.log(weight))
    norm = float(np.linalg.norm(vector))
    if norm > 0:
        vector /= norm
    return vector


def embed_texts(texts: Iterable[str | None], dimension: int = DIMENSION) -> FloatArray:
    """Embeddings of many texts as one ``(n, dimension)`` array."""
    rows = [embed_text(text, dimension) for text in texts]
    return np.stack(rows) if rows else np.zeros((0, dimension), dtype=np.float32)


def cosine_similarity(first: Sequence[float] | FloatArray, second: Sequence[float] | FloatArray) -> float:
    a = np.asarray(first, dtype=np.float32)
    b = np.asarray(second, dtype=np.float32)
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denominator if denominator else 0.0
