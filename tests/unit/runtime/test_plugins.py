"""resolve_plugins ordering and cycles; register_plugin validation, init handling and part registration."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pyeliza import Action, ActionResult, AgentRuntime, Character, Plugin, Provider, ProviderResult, Route
from pyeliza.errors import ConfigurationError, PluginError
from pyeliza.runtime import resolve_plugins
from pyeliza.types import TaskWorker


def test_dependencies_come_first_and_order_is_kept() -> None:
    plugins = [
        Plugin(name="app", dependencies=["@elizaos/plugin-sql", "models"]),
        Plugin(name="other"),
        Plugin(name="models", dependencies=["sql"]),
        Plugin(name="sql"),
    ]
    assert [p.name for p in resolve_plugins(plugins)] == ["sql", "models", "app", "other"]


def test_cycle_names_the_plugins() -> None:
    plugins = [
        Plugin(name="a", dependencies=["b"]),
        Plugin(name="b", dependencies=["c"]),
        Plugin(name="c", dependencies=["a"]),
    ]
    with pytest.raises(PluginError, match="a -> b -> c -> a"):
        resolve_plugins(plugins)


def test_unknown_dependency_is_warned(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pyeliza.runtime"):
        ordered = resolve_plugins([Plugin(name="a", dependencies=["missing"])])
    assert [p.name for p in ordered] == ["a"]
    assert "missing" in caplog.text


def make(settings: dict[str, Any] | None = None) -> AgentRuntime:
    return AgentRuntime(Character(name="Plugged", bio="test"), settings=settings)


async def handler(*args: object) -> ActionResult:
    return ActionResult()


async def get(*args: object) -> ProviderResult:
    return ProviderResult(text="x")


async def test_registers_every_part_in_order() -> None:
    received: dict[str, Any] = {}

    async def init(config: dict[str, str], runtime: AgentRuntime) -> None:
        received.update(config)
        received["runtime"] = runtime

    async def on_event(payload: dict[str, Any]) -> None:
        return None

    async def route_handler(request: Any, runtime: AgentRuntime) -> Any:
        return None

    async def execute(runtime: AgentRuntime, options: dict[str, Any], task: Any) -> None:
        return None

    async def model(runtime: AgentRuntime, params: Any) -> str:
        return "m"

    rt = make()
    plugin = Plugin(
        name="demo",
        init=init,
        config={"NUMBER": 3, "FLAG": True, "GONE": None},
        actions=[Action(name="ONE", description="", handler=handler)],
        providers=[Provider(name="P", get=get)],
        models={"TEXT_SMALL": model},
        events={"EVT": [on_event]},
        routes=[Route(type="GET", path="status", handler=route_handler)],
        task_workers=[TaskWorker(name="job", execute=execute)],
        priority=7,
    )
    await rt.register_plugin(plugin)
    assert received == {"NUMBER": "3", "FLAG": "True", "runtime": rt}
    assert [a.name for a in rt.actions] == ["ONE"]
    assert [p.name for p in rt.providers] == ["P"]
    assert rt.models["TEXT_SMALL"][0].priority == 7
    assert rt.models["TEXT_SMALL"][0].provider == "demo"
    assert rt.get_event("EVT") == [on_event]
    assert rt.routes[0].path == "/demo/status"
    assert rt.get_task_worker("job") is not None
    assert rt.plugins == [plugin]


async def test_duplicate_plugin_is_warned(caplog: pytest.LogCaptureFixture) -> None:
    rt = make()
    await rt.register_plugin(Plugin(name="dup", actions=[Action(name="A", description="", handler=handler)]))
    with caplog.at_level(logging.WARNING, logger="pyeliza.runtime"):
        await rt.register_plugin(Plugin(name="dup", actions=[Action(name="B", description="", handler=handler)]))
    assert [a.name for a in rt.actions] == ["A"]
    assert "already registered" in caplog.text


async def test_missing_required_settings_are_warned_one_by_one(caplog: pytest.LogCaptureFixture) -> None:
    rt = make({"PRESENT": "1"})
    with caplog.at_level(logging.WARNING, logger="pyeliza.runtime"):
        await rt.register_plugin(Plugin(name="needy", required_settings=["PRESENT", "KEY_A", "KEY_B"]))
    messages = [r.getMessage() for r in caplog.records]
    assert sum("needy" in m and "KEY_A" in m for m in messages) == 1
    assert sum("needy" in m and "KEY_B" in m for m in messages) == 1
    assert not any("PRESENT" in m for m in messages)


async def test_init_configuration_error_skips_the_plugin(caplog: pytest.LogCaptureFixture) -> None:
    async def init(config: dict[str, str], runtime: AgentRuntime) -> None:
        raise ConfigurationError("OPENAI_API_KEY is not set")

    rt = make()
    with caplog.at_level(logging.WARNING, logger="pyeliza.runtime"):
        await rt.register_plugin(
            Plugin(name="openai-ish", init=init, actions=[Action(name="A", description="", handler=handler)])
        )
    assert rt.actions == []
    assert rt.plugins == []
    assert "OPENAI_API_KEY" in caplog.text


async def test_init_failure_raises_a_plugin_error() -> None:
    async def init(config: dict[str, str], runtime: AgentRuntime) -> None:
        raise RuntimeError("kaput")

    rt = make()
    with pytest.raises(PluginError, match=r"broken.*kaput") as info:
        await rt.register_plugin(Plugin(name="broken", init=init))
    assert isinstance(info.value.__cause__, RuntimeError)


async def test_nameless_plugin_is_rejected() -> None:
    with pytest.raises(PluginError, match="name"):
        await make().register_plugin(Plugin(name=""))
