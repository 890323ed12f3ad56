"""``ElizaOS``: many agents in one process, sharing one database."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from ..errors import InvalidInputError, StateError
from ..types import Character, Content, Memory, Plugin, new_uuid, now_ms, parse_character
from ._agent_characters import ENV_SECRET_ALLOW_LIST, prepare_character, settings_deletions, updated_character
from .runtime import AgentRuntime

if TYPE_CHECKING:
    from ..storage import Database

logger = logging.getLogger("pyeliza.runtime")

ResponseHandler = Callable[[Content], Awaitable[None]]
AgentInit = Callable[[AgentRuntime], Awaitable[None]]
RegistryListener = Callable[[dict[str, Any]], Awaitable[None]]
"""``async (detail)``: called for a registry event; ``detail`` holds ``agent_id`` (and ``name``) or ``agent_ids``."""

REGISTRY_EVENTS = frozenset(
    {
        "agent:added",
        "agents:added",
        "agent:started",
        "agents:started",
        "agents:stopped",
        "agent:deleted",
        "agents:deleted",
        "agent:updated",
    }
)

_SQL_PLUGIN_NAMES = frozenset({"sql", "@elizaos/plugin-sql"})


@dataclass
class AgentConfig:
    """One agent to add: its character, plugins, runtime settings and an optional ``init`` run after start."""

    character: Character
    plugins: Sequence[Plugin] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    init: AgentInit | None = None


@dataclass
class MessageHandle:
    """A message handed to an agent: its id, the message as stored, and the task producing the result
    (``await handle.processing`` gives the message service's ``MessageProcessingResult``)."""

    message_id: str
    user_message: Memory
    processing: asyncio.Task[Any]


@dataclass
class MessageOutcome:
    """One item of ``handle_messages``: the result, or the error that item raised (the others still ran)."""

    agent_id: str
    message_id: str | None
    result: Any = None
    error: Exception | None = None


class ElizaOS:
    """A registry of agent runtimes that share one database (``pyeliza.storage.open_database(database_url)``).

    Use as ``async with ElizaOS(url) as eliza:``; ``close()`` stops every agent and closes the database.
    ``environment`` (default: the process environment) supplies secrets to added agents: only the variables in
    ``env_allow_list`` (default :data:`ENV_SECRET_ALLOW_LIST`) and those the agent's plugins name in
    ``required_settings``.
    """

    def __init__(
        self,
        database_url: str | None = None,
        *,
        database: Database | None = None,
        environment: Mapping[str, str] | None = None,
        env_allow_list: Iterable[str] = ENV_SECRET_ALLOW_LIST,
    ) -> None:
        self.database_url = database_url
        self._database = database
        self._owns_database = database is None
        self._environment = environment
        self._env_allow_list = tuple(env_allow_list)
        self._agents: dict[str, AgentRuntime] = {}
        self._inits: dict[str, AgentInit] = {}
        self._listeners: dict[str, list[RegistryListener]] = {}
        self._processing: set[asyncio.Task[Any]] = set()

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
        """Cancel messages still being processed, stop every agent, then close the database this registry opened."""
        pending = list(self._processing)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
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
        """Build a runtime per config on the shared database; returns the agent ids (started if ``auto_start``).

        Each character is deep-copied, gets the allowed environment variables under ``settings["secrets"]``
        (its own values win) and has its secrets encrypted. Emits ``agent:added`` per agent and ``agents:added``.
        """
        database = self.database
        environment = os.environ if self._environment is None else self._environment
        ids: list[str] = []
        for config in configs:
            spec = self._as_config(config)
            plugins = [p for p in spec.plugins if p.name not in _SQL_PLUGIN_NAMES]
            character = prepare_character(spec.character, plugins, environment, self._env_allow_list)
            runtime = AgentRuntime(character, plugins=plugins, settings=spec.settings)
            if runtime.agent_id in self._agents:
                raise InvalidInputError(f"an agent with id {runtime.agent_id} ({character.name}) already exists")
            runtime.register_database_adapter(database.adapter(runtime.agent_id))
            self._agents[runtime.agent_id] = runtime
            if spec.init is not None:
                self._inits[runtime.agent_id] = spec.init
            ids.append(runtime.agent_id)
            logger.debug("agent %s (%s) added", character.name, runtime.agent_id)
            await self._emit("agent:added", {"agent_id": runtime.agent_id, "name": character.name})
        await self._emit("agents:added", {"agent_ids": list(ids)})
        if auto_start:
            await self.start_agents(ids)
        return ids

    async def update_agent(self, agent_id: str, changes: Mapping[str, Any]) -> Character:
        """Apply a partial character (snake_case or camelCase keys) to a live agent: its character object is
        updated in place (``settings`` / ``secrets`` merge key by key, ``None`` deletes), the state cache is
        cleared, a started agent's row is updated, and ``agent:updated`` is emitted. Returns the character."""
        runtime = self._require(agent_id)
        updated = updated_character(runtime.character, changes)
        live = runtime.character
        deletions = settings_deletions(live.settings or {}, updated.settings or {})
        for name in Character.model_fields:
            setattr(live, name, getattr(updated, name))
        runtime.state_cache.clear()
        if runtime.is_initialized:
            fields = live.model_dump(exclude_none=True, exclude={"id"})
            if deletions:
                fields["settings"] = _deep_merge(fields.get("settings") or {}, deletions)
            await runtime.update_agent(agent_id, fields)
        await self._emit("agent:updated", {"agent_id": agent_id, "name": live.name})
        return live

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
        """Initialise the agents concurrently, then run each one's ``init`` in order; emits ``agent:started``
        per agent and ``agents:started``."""
        runtimes = [r for r in self._select(ids) if not r.is_initialized]
        await asyncio.gather(*(r.initialize() for r in runtimes))
        for runtime in runtimes:
            init = self._inits.get(runtime.agent_id)
            if init is not None:
                await init(runtime)
            await self._emit("agent:started", {"agent_id": runtime.agent_id, "name": runtime.character.name})
        await self._emit("agents:started", {"agent_ids": [r.agent_id for r in runtimes]})

    async def stop_agents(self, ids: Iterable[str] | None = None) -> None:
        """Stop the agents; emits ``agents:stopped``."""
        runtimes = self._select(ids)
        for runtime in runtimes:
            await runtime.stop()
        await self._emit("agents:stopped", {"agent_ids": [r.agent_id for r in runtimes]})

    async def delete_agents(self, ids: Iterable[str]) -> None:
        """Stop the agents and forget them (their stored data stays in the database); emits ``agent:deleted``
        per agent and ``agents:deleted``."""
        chosen = self._select(list(ids))
        for runtime in chosen:
            await runtime.stop()
            self._agents.pop(runtime.agent_id, None)
            self._inits.pop(runtime.agent_id, None)
            await self._emit("agent:deleted", {"agent_id": runtime.agent_id, "name": runtime.character.name})
        await self._emit("agents:deleted", {"agent_ids": [r.agent_id for r in chosen]})

    # -- registry events ----------------------------------------------------------------------------------
    def register_listener(self, name: str, callback: RegistryListener) -> None:
        """Call ``callback(detail)`` on each registry event ``name`` (one of :data:`REGISTRY_EVENTS`)."""
        if name not in REGISTRY_EVENTS:
            raise InvalidInputError(f"unknown registry event {name!r}; known: {', '.join(sorted(REGISTRY_EVENTS))}")
        self._listeners.setdefault(name, []).append(callback)

    def remove_listener(self, name: str, callback: RegistryListener) -> None:
        """Stop calling ``callback`` for ``name`` (nothing happens if it was not registered)."""
        listeners = self._listeners.get(name, [])
        if callback in listeners:
            listeners.remove(callback)

    async def _emit(self, name: str, detail: dict[str, Any]) -> None:
        """Call the listeners in registration order; one that raises is logged and the others still run."""
        for listener in list(self._listeners.get(name, ())):
            try:
                await listener(dict(detail))
            except Exception:
                logger.exception("a listener of registry event %s failed", name)

    def get_agent(self, agent_id: str) -> AgentRuntime | None:
        return self._agents.get(agent_id)

    def get_agents(self) -> list[AgentRuntime]:
        return list(self._agents.values())

    def get_agent_by_name(self, name: str) -> AgentRuntime | None:
        """The agent whose character name matches ``name``, ignoring case."""
        wanted = name.casefold()
        return next((r for r in self._agents.values() if r.character.name.casefold() == wanted), None)

    # -- messages -----------------------------------------------------------------------------------------
    async def handle_message(
        self, agent_id: str, message: Memory, on_response: ResponseHandler | None = None
    ) -> MessageHandle:
        """Hand a message to the agent's message service.

        The message gets an id, the agent id and a creation time when it has none, and its sender, room and
        world are connected first. Without ``on_response`` the call waits for the message service (its result is
        ``await handle.processing``, already done). With ``on_response`` it returns at once: each reply content
        goes to ``on_response`` as it is produced and ``handle.processing`` is the running task (a failure is
        logged and re-raised by awaiting the task; ``close()`` cancels tasks still running).
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
        message_id = str(message.id)
        await runtime.ensure_connection(
            message.entity_id,
            message.room_id,
            world_id=message.world_id or message.room_id,
            source=message.content.source or "unknown",
            channel_id=message.room_id,
        )
        if on_response is None:
            task = asyncio.ensure_future(service.handle_message(message))
            try:
                await asyncio.wait([task])
            except asyncio.CancelledError:
                task.cancel()
                raise
            return MessageHandle(message_id, message, task)
        respond = on_response

        async def callback(content: Content) -> list[Memory]:
            await respond(content)
            return []

        task = asyncio.ensure_future(service.handle_message(message, callback))
        self._processing.add(task)
        task.add_done_callback(self._finished)
        return MessageHandle(message_id, message, task)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._processing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("a message handled in the background failed", exc_info=task.exception())

    async def handle_messages(self, items: Sequence[tuple[str, Memory]]) -> list[MessageOutcome]:
        """Handle several ``(agent_id, message)`` pairs concurrently and wait for all; each outcome holds its
        result or the error it raised, in input order."""

        async def one(agent_id: str, message: Memory) -> MessageOutcome:
            try:
                handle = await self.handle_message(agent_id, message)
                return MessageOutcome(agent_id, handle.message_id, result=await handle.processing)
            except Exception as exc:
                return MessageOutcome(agent_id, message.id, error=exc)

        return list(await asyncio.gather(*(one(agent_id, message) for agent_id, message in items)))


def _deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        current = out.get(key)
        out[key] = _deep_merge(current, value) if isinstance(current, Mapping) and isinstance(value, Mapping) else value
    return out
