"""Choose the model plugins from settings: real providers when configured, offline classic + local always last.

The provider table is data, and each provider's module is imported only when it is selected, so selecting
works even when an optional SDK or provider module is missing (it is then skipped with a warning).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyeliza.errors import PluginError
from pyeliza.types import Plugin

if TYPE_CHECKING:
    from pyeliza.runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.selection")

OLLAMA_DEFAULT_BASE_URL = "http://localhost:11434/v1"


@dataclass(frozen=True)
class ProviderChoice:
    """A provider chosen when any of ``triggers`` is set; ``build`` makes its plugin (imported lazily)."""

    name: str
    triggers: tuple[str, ...]
    module: str
    attribute: str
    factory_args: tuple[str, ...] = ()

    def is_configured(self, settings: Mapping[str, str]) -> bool:
        return any(str(settings.get(key) or "").strip() for key in self.triggers)


PROVIDERS: tuple[ProviderChoice, ...] = (
    ProviderChoice("anthropic", ("ANTHROPIC_API_KEY",), "pyeliza.plugins.anthropic", "anthropic_plugin"),
    ProviderChoice("openai", ("OPENAI_API_KEY", "OPENAI_BASE_URL"), "pyeliza.plugins.openai", "openai_plugin"),
    ProviderChoice(
        "ollama",
        ("OLLAMA_BASE_URL", "OLLAMA_API_ENDPOINT"),
        "pyeliza.plugins.openai",
        "create_openai_plugin",
        ("ollama", "OLLAMA"),
    ),
)
"""In order of preference: the first selected provider serves the text models (equal priority, earlier wins)."""

FALLBACKS: tuple[ProviderChoice, ...] = (
    ProviderChoice("classic", (), "pyeliza.plugins.classic", "classic_plugin"),
    ProviderChoice("local", (), "pyeliza.plugins.local", "local_plugin"),
)


def ollama_base_url(settings: Mapping[str, str]) -> str:
    """The OpenAI-compatible URL of an Ollama server (``OLLAMA_API_ENDPOINT`` ``…/api`` becomes ``…/v1``)."""
    explicit = str(settings.get("OLLAMA_BASE_URL") or "").strip()
    if explicit:
        return explicit
    endpoint = str(settings.get("OLLAMA_API_ENDPOINT") or "").strip().rstrip("/")
    if not endpoint:
        return OLLAMA_DEFAULT_BASE_URL
    return endpoint[: -len("/api")] + "/v1" if endpoint.endswith("/api") else endpoint


def _load(choice: ProviderChoice, settings: Mapping[str, str]) -> Plugin:
    try:
        target = getattr(importlib.import_module(choice.module), choice.attribute)
    except (ImportError, AttributeError) as exc:
        raise PluginError(f"model provider {choice.name!r} is not available ({choice.module}): {exc}") from exc
    if isinstance(target, Plugin):
        return target
    factory: Callable[..., Plugin] = target
    if choice.name == "ollama":
        return factory(*choice.factory_args, default_base_url=ollama_base_url(settings))
    return factory(*choice.factory_args)


def select_model_plugins(settings: Mapping[str, str]) -> list[Plugin]:
    """The model plugins for these settings (usually ``os.environ`` merged with the character's settings).

    Anthropic when ``ANTHROPIC_API_KEY`` is set; OpenAI when ``OPENAI_API_KEY`` or ``OPENAI_BASE_URL`` is;
    Ollama (OpenAI-compatible) when ``OLLAMA_BASE_URL`` or ``OLLAMA_API_ENDPOINT`` is; then always the
    offline ``classic`` (text) and ``local`` (embedding) plugins at the lowest priority.
    """
    selected: list[Plugin] = []
    for choice in PROVIDERS:
        if not choice.is_configured(settings):
            continue
        try:
            selected.append(_load(choice, settings))
        except PluginError as exc:
            logger.warning("%s; skipping it", exc)
    selected.extend(_load(choice, settings) for choice in FALLBACKS)
    return selected


def describe_model_routing(runtime: AgentRuntime) -> dict[str, str]:
    """Model type → name of the provider whose handler ``use_model`` would call (for start-up banners)."""
    return {model_type: records[0].provider for model_type, records in sorted(runtime.models.items()) if records}
