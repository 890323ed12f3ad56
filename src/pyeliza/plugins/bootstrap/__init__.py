"""``bootstrap_plugin``: the default behaviour of an agent (reference §7)."""

from ._plugin import bootstrap_plugin
from .services import EmbeddingGenerationService, MessageRecoveryService, TaskService

__all__ = ["EmbeddingGenerationService", "MessageRecoveryService", "TaskService", "bootstrap_plugin"]
