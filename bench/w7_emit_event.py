"""W7: emit_event("bench", params) x 100,000 with 3 no-op async handlers (no database needed)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench._common import emit, result

N = 100_000
ROUNDS = 3


async def run() -> float:
    from pyeliza import AgentRuntime, Character

    runtime = AgentRuntime(Character(name="Emitter", bio="W7"))

    async def handler(payload: dict[str, Any]) -> None:
        return None

    for _ in range(3):
        runtime.register_event("bench", handler)
    params = {"value": 1}
    emit_event = runtime.emit_event
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(N):
            await emit_event("bench", params)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    seconds = asyncio.run(run())
    emit(result("W7", N, seconds, f"3 no-op async handlers, sequential awaits; best of {ROUNDS} rounds"))


if __name__ == "__main__":
    main()
