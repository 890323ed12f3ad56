"""W1 cold start: construct a runtime, initialize() it with the default plugins on a fresh SQLite file, stop().

Every measured run is a new Python process, so nothing is cached: ``import_s`` is the time to import pyeliza and
the default plugins, ``seconds`` (and p50/p99) the time from the constructor to the end of ``stop()`` on a fresh
file (core migrations included, and any module the first initialise imports lazily), ``restart_*`` the same
on the file the previous run left behind (an agent restarting on its existing database). ``warm_in_process_ms``
is a second runtime on a fresh file in an already-warm process, for comparison with the older numbers.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench._common import emit, percentile, result, rss_mb

RUNS = 7


async def _construct_initialize_stop() -> tuple[float, float]:
    from pyeliza import AgentRuntime, Character
    from pyeliza.plugins.bootstrap import bootstrap_plugin
    from pyeliza.plugins.classic import classic_plugin
    from pyeliza.plugins.local import local_plugin
    from pyeliza.plugins.sql import sql_plugin

    started = time.perf_counter()
    runtime = AgentRuntime(
        Character(name="Cold Start", bio="W1"), plugins=[sql_plugin, bootstrap_plugin, classic_plugin, local_plugin]
    )
    await runtime.initialize()
    ready = time.perf_counter()
    await runtime.stop()
    return ready - started, time.perf_counter() - started


def child() -> None:
    """One measurement in this fresh process; ``PYELIZA_DATA_DIR`` names the database directory."""
    started = time.perf_counter()
    import pyeliza.plugins.bootstrap
    import pyeliza.plugins.classic
    import pyeliza.plugins.local
    import pyeliza.plugins.sql  # noqa: F401

    import_seconds = time.perf_counter() - started
    ready, whole = asyncio.run(_construct_initialize_stop())
    sqlalchemy_loaded = "sqlalchemy" in sys.modules
    line = {
        "import_s": import_seconds,
        "ready_s": ready,
        "total_s": whole,
        "sqlalchemy": sqlalchemy_loaded,
        "rss_mb": rss_mb(),
    }
    if len(sys.argv) > 2 and sys.argv[2] == "--warm":
        with tempfile.TemporaryDirectory(prefix="pyeliza-w1-warm-") as directory:
            os.environ["PYELIZA_DATA_DIR"] = directory
            line["warm_s"] = asyncio.run(_construct_initialize_stop())[1]
    sys.stdout.write(json.dumps(line) + "\n")


def _measure(directory: str, *flags: str) -> dict[str, float]:
    env = {**os.environ, "PYELIZA_DATA_DIR": directory}
    output = subprocess.run(
        [sys.executable, "-m", "bench.w1_cold_start", "--child", *flags],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    parsed: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return parsed


def main() -> None:
    fresh: list[dict[str, float]] = []
    restart: list[dict[str, float]] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="pyeliza-w1-") as directory:
            fresh.append(_measure(directory, "--warm"))
            restart.append(_measure(directory))
    totals = [r["total_s"] for r in fresh]
    ready_ms = [r["ready_s"] * 1000 for r in fresh]
    line = result(
        "W1",
        RUNS,
        statistics.median(totals),
        "sqlite, plugins sql+bootstrap+classic+local, a new process per run: seconds = median "
        "construct->initialize->stop on a fresh file (core migrations and lazy imports included); "
        "import_s separate; restart_* = same on the file a previous run migrated",
        p50_ms=round(statistics.median(ready_ms), 2),
        p99_ms=round(percentile(ready_ms, 99), 2),
        first_run_s=round(totals[0], 4),
        import_s=round(statistics.median(r["import_s"] for r in fresh), 4),
        restart_s=round(statistics.median(r["total_s"] for r in restart), 4),
        restart_p50_ms=round(statistics.median(r["ready_s"] * 1000 for r in restart), 2),
        warm_in_process_ms=round(statistics.median(r["warm_s"] * 1000 for r in fresh), 2),
        sqlalchemy_imported_on_restart=any(bool(r["sqlalchemy"]) for r in restart),
    )
    line["rss_mb"] = round(statistics.median(r["rss_mb"] for r in fresh), 1)  # the measured processes' peak
    emit(line)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child()
    else:
        main()
