"""Find plugins by name: entry points (``pyeliza.plugins``), dotted import paths and elizaOS npm names.

Everything is resolved, dependency-ordered and validated up front so an agent either starts with a complete
plugin set or fails at once with one error that lists every problem.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from ..errors import PluginError
from ..types import ModelType, Plugin

logger = logging.getLogger("pyeliza.plugins")

ENTRY_POINT_GROUP = "pyeliza.plugins"

NPM_ALIASES: Mapping[str, str] = {
    "@elizaos/plugin-openai": "openai",
    "@elizaos/plugin-bootstrap": "bootstrap",
    "@elizaos/plugin-sql": "sql",
    "@elizaos/plugin-anthropic": "anthropic",
    "@elizaos/plugin-local-ai": "local",
    "@elizaos/plugin-ollama": "ollama",
}
"""elizaOS package names that map onto our plugins (``ollama``: the OpenAI-compatible plugin on ``OLLAMA_*``)."""

PLATFORM_PLUGINS: frozenset[str] = frozenset(
    {
        "@elizaos/plugin-discord",
        "@elizaos/plugin-telegram",
        "@elizaos/plugin-twitter",
        "@elizaos/plugin-slack",
        "@elizaos/plugin-farcaster",
        "@elizaos/plugin-instagram",
    }
)
"""Platform connectors we do not have: reported as warnings, never fatal."""

CHAT_MODEL_TYPES: tuple[str, ...] = (ModelType.TEXT_SMALL, ModelType.TEXT_LARGE)

SettingGetter = Callable[[str], object]


@dataclass(frozen=True)
class DiscoveredPlugin:
    """A plugin declared by an installed distribution."""

    name: str
    target: str
    distribution: str | None
    version: str | None


@dataclass
class PluginResolution:
    """The outcome of :func:`resolve_plugins_by_name`: plugins in load order and warnings."""

    plugins: list[Plugin] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def discover_plugins() -> list[DiscoveredPlugin]:
    """Every plugin declared under the ``pyeliza.plugins`` entry-point group, sorted by name."""
    found = []
    for ep in _entry_points().values():
        dist = ep.dist
        found.append(
            DiscoveredPlugin(
                name=ep.name,
                target=ep.value,
                distribution=dist.metadata["Name"] if dist is not None else None,
                version=dist.version if dist is not None else None,
            )
        )
    return sorted(found, key=lambda p: p.name)


def _as_plugin(obj: object, ref: str) -> Plugin:
    if isinstance(obj, Plugin):
        return obj
    if callable(obj):
        built = obj()
        if isinstance(built, Plugin):
            return built
    raise PluginError(f"plugin {ref!r} does not name a Plugin (got {type(obj).__name__})")


def _import_dotted(ref: str) -> Plugin:
    module_name, _, attr = ref.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise PluginError(f"plugin {ref!r}: cannot import module {module_name!r}: {exc}") from exc
    if not attr:
        attr = next((n for n in dir(module) if isinstance(getattr(module, n), Plugin)), "")
        if not attr:
            raise PluginError(f"plugin {ref!r}: module {module_name!r} defines no Plugin")
    try:
        return _as_plugin(getattr(module, attr), ref)
    except AttributeError as exc:
        raise PluginError(f"plugin {ref!r}: module {module_name!r} has no attribute {attr!r}") from exc


def canonical_name(ref: str) -> str:
    """The entry-point name an elizaOS npm name maps to; other references are returned unchanged."""
    return NPM_ALIASES.get(ref, ref)


def _ollama_plugin(get_setting: SettingGetter) -> Plugin:
    """The OpenAI-compatible plugin reading ``OLLAMA_*`` settings, pointed at the Ollama server."""
    from .openai import create_openai_plugin
    from .selection import ollama_base_url

    keys = ("OLLAMA_BASE_URL", "OLLAMA_API_ENDPOINT")
    settings = {key: str(get_setting(key) or "") for key in keys}
    return create_openai_plugin("ollama", "OLLAMA", default_base_url=ollama_base_url(settings))


def load_plugin(ref: str, get_setting: SettingGetter = os.environ.get) -> Plugin:
    """Load one plugin by entry-point name, npm alias or ``package.module:attr`` path."""
    name = canonical_name(ref)
    if name == "ollama":
        return _ollama_plugin(get_setting)
    points = _entry_points()
    if name in points:
        try:
            loaded = points[name].load()
        except Exception as exc:
            raise PluginError(f"plugin {ref!r}: loading entry point {points[name].value!r} failed: {exc}") from exc
        return _as_plugin(loaded, ref)
    if ":" in name or ("." in name and not name.startswith("@")):
        return _import_dotted(name)
    known = ", ".join(sorted(points)) or "none"
    raise PluginError(f"plugin {ref!r} is not installed (known plugins: {known})")


def _order_by_dependencies(plugins: dict[str, Plugin], problems: list[str]) -> list[Plugin]:
    ordered: list[Plugin] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            problems.append(f"dependency cycle: {' -> '.join((*chain, name))}")
            return
        state[name] = "visiting"
        plugin = plugins[name]
        for dep in plugin.dependencies:
            dep_name = _loaded_name(canonical_name(dep), plugins)
            if dep_name is not None:
                visit(dep_name, (*chain, name))
        state[name] = "done"
        ordered.append(plugin)

    for name in plugins:
        visit(name, ())
    return ordered


def _loaded_name(ref: str, plugins: Mapping[str, Plugin]) -> str | None:
    if ref in plugins:
        return ref
    return next((key for key, p in plugins.items() if p.name == ref), None)


def resolve_plugins_by_name(
    refs: Iterable[str],
    get_setting: SettingGetter,
    *,
    extra: Sequence[Plugin] = (),
) -> PluginResolution:
    """Load ``refs`` (and their dependencies), order them and validate them.

    Raises one :class:`PluginError` naming every plugin that is missing or broken, every required setting
    that is absent and every chat model type no plugin provides.
    """
    result = PluginResolution()
    problems: list[str] = []
    loaded: dict[str, Plugin] = {}
    failed: set[str] = set()
    pending = list(refs)
    for plugin in extra:
        loaded.setdefault(plugin.name, plugin)
    while pending:
        ref = pending.pop(0)
        if ref in PLATFORM_PLUGINS:
            result.warnings.append(f"plugin {ref!r} connects a platform pyeliza does not support; it is skipped")
            continue
        name = canonical_name(ref)
        if name in failed or _loaded_name(name, loaded) is not None:
            continue
        try:
            plugin = load_plugin(ref, get_setting)
        except PluginError as exc:
            failed.add(name)
            if ref.startswith("@") and ref not in NPM_ALIASES:
                result.warnings.append(f"plugin {ref!r} has no pyeliza equivalent; it is skipped")
            else:
                problems.append(str(exc))
            continue
        loaded[name] = plugin
        pending.extend(dep for dep in plugin.dependencies if _loaded_name(canonical_name(dep), loaded) is None)
    result.plugins = _order_by_dependencies(loaded, problems)
    problems.extend(validate_plugins(result.plugins, get_setting))
    for warning in result.warnings:
        logger.warning(warning)
    if problems:
        raise PluginError("cannot start the agent's plugins:\n  - " + "\n  - ".join(problems))
    return result


def validate_plugins(plugins: Sequence[Plugin], get_setting: SettingGetter) -> list[str]:
    """Problems of a plugin set: required settings that are absent, chat models that nobody provides."""
    problems: list[str] = []
    for plugin in plugins:
        missing = [key for key in plugin.required_settings if get_setting(key) in (None, "")]
        if missing:
            problems.append(f"plugin {plugin.name!r} needs setting(s) {', '.join(missing)}")
    provided = {model_type for plugin in plugins for model_type in plugin.models}
    if any(plugin.name == "bootstrap" for plugin in plugins):
        absent = [str(t) for t in CHAT_MODEL_TYPES if t not in provided]
        if absent:
            problems.append(
                f"no plugin provides model type(s) {', '.join(absent)} needed to chat: "
                "add a model plugin (openai, anthropic, classic)"
            )
    return problems
