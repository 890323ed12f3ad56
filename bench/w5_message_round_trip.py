"""W5: full round trips (user message in -> stored reply out) through runtime.message_service with stub models.

Part 1: 500 messages one after the other in one DM room (CPU per message from ``time.process_time()``).
Part 2: 20 rooms x 25 messages, the rooms concurrently and each room's messages in order.
"""

from __future__ import annotations

import asyncio
import os
import resource
import tempfile
import time

from bench._agent import bench_runtime
from bench._common import emit, percentile, result

SEQUENTIAL = 500
ROOMS = 20
PER_ROOM = 25


async def sequential(directory: str) -> dict[str, object]:
    from pyeliza.testing import Conversation

    async with bench_runtime(directory) as runtime:
        conv = await Conversation.start(runtime, user_name="Bench User")
        for n in range(10):  # warm-up
            await conv.say(f"warm-up {n}")
        samples: list[float] = []
        loop_started = resource.getrusage(resource.RUSAGE_THREAD)
        cpu_started, began = time.process_time(), time.perf_counter()
        for n in range(SEQUENTIAL):
            t0 = time.perf_counter()
            reply = await conv.say(f"message number {n}")
            samples.append((time.perf_counter() - t0) * 1000)
            assert reply == "ok", reply
        seconds = time.perf_counter() - began
        cpu_ms = (time.process_time() - cpu_started) * 1000 / SEQUENTIAL
        loop_ended = resource.getrusage(resource.RUSAGE_THREAD)
        loop_cpu_s = (loop_ended.ru_utime + loop_ended.ru_stime) - (loop_started.ru_utime + loop_started.ru_stime)
        return result(
            "W5",
            SEQUENTIAL,
            seconds,
            "sqlite; bootstrap + stub models (simple REPLY 'ok'); sequential in one DM room; reply stored by the "
            "pipeline; incoming-message embeddings queued in the background (included in CPU)",
            p50_ms=round(percentile(samples, 50), 3),
            p99_ms=round(percentile(samples, 99), 3),
            cpu_ms_per_msg=round(cpu_ms, 3),
            loop_thread_cpu_ms_per_msg=round(loop_cpu_s * 1000 / SEQUENTIAL, 3),
            load_avg=round(os.getloadavg()[0], 2),
        )


async def concurrent(directory: str) -> dict[str, object]:
    from pyeliza.testing import Conversation

    async with bench_runtime(directory) as runtime:
        rooms = [await Conversation.start(runtime, user_name=f"user {n}") for n in range(ROOMS)]
        for conv in rooms:
            await conv.say("warm-up")

        async def talk(conv: Conversation) -> list[float]:
            latencies = []
            for n in range(PER_ROOM):
                t0 = time.perf_counter()
                reply = await conv.say(f"message number {n}")
                latencies.append((time.perf_counter() - t0) * 1000)
                assert reply == "ok", reply
            return latencies

        cpu_started, began = time.process_time(), time.perf_counter()
        per_room = await asyncio.gather(*(talk(conv) for conv in rooms))
        seconds = time.perf_counter() - began
        samples = [latency for room in per_room for latency in room]
        total = ROOMS * PER_ROOM
        return result(
            "W5",
            total,
            seconds,
            f"sqlite; {ROOMS} DM rooms x {PER_ROOM} messages concurrently (each room in order); stub models",
            p50_ms=round(percentile(samples, 50), 3),
            p99_ms=round(percentile(samples, 99), 3),
            cpu_ms_per_msg=round((time.process_time() - cpu_started) * 1000 / total, 3),
            mode="concurrent",
            load_avg=round(os.getloadavg()[0], 2),
        )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pyeliza-w5-") as directory:
        emit(asyncio.run(sequential(directory)))
    with tempfile.TemporaryDirectory(prefix="pyeliza-w5c-") as directory:
        emit(asyncio.run(concurrent(directory)))


if __name__ == "__main__":
    main()
