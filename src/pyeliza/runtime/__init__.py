"""The agent runtime, the multi-agent registry, settings and secrets."""

from ._agent_characters import ENV_SECRET_ALLOW_LIST
from ._context import RunContext, StreamingContext, get_streaming_context, streaming_context
from ._core import MessageService, ModelRecord, SendHandler, ServiceStatus
from ._plugins import resolve_plugins
from ._secrets import decrypt_object_values, decrypt_string_value, encrypt_object_values, encrypt_string_value
from ._semaphore import Semaphore
from ._state_cache import StateCache
from .registry import REGISTRY_EVENTS, AgentConfig, ElizaOS, MessageHandle, MessageOutcome, RegistryListener
from .runtime import AgentRuntime

__all__ = [
    "ENV_SECRET_ALLOW_LIST",
    "REGISTRY_EVENTS",
    "AgentConfig",
    "AgentRuntime",
    "ElizaOS",
    "MessageHandle",
    "MessageOutcome",
    "MessageService",
    "ModelRecord",
    "RegistryListener",
    "RunContext",
    "Semaphore",
    "SendHandler",
    "ServiceStatus",
    "StateCache",
    "StreamingContext",
    "decrypt_object_values",
    "decrypt_string_value",
    "encrypt_object_values",
    "encrypt_string_value",
    "get_streaming_context",
    "resolve_plugins",
    "streaming_context",
]
