"""Bootstrap services: the task scheduler, background embeddings and crash recovery of messages."""

from .._shared_reads import SharedReads
from ._embeddings import EmbeddingGenerationService, EmbeddingQueue
from ._recovery import MessageRecoveryService
from ._tasks import TaskService

__all__ = ["EmbeddingGenerationService", "EmbeddingQueue", "MessageRecoveryService", "SharedReads", "TaskService"]
