"""The task service on real SQLite: one-shot, repeating, failing tasks, and two runtimes sharing a database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.postgres import scratch_database

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.storage import Database, open_database
from pyeliza.testing import runtime_for_test, stub_embedding
from pyeliza.types import Character, ModelType, Plugin, Task, TaskWorker, string_to_uuid

FAST = {"PYELIZA_TASK_TICK_MS": "20", "PYELIZA_TASK_RETRY_BASE_MS": "10", "PYELIZA_RECOVER_ON_START": "false"}
CHARACTER = Character(name="Tasker", bio="Runs tasks.")


async def _until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.01)


def _worker(name: str, runs: list[str], owner: str, *, fail: bool = False, delay: float = 0.0) -> Plugin:
    async def execute(runtime: AgentRuntime, options: dict[str, Any], task: Task) -> None:
        runs.append(owner)
        if delay:
            await asyncio.sleep(delay)
        if fail:
            raise ValueError(f"{name} failed on purpose")

    return Plugin(name=f"workers-{owner}", task_workers=[TaskWorker(name=name, execute=execute)])


async def test_one_shot_task_runs_once_and_is_deleted() -> None:
    runs: list[str] = []
    async with runtime_for_test(CHARACTER, [bootstrap_plugin, _worker("once", runs, "a")], settings=FAST) as rt:
        task_id = await rt.create_task(Task(name="once", tags=["queue"], metadata={}))

        async def gone() -> bool:
            return await rt.get_task(task_id) is None

        await _until(gone)
        assert runs == ["a"]


async def test_repeat_task_runs_on_its_interval() -> None:
    runs: list[str] = []
    async with runtime_for_test(CHARACTER, [bootstrap_plugin, _worker("beat", runs, "a")], settings=FAST) as rt:
        task_id = await rt.create_task(
            Task(name="beat", tags=["queue", "repeat", "immediate"], metadata={"updateInterval": 50})
        )

        async def three_runs() -> bool:
            return len(runs) >= 3

        await _until(three_runs)
        task = await rt.get_task(task_id)
        assert task is not None and task.metadata["updatedAt"] >= task.metadata.get("lastRunAt", 0) > 0


async def test_failing_one_shot_task_backs_off_then_is_marked_failed() -> None:
    runs: list[str] = []
    plugins = [bootstrap_plugin, _worker("flaky", runs, "a", fail=True)]
    async with runtime_for_test(CHARACTER, plugins, settings=FAST) as rt:
        task_id = await rt.create_task(Task(name="flaky", tags=["queue"], metadata={}))

        async def failed() -> bool:
            task = await rt.get_task(task_id)
            return task is not None and "failed" in task.tags

        await _until(failed)
        task = await rt.get_task(task_id)
        assert task is not None and "queue" not in task.tags
        assert task.metadata["attempts"] == 5 and "failed on purpose" in task.metadata["lastError"]
        await asyncio.sleep(0.1)
        assert len(runs) == 5  # no more attempts once failed


def _runtime(database: Database, owner: str, runs: list[str]) -> AgentRuntime:
    embeddings = Plugin(name="stub-embedding", models={ModelType.TEXT_EMBEDDING: stub_embedding})
    plugins = [bootstrap_plugin, embeddings, _worker("slow", runs, owner, delay=0.1)]
    agent_id = string_to_uuid(CHARACTER.name)
    return AgentRuntime(CHARACTER, plugins=plugins, adapter=database.adapter(agent_id), settings=FAST)


@pytest.fixture(params=["sqlite", "postgres"])
async def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return await scratch_database(str(request.getfixturevalue("postgres_url")))


async def test_two_runtimes_sharing_a_database_run_each_task_once(shared_url: str) -> None:
    runs: list[str] = []
    async with open_database(shared_url) as database:
        first, second = _runtime(database, "first", runs), _runtime(database, "second", runs)
        async with first, second:
            ids = [await first.create_task(Task(name="slow", tags=["queue"], metadata={})) for _ in range(6)]

            async def all_gone() -> bool:
                return all([await second.get_task(task_id) is None for task_id in ids])

            await _until(all_gone)
            await asyncio.sleep(0.1)
    assert len(runs) == 6


async def test_ticks_never_overlap_even_with_a_slow_repeating_task() -> None:
    running = 0
    most = 0
    runs = 0

    async def execute(runtime: AgentRuntime, options: dict[str, Any], task: Task) -> None:
        nonlocal running, most, runs
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.1)  # five ticks long
        running -= 1
        runs += 1

    slow = Plugin(name="slow-worker", task_workers=[TaskWorker(name="slow-beat", execute=execute)])
    async with runtime_for_test(CHARACTER, [bootstrap_plugin, slow], settings=FAST) as rt:
        await rt.create_task(
            Task(name="slow-beat", tags=["queue", "repeat", "immediate"], metadata={"updateInterval": 0})
        )

        async def three_runs() -> bool:
            return runs >= 3

        await _until(three_runs)
    assert most == 1
