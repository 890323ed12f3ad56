"""Plugins: dependency ordering and registration of every part a plugin brings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConfigurationError, PluginError
from ..storage import PluginSchema
from ..types import ModelType, Plugin, Route
from ._core import logger
from ._services import ServicesMixin

CHAT_MODEL_TYPES: tuple[str, ...] = (ModelType.TEXT_SMALL, ModelType.TEXT_LARGE)
"""The model types the message pipeline of the bootstrap plugin cannot answer without."""


def _short_name(name: str) -> str:
    """``@elizaos/plugin-sql`` and ``plugin-sql`` both name the plugin ``sql``."""
    tail = name.rsplit("/", 1)[-1]
    return tail.removeprefix("plugin-")


def resolve_plugins(plugins: Sequence[Plugin]) -> list[Plugin]:
    """Order plugins so each comes after its dependencies; input order is kept otherwise.

    Duplicate names keep the first plugin. A dependency that is not in the list is warned about and ignored;
    a dependency cycle raises :class:`PluginError` naming the cycle.
    """
    by_name: dict[str, Plugin] = {}
    for plugin in plugins:
        if not plugin.name:
            raise PluginError("a plugin has no name")
        by_name.setdefault(plugin.name, plugin)
    aliases = {_short_name(name): name for name in by_name}
    ordered: list[Plugin] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise PluginError(f"plugin dependency cycle: {cycle}")
        state[name] = "visiting"
        for dependency in by_name[name].dependencies:
            target = dependency if dependency in by_name else aliases.get(_short_name(dependency))
            if target is None:
                logger.warning("plugin %s depends on %s, which is not in the plugin list", name, dependency)
                continue
            visit(target, (*chain, name))
        state[name] = "done"
        ordered.append(by_name[name])

    for name in by_name:
        visit(name, ())
    return ordered


def _settings_problem(plugin_name: str, missing: Sequence[str]) -> str:
    return f"plugin {plugin_name!r} needs setting(s) {', '.join(missing)}"


def _init_config(config: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in config.items() if value is not None}


def _prefixed(route: Route, plugin_name: str) -> Route:
    path = route.path if route.path.startswith("/") else f"/{route.path}"
    return Route(
        type=route.type,
        path=f"/{plugin_name}{path}",
        handler=route.handler,
        file_path=route.file_path,
        public=route.public,
        name=route.name,
        is_multipart=route.is_multipart,
    )


class PluginsMixin(ServicesMixin):
    async def register_plugin(self, plugin: Plugin) -> None:
        """Register a plugin: run its ``init``, then add its adapter, actions, evaluators, providers, models,
        routes, events, task workers and services (services start once the runtime is initialised). On an
        initialised runtime the plugin's ``schema`` is migrated before its parts are added.

        Missing ``required_settings`` and a plugin whose ``init`` raises :class:`ConfigurationError` are
        warned about and the plugin is skipped (init error) or kept (missing settings); with
        ``strict_settings=True`` they are collected for ``initialize()``, which raises one
        :class:`ConfigurationError` listing them all (after initialisation they raise at once). Any other
        exception from ``init`` raises :class:`PluginError` naming the plugin.
        """
        if not isinstance(plugin, Plugin) or not plugin.name:
            raise PluginError(f"cannot register {plugin!r}: a plugin must be a Plugin with a name")
        if any(p.name == plugin.name for p in self.plugins):
            logger.warning("agent %s: plugin %s already registered", self.character.name, plugin.name)
            return
        missing = self._missing_settings(plugin)
        if missing and self.strict_settings and self._initialized:
            raise ConfigurationError(_settings_problem(plugin.name, missing))
        if not self.strict_settings:
            for setting in missing:
                logger.warning(
                    "agent %s: plugin %s needs setting %s, which is not set", self.character.name, plugin.name, setting
                )
        if plugin.init is not None:
            try:
                await plugin.init(_init_config(plugin.config), self.as_runtime)
            except ConfigurationError as exc:
                if self.strict_settings:
                    problem = f"plugin {plugin.name!r} refused its configuration: {exc}"
                    if self._initialized:
                        raise ConfigurationError(problem) from exc
                    self._config_problems[plugin.name] = problem
                logger.warning("agent %s: plugin %s skipped: %s", self.character.name, plugin.name, exc)
                return
            except Exception as exc:
                raise PluginError(f"plugin {plugin.name} failed to initialise: {exc}") from exc
        if self._initialized and plugin.schema is not None and not self._skip_migrations:
            await self._require_adapter().run_plugin_migrations([PluginSchema(plugin.name, plugin.schema)])
        self._config_problems.pop(plugin.name, None)
        self.plugins.append(plugin)
        self._register_parts(plugin)
        for service_class in plugin.services:
            await self.register_service(service_class)
        logger.debug("agent %s: plugin %s registered", self.character.name, plugin.name)

    def _missing_settings(self, plugin: Plugin) -> list[str]:
        return [key for key in plugin.required_settings if self.get_setting(key) in (None, "")]

    def configuration_problems(self) -> list[str]:
        """What the registered plugins need and do not have: missing required settings, plugins whose ``init``
        refused their configuration, and chat model types (TEXT_SMALL, TEXT_LARGE) that no handler provides
        while the bootstrap plugin (which answers messages with them) is registered."""
        problems = list(self._config_problems.values())
        for plugin in self.plugins:
            missing = self._missing_settings(plugin)
            if missing:
                problems.append(_settings_problem(plugin.name, missing))
        return problems + self._model_gaps()

    def _model_gaps(self) -> list[str]:
        if not any(_short_name(p.name) == "bootstrap" for p in self.plugins):
            return []
        absent = [str(t) for t in CHAT_MODEL_TYPES if not self.models.get(t)]
        if not absent:
            return []
        return [
            f"no plugin provides model type(s) {', '.join(absent)} needed to chat: "
            "add a model plugin (openai, anthropic, classic)"
        ]

    def _register_parts(self, plugin: Plugin) -> None:
        if plugin.adapter is not None:
            self.register_database_adapter(plugin.adapter)
        for action in plugin.actions:
            self.register_action(action)
        for evaluator in plugin.evaluators:
            self.register_evaluator(evaluator)
        for provider in plugin.providers:
            self.register_provider(provider)
        for model_type, handler in plugin.models.items():
            self.register_model(model_type, handler, plugin.name, plugin.priority)
        for route in plugin.routes:
            self.routes.append(_prefixed(route, plugin.name))
        for event, event_handlers in plugin.events.items():
            for event_handler in event_handlers:
                self.register_event(event, event_handler)
        for worker in plugin.task_workers:
            self.register_task_worker(worker)
