"""W8: 100 initialised, idle agents in one process sharing one SQLite database; RSS per agent."""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
import time

from bench._common import emit, result

AGENTS = 100


def current_rss_mb() -> float:
    """Resident set size now (not the peak), from /proc/self/statm."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


async def run(directory: str) -> tuple[float, float, float]:
    from pyeliza import Character, ElizaOS
    from pyeliza.plugins.bootstrap import bootstrap_plugin
    from pyeliza.plugins.classic import classic_plugin
    from pyeliza.plugins.local import local_plugin
    from pyeliza.runtime import AgentConfig

    plugins = [bootstrap_plugin, classic_plugin, local_plugin]
    async with ElizaOS(f"sqlite:///{os.path.join(directory, 'w8.db')}") as eliza:
        await eliza.add_agents([AgentConfig(Character(name="warm-up", bio="W8"), plugins=plugins)], auto_start=True)
        gc.collect()
        before = current_rss_mb()
        started = time.perf_counter()
        configs = [AgentConfig(Character(name=f"agent-{i}", bio="W8"), plugins=plugins) for i in range(AGENTS)]
        await eliza.add_agents(configs, auto_start=True)
        seconds = time.perf_counter() - started
        assert sum(r.is_initialized for r in eliza.get_agents()) == AGENTS + 1
        await asyncio.sleep(0.5)
        gc.collect()
        after = current_rss_mb()
    return seconds, before, after


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pyeliza-w8-") as directory:
        seconds, before, after = asyncio.run(run(directory))
    per_agent = (after - before) / AGENTS
    emit(
        result(
            "W8",
            AGENTS,
            seconds,
            "sqlite shared by all agents (one ElizaOS), plugins bootstrap+classic+local, services running; "
            "rss_per_agent_mb = (RSS after - RSS before the 100 agents) / 100, measured after one warm-up agent",
            rss_per_agent_mb=round(per_agent, 4),
            rss_before_mb=round(before, 1),
            rss_after_mb=round(after, 1),
        )
    )


if __name__ == "__main__":
    main()
