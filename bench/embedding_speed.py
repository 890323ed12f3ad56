"""Sentences per second of the local hashed n-gram embedding (``python -m bench.embedding_speed``)."""

from __future__ import annotations

import random
import time

from bench._common import emit, percentile, result
from pyeliza.plugins.local import embed_text

WORDS = [
    "agent",
    "memory",
    "room",
    "message",
    "reply",
    "model",
    "provider",
    "embedding",
    "vector",
    "search",
    "weather",
    "train",
    "music",
    "friend",
    "coffee",
    "morning",
    "evening",
    "project",
    "deadline",
    "meeting",
    "garden",
    "river",
    "mountain",
    "city",
    "market",
    "price",
    "story",
]


def _sentences(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18))) + f" {i}" for i in range(count)]


def main(count: int = 20_000) -> None:
    sentences = _sentences(count)
    samples: list[float] = []
    started = time.perf_counter()
    for sentence in sentences:
        begin = time.perf_counter()
        embed_text(sentence)
        samples.append((time.perf_counter() - begin) * 1000)
    seconds = time.perf_counter() - started
    line = result("embedding_speed", count, seconds, "local hashed n-gram embedding, 384 dims, 6-18 words")
    line.update(p50_ms=round(percentile(samples, 50), 4), p99_ms=round(percentile(samples, 99), 4))
    emit(line)


if __name__ == "__main__":
    main()
