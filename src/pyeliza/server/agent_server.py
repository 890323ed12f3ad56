"""``AgentServer``: one database, many running agents, the central message store and the realtime hub."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import socketio

from ..errors import StateError
from ..types import DEFAULT_SERVER_ID, Agent, Character, MessageServer, Plugin
from .agent_connector import AgentConnector
from .agent_factory import agent_id_for, build_runtime
from .bus import MessageBus
from .config import ServerConfig
from .jobs import JobStore
from .sessions import SessionStore

if TYPE_CHECKING:
    from ..runtime import AgentRuntime
    from ..storage import Database, DatabaseAdapter

logger = logging.getLogger("pyeliza.server")


class AgentServer:
    """Hosts agents behind the elizaOS REST and Socket.IO protocols.

    Use as an async context manager (or ``await open()`` / ``await close()``); build the ASGI app with
    :func:`pyeliza.server.create_app`.
    """

    def __init__(
        self,
        config: ServerConfig | None = None,
        *,
        env: Mapping[str, str] | None = None,
        extra_plugins: Sequence[Plugin] = (),
    ) -> None:
        self.config = config or ServerConfig.from_env()
        self.env: dict[str, str] = dict(os.environ if env is None else env)
        self.extra_plugins = list(extra_plugins)
        self.bus = MessageBus()
        self.sio = socketio.AsyncServer(
            async_mode="asgi",
            cors_allowed_origins=list(self.config.cors_origins) or None,
            max_http_buffer_size=1_000_000,
            logger=False,
            engineio_logger=False,
        )
        self.sessions = SessionStore()
        self.jobs = JobStore(self.bus)
        self.runtimes: dict[str, AgentRuntime] = {}
        self.connectors: dict[str, AgentConnector] = {}
        self.started_at = time.time()
        self._database: Database | None = None
        self._central: DatabaseAdapter | None = None
        self._agent_locks: dict[str, asyncio.Lock] = {}
        self._background: set[asyncio.Task[None]] = set()

    # -- lifecycle -------------------------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        if self.config.database_url:
            return self.config.database_url
        return f"sqlite:///{(self.config.data_dir / 'pyeliza.db').resolve()}"

    async def open(self) -> None:
        from ..storage import open_database

        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        database = open_database(self.database_url)
        await database.open()
        self._database = database
        self._central = database.adapter(DEFAULT_SERVER_ID)
        if await self._central.get_message_server_by_id(DEFAULT_SERVER_ID) is None:
            await self._central.create_message_server(
                MessageServer(id=DEFAULT_SERVER_ID, name="Default Server", source_type="eliza_default")
            )

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` in the background; ``close()`` waits for it."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        self.jobs.close()
        await self.bus.drain()
        if self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
        for agent_id in list(self.runtimes):
            await self.stop_agent(agent_id)
        if self._database is not None:
            await self._database.close()
            self._database = None
            self._central = None

    async def __aenter__(self) -> AgentServer:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def database(self) -> Database:
        if self._database is None:
            raise StateError("the server is not open: call `await server.open()` first")
        return self._database

    @property
    def central(self) -> DatabaseAdapter:
        """The adapter of the central tables (bound to the all-zero server id)."""
        if self._central is None:
            raise StateError("the server is not open: call `await server.open()` first")
        return self._central

    # -- agents ----------------------------------------------------------------------------------------
    def get_runtime(self, agent_id: str) -> AgentRuntime | None:
        return self.runtimes.get(agent_id)

    def _lock(self, agent_id: str) -> asyncio.Lock:
        return self._agent_locks.setdefault(agent_id, asyncio.Lock())

    async def save_agent(self, character: Character) -> str:
        """Create the agent row for ``character`` when it does not exist; returns the agent id."""
        agent_id = agent_id_for(character)
        if await self.central.get_agent(agent_id) is None:
            data = character.model_dump(exclude_none=True)
            data["id"] = agent_id
            await self.central.create_agent(Agent.model_validate(data))
        return agent_id

    async def start_agent(self, character: Character) -> AgentRuntime:
        """Start ``character`` (creating its agent row if needed); starting a running agent returns it."""
        agent_id = await self.save_agent(character)
        async with self._lock(agent_id):
            running = self.runtimes.get(agent_id)
            if running is not None:
                return running
            runtime = build_runtime(
                character.model_copy(update={"id": agent_id}),
                self.database.adapter(agent_id),
                self.env,
                self.extra_plugins,
            )
            connector = AgentConnector(runtime, self.central, self)
            await runtime.initialize()
            for event, handler in connector.handlers().items():
                self.bus.subscribe(event, handler)
            self.runtimes[agent_id] = runtime
            self.connectors[agent_id] = connector
            await self.central.add_agent_to_message_server(DEFAULT_SERVER_ID, agent_id)
            logger.info("agent %s (%s) started", character.name, agent_id)
            return runtime

    async def start_agent_by_id(self, agent_id: str) -> AgentRuntime | None:
        agent = await self.central.get_agent(agent_id)
        if agent is None:
            return None
        fields = set(Character.model_fields)
        character = Character.model_validate(agent.model_dump(include=fields, exclude_none=True))
        return await self.start_agent(character)

    async def stop_agent(self, agent_id: str) -> bool:
        async with self._lock(agent_id):
            runtime = self.runtimes.pop(agent_id, None)
            connector = self.connectors.pop(agent_id, None)
            if connector is not None:
                for event, handler in connector.handlers().items():
                    self.bus.unsubscribe(event, handler)
            if runtime is None:
                return False
            try:
                await runtime.stop()
            except Exception:
                logger.exception("agent %s did not stop cleanly", agent_id)
            logger.info("agent %s stopped", agent_id)
            return True

    # -- realtime --------------------------------------------------------------------------------------
    async def emit_to_channel(
        self, event: str, data: dict[str, Any], channel_id: str, skip_sid: str | None = None
    ) -> None:
        await self.sio.emit(event, data, to=channel_id, skip_sid=skip_sid)
