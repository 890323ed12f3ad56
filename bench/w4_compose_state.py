"""W4: compose_state(message) with the default bootstrap providers in a room holding 50 prior messages, skip_cache."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time

from bench._agent import bench_runtime
from bench._common import emit, percentile, result

PRIOR_MESSAGES = 50
N = 500


async def run(directory: str) -> dict[str, object]:
    from pyeliza.testing import Conversation
    from pyeliza.types import Content, Memory, new_uuid, now_ms

    async with bench_runtime(directory) as runtime:
        conv = await Conversation.start(runtime, channel_type="GROUP", user_name="Bench User")
        adapter = runtime.adapter
        start = now_ms() - PRIOR_MESSAGES * 1000
        for n in range(PRIOR_MESSAGES):
            author = conv.user_id if n % 2 == 0 else runtime.agent_id
            await adapter.create_memory(
                Memory(
                    id=new_uuid(),
                    entity_id=author,
                    agent_id=runtime.agent_id,
                    room_id=conv.room_id,
                    content=Content(text=f"prior message {n} about the weather and the sea", source="bench"),
                    created_at=start + n * 1000,
                ),
                "messages",
            )
        message = conv.message("What do you think about the sea today?")
        for _ in range(20):  # warm-up
            await runtime.compose_state(message, skip_cache=True)
        samples: list[float] = []
        cpu_started, began = time.process_time(), time.perf_counter()
        for _ in range(N):
            t0 = time.perf_counter()
            await runtime.compose_state(message, skip_cache=True)
            samples.append((time.perf_counter() - t0) * 1000)
        seconds = time.perf_counter() - began
        cpu_ms = (time.process_time() - cpu_started) * 1000 / N
        providers = [p.name for p in runtime.providers if not p.dynamic and not p.private]
        return result(
            "W4",
            N,
            seconds,
            f"sqlite; bootstrap default providers ({len(providers)}: {','.join(providers)}); GROUP room with "
            f"{PRIOR_MESSAGES} prior messages; skip_cache",
            p50_ms=round(percentile(samples, 50), 3),
            p99_ms=round(percentile(samples, 99), 3),
            cpu_ms_per_compose=round(cpu_ms, 3),
            load_avg=round(os.getloadavg()[0], 2),
        )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pyeliza-w4-") as directory:
        emit(asyncio.run(run(directory)))


if __name__ == "__main__":
    main()
