"""The state every part of the runtime shares: identity, registries and the database adapter.

``AgentRuntime`` is a stack of small classes, one concern each (settings, database, events, runs, models,
memories, connections, state, actions, services, plugins, lifecycle); each builds on the ones below it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from ..errors import StateError
from ..types import (
    Action,
    Character,
    Content,
    Evaluator,
    EventHandler,
    HandlerCallback,
    Memory,
    ModelHandler,
    Plugin,
    Provider,
    Route,
    Service,
    TaskWorker,
    string_to_uuid,
)
from ..types.models import StreamChunkCallback
from ._state_cache import StateCache

if TYPE_CHECKING:
    from ..storage import DatabaseAdapter
    from .runtime import AgentRuntime

logger = logging.getLogger("pyeliza.runtime")

DEFAULT_CONVERSATION_LENGTH = 32
DEFAULT_MAX_WORKING_MEMORY_ENTRIES = 50

ServiceStatus = Literal["pending", "registering", "registered", "failed", "unknown"]

SendHandler = Callable[[Any, Mapping[str, Any], Content], Awaitable[None]]
"""``async (runtime, target, content)``: delivers content to a platform target (``target["source"]`` picks it)."""


class MessageService(Protocol):
    """What the runtime expects of ``runtime.message_service`` (``pyeliza.messaging.DefaultMessageService``)."""

    async def handle_message(
        self,
        message: Memory,
        callback: HandlerCallback | None = None,
        *,
        on_stream_chunk: StreamChunkCallback | None = None,
    ) -> Any: ...


@dataclass(frozen=True)
class ModelRecord:
    """One registered model handler; the list per model type is sorted by priority, then registration order."""

    handler: ModelHandler
    provider: str
    priority: int
    order: int


class RuntimeCore:
    """Identity, registries and the adapter. Construction does no I/O."""

    def __init__(
        self,
        character: Character,
        *,
        agent_id: str | None = None,
        plugins: Sequence[Plugin] = (),
        adapter: DatabaseAdapter | None = None,
        settings: Mapping[str, Any] | None = None,
        conversation_length: int = DEFAULT_CONVERSATION_LENGTH,
        strict_settings: bool = False,
    ) -> None:
        self.character: Character = character.model_copy(deep=True)
        self.agent_id: str = character.id or agent_id or string_to_uuid(character.name)
        self.adapter: DatabaseAdapter | None = adapter
        self.settings: dict[str, Any] = dict(settings or {})
        self.conversation_length = conversation_length
        self.strict_settings = strict_settings
        self.actions: list[Action] = []
        self.providers: list[Provider] = []
        self.evaluators: list[Evaluator] = []
        self.plugins: list[Plugin] = []
        self.routes: list[Route] = []
        self.services: dict[str, list[Service]] = {}
        self.models: dict[str, list[ModelRecord]] = {}
        self.events: dict[str, list[EventHandler]] = {}
        self.state_cache = StateCache()
        self.message_service: MessageService | None = None
        self.task_workers: dict[str, TaskWorker] = {}
        self.send_handlers: dict[str, SendHandler] = {}
        self._character_plugins: list[Plugin] = list(plugins)
        self._initialized = False
        self._adapter_opened = False
        self._skip_migrations = False
        self._config_problems: dict[str, str] = {}
        self._model_counter = 0
        self._service_queue: list[type[Service]] = []
        self._service_status: dict[str, ServiceStatus] = {}
        self._service_waiters: dict[str, asyncio.Future[Service]] = {}
        self._service_classes: dict[str, list[type[Service]]] = {}

    @property
    def as_runtime(self) -> AgentRuntime:
        """This object as the ``AgentRuntime`` that plugin callbacks receive."""
        return cast("AgentRuntime", self)

    @property
    def is_initialized(self) -> bool:
        """True between a successful ``initialize()`` and ``stop()``."""
        return self._initialized

    def _require_adapter(self) -> DatabaseAdapter:
        if self.adapter is None:
            raise StateError(
                f"agent {self.character.name!r} has no database adapter: add the sql plugin, pass adapter=, "
                "and call initialize() first"
            )
        return self.adapter

    def register_database_adapter(self, adapter: DatabaseAdapter) -> None:
        """Use ``adapter`` for persistence; the first adapter wins, later ones are ignored with a warning."""
        if self.adapter is not None:
            if self.adapter is not adapter:
                logger.warning("agent %s already has a database adapter; ignoring another one", self.character.name)
            return
        self.adapter = adapter
        logger.debug("agent %s: database adapter %s registered", self.character.name, type(adapter).__name__)
