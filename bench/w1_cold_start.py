"""W1 cold start: construct a runtime, initialize() it with the default plugins on a fresh SQLite file, stop()."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time

from bench._common import emit, result

RUNS = 5


async def one_run(directory: str) -> tuple[float, float]:
    from pyeliza import AgentRuntime, Character
    from pyeliza.plugins.bootstrap import bootstrap_plugin
    from pyeliza.plugins.classic import classic_plugin
    from pyeliza.plugins.local import local_plugin
    from pyeliza.plugins.sql import sql_plugin

    os.environ["PYELIZA_DATA_DIR"] = directory
    started = time.perf_counter()
    runtime = AgentRuntime(
        Character(name="Cold Start", bio="W1"), plugins=[sql_plugin, bootstrap_plugin, classic_plugin, local_plugin]
    )
    await runtime.initialize()
    ready = time.perf_counter()
    await runtime.stop()
    return ready - started, time.perf_counter() - started


def main() -> None:
    import_started = time.perf_counter()  # import cost is reported separately (import_s)
    import pyeliza.plugins.bootstrap
    import pyeliza.plugins.classic
    import pyeliza.plugins.local
    import pyeliza.plugins.sql  # noqa: F401

    import_seconds = time.perf_counter() - import_started
    to_ready: list[float] = []
    total: list[float] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="pyeliza-w1-") as directory:
            ready, whole = asyncio.run(one_run(directory))
        to_ready.append(ready)
        total.append(whole)
    emit(
        result(
            "W1",
            RUNS,
            statistics.median(total),
            "sqlite (fresh file per run, core + plugin migrations), plugins sql+bootstrap+classic+local; "
            "seconds = median construct->initialize->stop; first run included",
            p50_ms=round(statistics.median(to_ready) * 1000, 2),
            p99_ms=round(max(to_ready) * 1000, 2),
            first_run_s=round(total[0], 4),
            import_s=round(import_seconds, 4),
        )
    )


if __name__ == "__main__":
    main()
