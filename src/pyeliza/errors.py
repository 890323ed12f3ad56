"""The pyeliza error tree, sorted by who must act.

::

    PyElizaError
    ├── UsageError                  the caller must fix something (input, configuration, code)
    │   ├── ConfigurationError      a setting, plugin list or model registration is wrong or missing
    │   │   ├── PluginError         a plugin is invalid, missing, or its dependencies form a cycle
    │   │   └── ModelNotFoundError  no handler is registered for a model type
    │   ├── CharacterError          a character file or object does not validate
    │   ├── InvalidInputError       bad ids, oversized content, malformed metadata
    │   │   └── EmbeddingDimensionError  a vector does not have the agent's declared size
    │   └── StateError              a call in the wrong lifecycle state (e.g. before initialize())
    ├── RuntimeFailure              something outside the caller failed; retrying may help
    │   ├── StorageError            the database failed or went away
    │   │   ├── IntegrityError      a write broke a constraint (unknown room, duplicate id)
    │   │   └── MigrationError      a schema migration failed
    │   │       └── DestructiveMigrationError  refused: it would drop data
    │   ├── ModelError              a model provider failed (after its retries)
    │   │   ├── ModelTimeoutError
    │   │   └── ModelResponseError  the provider answered with something unusable
    │   └── ServiceError            a service failed to start or stop
    └── ControlSignal               not a failure: tells a caller to stop what it is doing
        └── ResponseSuperseded      a newer message in the same room replaced this reply
"""

from __future__ import annotations


class PyElizaError(Exception):
    """Base of every error raised by pyeliza."""


class UsageError(PyElizaError):
    """The caller must fix something: input, configuration or code."""


class ConfigurationError(UsageError):
    """A setting, plugin list or model registration is wrong or missing."""


class PluginError(ConfigurationError):
    """A plugin is invalid, cannot be found, or its dependencies form a cycle."""


class ModelNotFoundError(ConfigurationError):
    """No handler is registered for the requested model type."""

    def __init__(self, model_type: str, provider: str | None = None) -> None:
        detail = f" from provider {provider!r}" if provider else ""
        super().__init__(
            f"No handler found for model type {model_type}{detail}: "
            "register a model plugin that provides it (e.g. openai, anthropic, classic, local)"
        )
        self.model_type = model_type
        self.provider = provider


class CharacterError(UsageError):
    """A character file or object does not validate; the message names the file and field path."""


class InvalidInputError(UsageError):
    """Bad input: an invalid id, oversized content, malformed metadata."""


class EmbeddingDimensionError(InvalidInputError):
    """A vector's size differs from the agent's declared embedding dimension."""

    def __init__(self, expected: int, got: int, model: str | None = None) -> None:
        model_part = f" (embedding model: {model})" if model else ""
        super().__init__(
            f"embedding has {got} dimensions but this agent stores {expected}{model_part}; "
            "re-embed with `pyeliza memory reembed` to change the embedding model"
        )
        self.expected = expected
        self.got = got
        self.model = model


class StateError(UsageError):
    """A call was made in the wrong lifecycle state (for example before ``initialize()``)."""


class RuntimeFailure(PyElizaError):
    """Something outside the caller failed; retrying may help."""


class StorageError(RuntimeFailure):
    """The database failed or went away."""


class IntegrityError(StorageError):
    """A write broke a constraint (unknown room or entity, duplicate id)."""


class MigrationError(StorageError):
    """A schema migration failed."""


class DestructiveMigrationError(MigrationError):
    """A migration would drop data and was refused (set PYELIZA_ALLOW_DESTRUCTIVE_MIGRATIONS=true)."""


class ModelError(RuntimeFailure):
    """A model provider failed after its retries; the message names provider, model and cause."""


class ModelTimeoutError(ModelError):
    """A model call did not finish within its timeout."""


class ModelResponseError(ModelError):
    """A model answered with something unusable (malformed JSON, wrong shape)."""


class ServiceError(RuntimeFailure):
    """A service failed to start or stop."""


class ControlSignal(PyElizaError):
    """Not a failure: tells the caller to stop what it is doing."""


class ResponseSuperseded(ControlSignal):
    """A newer message in the same room replaced the reply being generated."""
