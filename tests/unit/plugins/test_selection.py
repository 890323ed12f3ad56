"""Model plugin selection from settings and the routing description."""

from __future__ import annotations

from pyeliza.plugins.selection import describe_model_routing, ollama_base_url, select_model_plugins
from pyeliza.runtime import AgentRuntime
from pyeliza.types import Character, ModelType


def _names(settings: dict[str, str]) -> list[str]:
    return [plugin.name for plugin in select_model_plugins(settings)]


def test_nothing_configured_gives_the_offline_pair() -> None:
    assert _names({}) == ["classic", "local"]
    assert _names({"OPENAI_API_KEY": "  "}) == ["classic", "local"]


def test_providers_in_preference_order_before_the_fallbacks() -> None:
    settings = {"ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o", "OLLAMA_BASE_URL": "http://127.0.0.1:11434/v1"}
    assert _names(settings) == ["anthropic", "openai", "ollama", "classic", "local"]
    assert _names({"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"}) == ["openai", "classic", "local"]
    assert _names({"OLLAMA_API_ENDPOINT": "http://127.0.0.1:11434/api"}) == ["ollama", "classic", "local"]


def test_ollama_url_forms() -> None:
    assert ollama_base_url({"OLLAMA_API_ENDPOINT": "http://h:11434/api/"}) == "http://h:11434/v1"
    assert ollama_base_url({"OLLAMA_BASE_URL": "http://h:1/v1", "OLLAMA_API_ENDPOINT": "x"}) == "http://h:1/v1"
    assert ollama_base_url({}) == "http://localhost:11434/v1"


async def test_routing_names_the_serving_provider() -> None:
    runtime = AgentRuntime(Character(name="Eliza", bio="test"))
    for plugin in select_model_plugins({"OPENAI_API_KEY": "sk-test"}):
        await runtime.register_plugin(plugin)
    routing = describe_model_routing(runtime)
    assert routing[ModelType.TEXT_SMALL] == "openai"
    assert routing[ModelType.TEXT_EMBEDDING] == "openai"
    assert routing[ModelType.TEXT_REASONING_SMALL] == "classic"
    offline = AgentRuntime(Character(name="Offline", bio="test"))
    for plugin in select_model_plugins({}):
        await offline.register_plugin(plugin)
    assert describe_model_routing(offline) == {
        ModelType.OBJECT_LARGE: "classic",
        ModelType.OBJECT_SMALL: "classic",
        ModelType.TEXT_REASONING_LARGE: "classic",
        ModelType.TEXT_REASONING_SMALL: "classic",
        ModelType.TEXT_EMBEDDING: "local",
        ModelType.TEXT_LARGE: "classic",
        ModelType.TEXT_SMALL: "classic",
    }
