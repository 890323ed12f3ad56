"""Plugins: dependency ordering and registration of every part a plugin brings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConfigurationError, PluginError
from ..types import Plugin, Route
from ._core import logger
from ._services import ServicesMixin


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
        routes, events, task workers and services (services start once the runtime is initialised).

        A plugin whose ``init`` raises :class:`ConfigurationError` is skipped with a warning; any other
        exception from ``init`` raises :class:`PluginError` naming the plugin.
        """
        if not isinstance(plugin, Plugin) or not plugin.name:
            raise PluginError(f"cannot register {plugin!r}: a plugin must be a Plugin with a name")
        if any(p.name == plugin.name for p in self.plugins):
            logger.warning("agent %s: plugin %s already registered", self.character.name, plugin.name)
            return
        for setting in plugin.required_settings:
            if self.get_setting(setting) is None:
                logger.warning(
                    "agent %s: plugin %s needs setting %s, which is not set", self.character.name, plugin.name, setting
                )
        if plugin.init is not None:
            try:
                await plugin.init(_init_config(plugin.config), self.as_runtime)
            except ConfigurationError as exc:
                logger.warning("agent %s: plugin %s skipped: %s", self.character.name, plugin.name, exc)
                return
            except Exception as exc:
                raise PluginError(f"plugin {plugin.name} failed to initialise: {exc}") from exc
        self.plugins.append(plugin)
        self._register_parts(plugin)
        for service_class in plugin.services:
            await self.register_service(service_class)
        logger.debug("agent %s: plugin %s registered", self.character.name, plugin.name)

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
