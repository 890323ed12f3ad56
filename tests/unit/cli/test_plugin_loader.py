"""Plugin resolution by entry point, dotted path and elizaOS npm name; ordering and one combined error."""

from __future__ import annotations

import pytest

from pyeliza.errors import PluginError
from pyeliza.plugins.loader import (
    canonical_name,
    discover_plugins,
    load_plugin,
    resolve_plugins_by_name,
    validate_plugins,
)
from pyeliza.types import ModelType, Plugin

NO_SETTINGS: dict[str, str] = {}


def test_the_built_in_plugins_are_declared_as_entry_points() -> None:
    found = {p.name: p for p in discover_plugins()}
    assert {"bootstrap", "sql", "openai", "anthropic", "local", "classic"} <= set(found)
    assert found["local"].distribution == "pyeliza"
    assert found["local"].version


def test_npm_names_map_to_our_plugins() -> None:
    assert canonical_name("@elizaos/plugin-openai") == "openai"
    assert canonical_name("@elizaos/plugin-bootstrap") == "bootstrap"
    assert canonical_name("@elizaos/plugin-sql") == "sql"
    assert canonical_name("@elizaos/plugin-anthropic") == "anthropic"
    assert canonical_name("@elizaos/plugin-local-ai") == "local"
    assert canonical_name("@elizaos/plugin-ollama") == "ollama"
    assert load_plugin("@elizaos/plugin-local-ai") is load_plugin("local")


def test_dotted_paths_load_plugin_objects_and_factories() -> None:
    assert load_plugin("tests.unit.cli._plugins:greeter_plugin").name == "greeter"
    assert load_plugin("tests.unit.cli._plugins:make_plugin").name == "made"
    with pytest.raises(PluginError, match="does not name a Plugin"):
        load_plugin("tests.unit.cli._plugins:not_a_plugin")
    with pytest.raises(PluginError, match="has no attribute 'missing'"):
        load_plugin("tests.unit.cli._plugins:missing")
    with pytest.raises(PluginError, match="cannot import module"):
        load_plugin("no_such_package.module:plugin")


def test_dependencies_are_loaded_and_come_first() -> None:
    resolution = resolve_plugins_by_name(["tests.unit.cli._plugins:greeter_plugin"], NO_SETTINGS.get)
    assert [p.name for p in resolution.plugins] == ["local", "greeter"]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PluginError) as caught:
        resolve_plugins_by_name(
            ["no-such-plugin", "tests.unit.cli._plugins:keyed_plugin", "tests.unit.cli._plugins:ping_plugin"],
            {"KEYED_REGION": "eu"}.get,
        )
    message = str(caught.value)
    assert "plugin 'no-such-plugin' is not installed" in message
    assert "plugin 'keyed' needs setting(s) KEYED_API_KEY" in message
    assert "KEYED_REGION" not in message
    assert "dependency cycle" in message


def test_platform_plugins_we_lack_are_warnings_not_errors() -> None:
    resolution = resolve_plugins_by_name(
        ["@elizaos/plugin-discord", "@elizaos/plugin-telegram", "@elizaos/plugin-twitter", "local"], NO_SETTINGS.get
    )
    assert [p.name for p in resolution.plugins] == ["local"]
    assert len(resolution.warnings) == 3
    assert "'@elizaos/plugin-discord'" in resolution.warnings[0]


def test_ollama_is_the_openai_compatible_plugin_under_its_own_name() -> None:
    settings = {"OLLAMA_API_ENDPOINT": "http://127.0.0.1:11434/api"}
    resolution = resolve_plugins_by_name(["@elizaos/plugin-ollama"], settings.get)
    assert [p.name for p in resolution.plugins] == ["ollama"]
    assert set(resolution.plugins[0].models) >= {"TEXT_SMALL", "TEXT_LARGE", "TEXT_EMBEDDING"}


def test_chat_behaviour_without_a_text_model_is_refused() -> None:
    async def embed(runtime: object, params: object) -> list[float]:
        return [0.0]

    bootstrap = Plugin(name="bootstrap")
    embeddings_only = Plugin(name="embeddings", models={ModelType.TEXT_EMBEDDING: embed})
    problems = validate_plugins([bootstrap, embeddings_only], NO_SETTINGS.get)
    assert problems == [
        "no plugin provides model type(s) TEXT_SMALL, TEXT_LARGE needed to chat: "
        "add a model plugin (openai, anthropic, classic)"
    ]
