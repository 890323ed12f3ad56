"""What a model handler needs from the runtime, and typed access to its settings."""

from __future__ import annotations

from typing import Any, Protocol

from pyeliza.errors import ConfigurationError
from pyeliza.types import Character


class ModelRuntime(Protocol):
    """The part of ``AgentRuntime`` the remote model handlers use."""

    @property
    def character(self) -> Character: ...

    def get_setting(self, key: str) -> Any: ...


class PrefixedSettings:
    """Reads ``<PREFIX>_<NAME>`` settings through ``runtime.get_setting`` with defaults and type checks."""

    def __init__(self, runtime: ModelRuntime, prefix: str) -> None:
        self._runtime = runtime
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self._runtime.get_setting(self.key(name))
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        return str(value).strip()

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise ConfigurationError(f"setting {self.key(name)} must be an integer, got {raw!r}") from exc
        if value < minimum:
            raise ConfigurationError(f"setting {self.key(name)} must be at least {minimum}, got {value}")
        return value

    def number(self, name: str, default: float, *, minimum: float = 0.0) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError as exc:
            raise ConfigurationError(f"setting {self.key(name)} must be a number, got {raw!r}") from exc
        if value < minimum:
            raise ConfigurationError(f"setting {self.key(name)} must be at least {minimum:g}, got {value:g}")
        return value
