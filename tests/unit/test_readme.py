"""The README's quick start, the snippets of docs/plugins.md and examples/weather_plugin.py really run."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.plugins.classic import classic_plugin
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_reply
from pyeliza.types import EventType, Memory, ModelType, RouteRequest, Task, create_message_memory

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PLUGINS_DOC = ROOT / "docs" / "plugins.md"
WEATHER_EXAMPLE = ROOT / "examples" / "weather_plugin.py"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
SETTINGS_THAT_CHANGE_THE_SETUP = ("POSTGRES_URL", "PYELIZA_DATABASE_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")
RUN_TIMEOUT_S = 120


def python_blocks(markdown: str) -> list[str]:
    return PYTHON_BLOCK.findall(markdown)


def quick_start_code() -> str:
    section = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    blocks = python_blocks(section)
    assert blocks, "README.md has no python block under '## Quick start'"
    return blocks[0]


def offline_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_THAT_CHANGE_THE_SETUP}
    env["PYELIZA_DATA_DIR"] = str(data_dir)
    return env


def run_python(script: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)],
        env=offline_env(data_dir),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def test_quick_start_prints_a_reply_and_keeps_its_data_in_the_data_dir(tmp_path: Path) -> None:
    script = tmp_path / "quick_start.py"
    script.write_text(quick_start_code(), encoding="utf-8")
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    done = run_python(script, data_dir)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), f"no reply printed; stderr:\n{done.stderr}"
    assert (data_dir / "pyeliza.db").is_file()
    assert not (data_dir / ".pyeliza").exists()


def test_quick_start_is_short() -> None:
    lines = [line for line in quick_start_code().splitlines() if line.strip()]
    assert len(lines) <= 40, f"the quick start grew to {len(lines)} lines"


def test_weather_example_runs_as_a_script(tmp_path: Path) -> None:
    done = run_python(WEATHER_EXAMPLE, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "agent: Forecast for Porto:" in done.stdout
    assert "forecasts stored: 1" in done.stdout


async def test_plugins_doc_snippets_run_in_order() -> None:
    namespace: dict[str, Any] = {"__name__": "plugins_doc"}
    blocks = python_blocks(PLUGINS_DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 10
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"docs/plugins.md python block {number}", "exec"), namespace)

    await namespace["test_forecast_action"]()
    async with runtime_for_test(plugins=[namespace["shouting_plugin"]]) as runtime:
        assert await namespace["stream_a_shout"](runtime) == "HELLO THERE "
        logs = await runtime.get_logs(type="useModel:TEXT_LARGE")
        assert logs[0].body["usage"]["promptTokens"] == 2
    schema_plugin = namespace["Plugin"](name="weather-doc", schema=namespace["weather_schema"])
    async with runtime_for_test(plugins=[schema_plugin]) as runtime:
        await namespace["save_report"](runtime, "Porto", "rainy")
        assert await namespace["count_reports"](runtime) == 1
        task_id = await namespace["schedule_refresh"](runtime)
        task = await runtime.get_task(task_id)
        assert task is not None
        await namespace["refresh"](runtime, dict(task.metadata), task)
        assert await runtime.get_cache("weather:refreshed:Porto") is True


def load_weather_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("weather_plugin_example", WEATHER_EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module's annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def weather() -> AsyncIterator[tuple[ModuleType, Any]]:
    module = load_weather_example()
    planner = ScriptedModel([xml_reply(actions=["GET_FORECAST"])])
    async with runtime_for_test(
        plugins=[bootstrap_plugin, classic_plugin, module.weather_plugin],
        models={ModelType.TEXT_LARGE: planner},
        settings={"WEATHER_DEFAULT_CITY": "Faro"},
    ) as runtime:
        yield module, runtime


async def test_weather_action_replies_stores_a_report_and_remembers_the_city(
    weather: tuple[ModuleType, Any],
) -> None:
    module, runtime = weather
    conversation = await Conversation.start(runtime)

    reply = await conversation.say("Is it going to rain in Braga?")

    assert reply is not None and reply.startswith("Forecast for Braga: ")
    assert await module.count_reports(runtime) == 1
    assert await runtime.get_cache(f"weather:last-city:{conversation.room_id}") == "Braga"
    assert runtime.get_typed_service(module.WEATHER_SERVICE, module.WeatherService).messages_seen == 1


async def test_weather_providers_default_city_and_dynamic_provider(weather: tuple[ModuleType, Any]) -> None:
    _, runtime = weather
    conversation = await Conversation.start(runtime)
    message: Memory = create_message_memory(
        entity_id=conversation.user_id, room_id=conversation.room_id, content={"text": "hello"}
    )

    default_state = await runtime.compose_state(message, skip_cache=True)
    asked_state = await runtime.compose_state(message, ["WEATHER_REPORTS"], skip_cache=True)

    assert default_state.values["weatherCity"] == "Faro"
    assert "reports" not in default_state.values
    assert asked_state.values["reports"] == 0


async def test_weather_route_task_worker_and_schema(weather: tuple[ModuleType, Any]) -> None:
    module, runtime = weather
    route = next(r for r in runtime.routes if r.path == "/weather/forecast/:city")
    assert route.handler is not None

    body = await route.handler(
        RouteRequest(method="GET", path="/weather/forecast/Evora", params={"city": "Evora"}), runtime
    )
    await runtime.get_task_worker("WEATHER_REFRESH").execute(runtime, {"cities": ["Evora", "Beja"]}, Task(name="x"))

    assert body["city"] == "Evora" and body["summary"] in module.SUMMARIES
    assert await module.count_reports(runtime) == 2
    status = {s.plugin_name: s.version for s in await runtime.get_migration_status()}
    assert status["weather"] == 1
    assert EventType.MESSAGE_RECEIVED in runtime.events
