"""The bootstrap plugin: default actions, providers, the REFLECTION evaluator, services and event handlers."""

from __future__ import annotations

from ...types import Plugin
from ._events import BOOTSTRAP_EVENTS
from ._reflection import reflection_evaluator
from .actions import BOOTSTRAP_ACTIONS
from .providers import BOOTSTRAP_PROVIDERS
from .services import EmbeddingGenerationService, MessageRecoveryService, SharedReads, TaskService

bootstrap_plugin = Plugin(
    name="bootstrap",
    description="Default agent behaviour: replies, room state, facts, roles, settings, tasks and embeddings",
    actions=BOOTSTRAP_ACTIONS,
    providers=BOOTSTRAP_PROVIDERS,
    evaluators=(reflection_evaluator,),
    services=(SharedReads, TaskService, EmbeddingGenerationService, MessageRecoveryService),
    events=BOOTSTRAP_EVENTS,
)
