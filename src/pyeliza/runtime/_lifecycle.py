"""Lifecycle: ``initialize()`` in a fixed, documented order, and ``stop()``."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from ..errors import ConfigurationError, PyElizaError, RuntimeFailure
from ..storage import PluginSchema
from ..types import Agent, ChannelType, Entity, ModelType, Room, World
from ._context import set_action, set_run
from ._core import logger
from ._plugins import PluginsMixin, resolve_plugins


class LifecycleMixin(PluginsMixin):
    async def initialize(self, skip_migrations: bool = False) -> None:
        """Bring the agent up. Steps, in order:

        1. register the plugins given to the constructor, dependency-ordered, one after the other, then check
           their configuration (``configuration_problems()``): with ``strict_settings`` every problem is
           raised at once as one :class:`ConfigurationError`, otherwise each is logged as a warning;
        2. open the database adapter (``ConfigurationError`` when there is none);
        3. migrate each plugin's schema (unless ``skip_migrations``);
        4. create or update the agent row and merge its stored settings (the character's values win);
        5. make sure the agent's own world, entity, room and participation exist;
        6. declare the embedding dimension (``EMBEDDING_DIMENSION`` or the length of a probe embedding);
        7. create the message service (when ``pyeliza.messaging`` is installed);
        8. start the services the plugins queued.

        A second call logs a warning and returns. On failure the runtime stays un-initialised, services that
        had started are stopped, and the error names the step that failed.
        """
        if self._initialized:
            logger.warning("agent %s is already initialised", self.character.name)
            return
        step = "registering plugins"
        self._skip_migrations = skip_migrations
        try:
            for plugin in resolve_plugins(self._character_plugins):
                await self.register_plugin(plugin)
            step = "checking the plugins' configuration"
            self._check_configuration()
            step = "opening the database"
            adapter = self.adapter
            if adapter is None:
                raise ConfigurationError(
                    f"agent {self.character.name!r} has no database adapter: add the sql plugin "
                    "(pyeliza.plugins.sql.sql_plugin) to its plugins or pass adapter= to AgentRuntime"
                )
            await adapter.init()
            self._adapter_opened = True
            if not skip_migrations:
                step = "running plugin migrations"
                schemas = [PluginSchema(p.name, p.schema) for p in self.plugins if p.schema is not None]
                if schemas:
                    await adapter.run_plugin_migrations(schemas)
            step = "storing the agent"
            await self._ensure_agent_exists()
            step = "creating the agent's world, entity and room"
            await self._ensure_own_connections()
            step = "declaring the embedding dimension"
            await self._ensure_embedding_dimension()
            step = "creating the message service"
            self._create_message_service()
            step = "starting services"
            self._initialized = True
            await self._start_queued_services()
        except Exception as exc:
            self._initialized = False
            await self._stop_services()
            reason = f"agent {self.character.name!r} failed to initialise while {step}"
            if isinstance(exc, PyElizaError):
                exc.add_note(reason)
                raise
            raise RuntimeFailure(f"{reason}: {exc}") from exc
        logger.debug("agent %s (%s) initialised", self.character.name, self.agent_id)

    def _check_configuration(self) -> None:
        """Strict: raise every problem at once. Otherwise warn about model gaps (``register_plugin`` has
        already warned about each missing setting and each plugin it skipped)."""
        if self.strict_settings:
            problems = self.configuration_problems()
            if problems:
                raise ConfigurationError(
                    f"agent {self.character.name!r} is not configured:\n  - " + "\n  - ".join(problems)
                )
            return
        for gap in self._model_gaps():
            logger.warning("agent %s: %s", self.character.name, gap)

    async def _ensure_agent_exists(self) -> None:
        adapter = self._require_adapter()
        character = self.character
        stored = await adapter.get_agent(self.agent_id)
        stored_settings = dict(stored.settings or {}) if stored else {}
        settings: dict[str, Any] = {**stored_settings, **(character.settings or {})}
        secrets: dict[str, Any] = {}
        for source in (
            stored_settings.get("secrets"),
            character.secrets,
            (character.settings or {}).get("secrets"),
        ):
            if isinstance(source, dict):
                secrets.update({k: v for k, v in source.items() if v is not None})
        if secrets:
            settings["secrets"] = secrets
            character.secrets = dict(secrets)
        character.settings = settings
        fields = character.model_dump(exclude_none=True, exclude={"id"})
        if stored is None:
            await adapter.create_agent(Agent.model_validate({**fields, "id": self.agent_id, "enabled": True}))
        else:
            await adapter.update_agent(self.agent_id, fields)

    async def _ensure_own_connections(self) -> None:
        name = self.character.name
        agent_id = self.agent_id
        await self.ensure_world_exists(
            World(id=agent_id, name=f"{name}'s World", agent_id=agent_id, message_server_id=agent_id)
        )
        await self.ensure_entity(Entity(id=agent_id, names=[name], metadata={}, agent_id=agent_id))
        if await self.get_room(agent_id) is None:
            await self.create_room(
                Room(
                    id=agent_id,
                    name=name,
                    agent_id=agent_id,
                    source="elizaos",
                    type=ChannelType.SELF,
                    channel_id=agent_id,
                    message_server_id=agent_id,
                    world_id=agent_id,
                )
            )
        await self.ensure_participant_in_room(agent_id, agent_id)

    async def _ensure_embedding_dimension(self) -> None:
        records = self.models.get(ModelType.TEXT_EMBEDDING)
        if not records:
            logger.warning("agent %s has no TEXT_EMBEDDING model: memories are stored without vectors", self.agent_id)
            return
        configured = self._number_setting("EMBEDDING_DIMENSION")
        if configured and configured > 0:
            dimension = int(configured)
        else:
            probe = await self.use_model(ModelType.TEXT_EMBEDDING, None)
            dimension = len(probe) if isinstance(probe, list) else 0
        if dimension <= 0:
            raise ConfigurationError(
                f"the TEXT_EMBEDDING model of {records[0].provider} gave no vector for the dimension probe; "
                "set EMBEDDING_DIMENSION"
            )
        await self._require_adapter().ensure_embedding_dimension(dimension, records[0].provider)

    def _create_message_service(self) -> None:
        if self.message_service is not None:
            return
        try:
            from ..messaging import DefaultMessageService
        except ImportError:
            logger.debug("pyeliza.messaging is not available; agent %s has no message service", self.agent_id)
            return
        self.message_service = DefaultMessageService(self.as_runtime)

    async def stop(self) -> None:
        """Stop every service (each even if another fails), close the adapter, clear caches, events and the
        current task's run; the runtime can be initialised again. A second call does nothing."""
        if not self._initialized and not self.services and not self._adapter_opened:
            return
        was_initialized = self._initialized
        self._initialized = False
        await self._stop_services()
        if self.adapter is not None and self._adapter_opened:
            self._adapter_opened = False
            try:
                await self.adapter.close()
            except Exception:
                logger.exception("agent %s: closing the database adapter failed", self.character.name)
        self.state_cache.clear()
        self.events.clear()
        self.message_service = None
        set_run(self.agent_id, None)
        set_action(self.agent_id, None)
        if was_initialized:
            logger.debug("agent %s stopped", self.character.name)

    async def __aenter__(self) -> Self:
        await self.initialize()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
