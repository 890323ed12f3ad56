"""Build an agent runtime from a character: plugins resolved by name, model plugins picked, settings merged."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import PluginError
from ..plugins.loader import PluginResolution, load_plugin, resolve_plugins_by_name
from ..types import ModelType, Plugin, string_to_uuid

if TYPE_CHECKING:
    from ..runtime import AgentRuntime
    from ..storage import DatabaseAdapter
    from ..types import Character

BASE_PLUGINS: tuple[str, ...] = ("sql", "bootstrap")
"""Every served agent gets storage and the default chat behaviour, as the reference server does."""


def agent_id_for(character: Character) -> str:
    """The agent id: the character's id, else ``string_to_uuid(name)``."""
    return character.id or string_to_uuid(character.name)


def character_setting_getter(character: Character, env: Mapping[str, str] | None = None) -> Any:
    """A lookup in the order of ``runtime.get_setting``: secrets, settings, settings.secrets, environment."""
    environment = os.environ if env is None else env
    settings = character.settings or {}
    nested = settings.get("secrets") if isinstance(settings.get("secrets"), dict) else {}

    def get(key: str) -> object:
        for source in (character.secrets or {}, settings, nested or {}):
            value = source.get(key)
            if value not in (None, ""):
                return value
        return environment.get(key)

    return get


def _named_model_types(refs: Sequence[str]) -> set[str]:
    """Model types the named plugins provide; unloadable names are left for the resolver to report."""
    provided: set[str] = set()
    for ref in refs:
        try:
            provided.update(load_plugin(ref).models)
        except PluginError:
            continue
    return provided


def plan_plugins(
    character: Character, env: Mapping[str, str] | None = None, extra: Sequence[Plugin] = ()
) -> PluginResolution:
    """The character's plugins plus the base ones, validated; when they cannot both chat and embed, model
    plugins chosen from the environment (``select_model_plugins``) are added."""
    environment = dict(os.environ if env is None else env)
    get = character_setting_getter(character, environment)
    refs = [*BASE_PLUGINS, *(character.plugins or [])]
    provided = _named_model_types(refs) | {t for plugin in extra for t in plugin.models}
    chosen = list(extra)
    if not {ModelType.TEXT_LARGE, ModelType.TEXT_EMBEDDING} <= provided:
        from ..plugins.selection import select_model_plugins

        settings = dict(environment)
        for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY"):
            value = get(key)
            if value:
                settings[key] = str(value)
        taken = {plugin.name for plugin in chosen}
        chosen.extend(p for p in select_model_plugins(settings) if p.name not in taken)
    return resolve_plugins_by_name(refs, get, extra=chosen)


def build_runtime(
    character: Character,
    adapter: DatabaseAdapter,
    env: Mapping[str, str] | None = None,
    extra: Sequence[Plugin] = (),
) -> AgentRuntime:
    """A runtime (not yet initialised) for ``character`` storing into ``adapter``."""
    from ..runtime import AgentRuntime

    resolution = plan_plugins(character, env, extra)
    return AgentRuntime(
        character,
        agent_id=agent_id_for(character),
        plugins=resolution.plugins,
        adapter=adapter,
        strict_settings=True,
    )
