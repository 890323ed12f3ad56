"""Shared pieces of the workload harness: the stub models, timing, percentiles and the result line."""

from __future__ import annotations

import hashlib
import json
import resource
import statistics
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

IMPL = "pyeliza"
STUB_DIMENSION = 384


def stub_embedding(text: str | None) -> list[float]:
    """Deterministic 384-dim unit vector seeded from sha256(text); empty or missing text gives zeros."""
    if not text:
        return [0.0] * STUB_DIMENSION
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(STUB_DIMENSION)
    vector /= np.linalg.norm(vector)
    return [float(x) for x in vector]


def rss_mb() -> float:
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def percentile(samples: Sequence[float], pct: float) -> float:
    if not samples:
        return 0.0
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[max(0, min(98, int(pct) - 1))]


def result(workload: str, n: int, seconds: float, notes: str, **extra: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "impl": IMPL,
        "workload": workload,
        "n": n,
        "seconds": round(seconds, 4),
        "ops_per_s": round(n / seconds, 1) if seconds > 0 else None,
        "rss_mb": round(rss_mb(), 1),
        "notes": notes,
    }
    line.update(extra)
    return line


def emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
