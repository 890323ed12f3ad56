"""The extension points: Plugin and its parts (actions, providers, evaluators, services, routes, workers).

Every callable is async and receives the runtime first. Plugin parts are plain dataclasses so a plugin
is a few lines of Python; see ``docs/plugins.md``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from .content import Content
from .memory import Memory
from .state import ActionResult, ProviderResult, State
from .tasks import Task

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    from ..runtime import AgentRuntime
    from ..storage import DatabaseAdapter

HandlerCallback = Callable[[Content], Awaitable[list[Memory]]]
"""Sends content to the user or platform; returns the memories created for it."""

EventPayload = dict[str, Any]
EventHandler = Callable[[EventPayload], Awaitable[None]]
ModelHandler = Callable[["AgentRuntime", Any], Awaitable[Any]]
"""``async (runtime, params) -> result``; params and result types per model type are in ``types.models``."""


@dataclass
class ActionContext:
    """What the runtime knows about the action being executed (model calls record their prompts here)."""

    action_name: str
    action_id: str
    prompts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class HandlerOptions:
    """Options passed to action handlers: earlier results of this plan and the plan itself."""

    previous_results: list[ActionResult] = field(default_factory=list)
    action_plan: dict[str, Any] | None = None
    parameters: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def get_previous_result(self, action_name: str) -> ActionResult | None:
        for result in reversed(self.previous_results):
            if (result.data or {}).get("actionName") == action_name:
                return result
        return None


ActionHandler = Callable[
    [
        "AgentRuntime",
        Memory,
        State | None,
        HandlerOptions | None,
        HandlerCallback | None,
        list[Memory] | None,
    ],
    Awaitable[ActionResult | None],
]
Validator = Callable[["AgentRuntime", Memory, State | None], Awaitable[bool]]
ProviderGetter = Callable[["AgentRuntime", Memory, State], Awaitable[ProviderResult]]


async def always_valid(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    """The default validator: the component applies to every message."""
    return True


@dataclass
class ActionExample:
    name: str
    content: Content


@dataclass
class ActionParameter:
    type: str
    description: str
    required: bool = False


@dataclass
class Action:
    """Something the agent can do in reply to a message (REPLY, MUTE_ROOM, ...)."""

    name: str
    description: str
    handler: ActionHandler
    validate: Validator = always_valid
    similes: list[str] = field(default_factory=list)
    examples: list[list[ActionExample]] = field(default_factory=list)
    parameters: dict[str, ActionParameter] | None = None


@dataclass
class Provider:
    """Contributes text, values and data to the state the model sees.

    ``dynamic`` and ``private`` providers run only when named explicitly; ``position`` orders the text.
    """

    name: str
    get: ProviderGetter
    description: str = ""
    dynamic: bool = False
    private: bool = False
    position: int = 0


@dataclass
class EvaluatorExample:
    prompt: str
    messages: list[ActionExample]
    outcome: str


@dataclass
class Evaluator:
    """Runs after a message was handled (``always_run`` also when the agent did not respond)."""

    name: str
    description: str
    handler: ActionHandler
    validate: Validator = always_valid
    always_run: bool = False
    similes: list[str] = field(default_factory=list)
    examples: list[EvaluatorExample] = field(default_factory=list)


@dataclass
class TaskWorker:
    """Executes tasks whose ``name`` equals the worker's name."""

    name: str
    execute: Callable[[AgentRuntime, dict[str, Any], Task], Awaitable[None]]
    validate: Callable[[AgentRuntime, Memory | None, State | None], Awaitable[bool]] | None = None


@dataclass
class RouteRequest:
    """The request a plugin route handler receives."""

    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


RouteHandler = Callable[[RouteRequest, "AgentRuntime"], Awaitable[Any]]


@dataclass
class Route:
    """An HTTP route served by the server under ``/<plugin name><path>``."""

    type: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "STATIC"]
    path: str
    handler: RouteHandler | None = None
    file_path: str | None = None
    public: bool = False
    name: str | None = None
    is_multipart: bool = False


class Service:
    """A long-lived component of an agent (a platform client, a scheduler, ...).

    Subclasses set ``service_type`` and override ``start`` (a classmethod building the instance) and
    ``stop``. The default ``start`` builds the instance with the runtime.
    """

    service_type: ClassVar[str] = ""
    capability_description: ClassVar[str] = ""

    def __init__(self, runtime: AgentRuntime | None = None) -> None:
        self.runtime = runtime

    @classmethod
    async def start(cls, runtime: AgentRuntime) -> Self:
        return cls(runtime)

    async def stop(self) -> None:
        """Release what the service holds; the default has nothing to release."""


@dataclass
class Plugin:
    """A bundle of capabilities registered on a runtime with ``register_plugin``."""

    name: str
    description: str = ""
    init: Callable[[dict[str, str], AgentRuntime], Awaitable[None]] | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    actions: Sequence[Action] = ()
    providers: Sequence[Provider] = ()
    evaluators: Sequence[Evaluator] = ()
    services: Sequence[type[Service]] = ()
    models: Mapping[str, ModelHandler] = field(default_factory=dict)
    events: Mapping[str, Sequence[EventHandler]] = field(default_factory=dict)
    routes: Sequence[Route] = ()
    task_workers: Sequence[TaskWorker] = ()
    adapter: DatabaseAdapter | None = None
    schema: MetaData | None = None
    dependencies: Sequence[str] = ()
    test_dependencies: Sequence[str] = ()
    priority: int = 0
    required_settings: Sequence[str] = ()
    version: str = "0.0.0"
