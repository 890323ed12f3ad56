"""``ElizaOS``: many agents in one process, sharing one database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from ..errors import InvalidInputError, StateError
from ..types import Character, Content, Memory, Plugin, new_uuid, now_ms, parse_character
from .runtime import AgentRuntime

if TYPE_CHECKING:
    from ..storage import Database

logger = logging.getLogger("pyeliza.runtime")

ResponseHandler = Callable[[Content], Awaitable[None]]
AgentInit = Callable[[AgentRuntime], Awaitable[None]]

_SQL_PLUGIN_NAMES = frozenset({"sql", "@elizaos/plugin-sql"})


@dataclass
class AgentConfig:
    """One agent to add: its character, plugins, runtime settings and an optional ``init`` run after start."""

    character: Character
    plugins: Sequence[Plugin] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    init: AgentInit | None = None


class ElizaOS:
    """A registry of agent runtimes that share one database (``pyeliza.storage.open_database(database_url)``).

    Use as ``async with ElizaOS(url) as eliza:``; ``close()`` stops every agent and closes the database.
    """

    def __init__(self, database_url: str | None = None, *, database: Database | None = None) -> None:
        self.database_url = database_url
        self._database = database
        self._owns_database = database is None
        self._agents: dict[str, AgentRuntime] = {}
        self._inits: dict[str, AgentInit] = {}

    @property
    def database(self) -> Database:
        if self._database is None:
            raise StateError("ElizaOS is not open: use `async with ElizaOS(...)` or call open() first")
        return self._database

    async def open(self) -> None:
        """Open the shared database (idempotent)."""
        if self._database is None:
            from ..storage import open_database

            self._database = open_database(self.database_url)
        await self._database.open()

    async def close(self) -> None:
        """Stop every agent, then close the database this registry opened."""
        await self.stop_agents()
        if self._database is not None and self._owns_database:
            await self._database.close()
            self._database = None

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- agents -------------------------------------------------------------------------------------------
    async def add_agents(
        self, configs: Iterable[AgentConfig | Character | Mapping[str, Any]], *, auto_start: bool = False
    ) -> list[str]:
        """Build a runtime per config on the shared database; returns the agent ids (started if ``auto_start``)."""
        database = self.database
        ids: list[str] = []
        for config in configs:
            spec = self._as_config(config)
            plugins = [p for p in spec.plugins if p.name not in _SQL_PLUGIN_NAMES]
            runtime = AgentRuntime(spec.character, plugins=plugins, settings=spec.settings)
            if runtime.agent_id in self._agents:
                raise InvalidInputError(f"an agent with id {runtime.agent_id} ({spec.character.name}) already exists")
            runtime.register_database_adapter(database.adapter(runtime.agent_id))
            self._agents[runtime.agent_id] = runtime
            if spec.init is not None:
                self._inits[runtime.agent_id] = spec.init
            ids.append(runtime.agent_id)
            logger.debug("agent %s (%s) added", spec.character.name, runtime.agent_id)
        if auto_start:
            await self.start_agents(ids)
        return ids

    @staticmethod
    def _as_config(config: AgentConfig | Character | Mapping[str, Any]) -> AgentConfig:
        if isinstance(config, AgentConfig):
            return config
        if isinstance(config, Character):
            return AgentConfig(character=config)
        return AgentConfig(character=parse_character(dict(config)))

    def _select(self, ids: Iterable[str] | None) -> list[AgentRuntime]:
        if ids is None:
            return list(self._agents.values())
        return [self._require(agent_id) for agent_id in ids]

    def _require(self, agent_id: str) -> AgentRuntime:
        runtime = self._agents.get(agent_id)
        if runtime is None:
            raise InvalidInputError(f"no agent with id {agent_id}")
        return runtime

    async def start_agents(self, ids: Iterable[str] | None = None) -> None:
        """Initialise the agents concurrently, then run each one's ``init`` in order."""
        runtimes = [r for r in self._select(ids) if not r.is_initialized]
        await asyncio.gather(*(r.initialize() for r in runtimes))
        for runtime in runtimes:
            init = self._inits.get(runtime.agent_id)
            if init is not None:
                await init(runtime)

    async def stop_agents(self, ids: Iterable[str] | None = None) -> None:
        for runtime in self._select(ids):
            await runtime.stop()

    async def delete_agents(self, ids: Iterable[str]) -> None:
        """Stop the agents and forget them (their stored data stays in the database)."""
        chosen = self._select(list(ids))
        for runtime in chosen:
            await runtime.stop()
            self._agents.pop(runtime.agent_id, None)
            self._inits.pop(runtime.agent_id, None)

    def get_agent(self, agent_id: str) -> AgentRuntime | None:
        return self._agents.get(agent_id)

    def get_agents(self) -> list[AgentRuntime]:
        return list(self._agents.values())

    def get_agent_by_name(self, name: str) -> AgentRuntime | None:
        """The agent whose character name matches ``name``, ignoring case."""
        wanted = name.casefold()
        return next((r for r in self._agents.values() if r.character.name.casefold() == wanted), None)

    # -- messages -----------------------------------------------------------------------------------------
    async def handle_message(self, agent_id: str, message: Memory, on_response: ResponseHandler | None = None) -> Any:
        """Hand a message to the agent's message service; replies go to ``on_response`` as they are produced.

        Returns the message service's result (``MessageProcessingResult``).
        """
        runtime = self._require(agent_id)
        service = runtime.message_service
        if service is None:
            raise StateError(f"agent {runtime.character.name} has no message service: start it first")
        message = message.model_copy(
            update={
                "id": message.id or new_uuid(),
                "agent_id": runtime.agent_id,
                "created_at": message.created_at or now_ms(),
            }
        )
        await runtime.ensure_connection(
            message.entity_id,
            message.room_id,
            world_id=message.world_id or message.room_id,
            source=message.content.source or "unknown",
            channel_id=message.room_id,
        )
        callback = None
        if on_response is not None:
            respond = on_response

            async def callback(content: Content) -> list[Memory]:
                await respond(content)
                return []

        return await service.handle_message(message, callback)
