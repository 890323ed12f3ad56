"""Settings of the Anthropic provider, read per call so ``set_setting`` takes effect at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyeliza.errors import ConfigurationError

from .._remote import (
    ClientLease,
    ModelRuntime,
    PrefixedSettings,
    Redactor,
    RemoteCall,
    RetryPolicy,
    client_pool_type,
    retry_policy_from_settings,
)
from ._sdk import classify_anthropic_error, open_client

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

DEFAULT_SMALL_MODEL = "claude-haiku-4-5"
DEFAULT_LARGE_MODEL = "claude-sonnet-4-6"
DEFAULT_MAX_TOKENS = 4096


@dataclass(frozen=True)
class AnthropicConfig:
    """``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``, ``ANTHROPIC_SMALL_MODEL``, ``ANTHROPIC_LARGE_MODEL``, ..."""

    provider: str
    prefix: str
    api_key: str | None
    base_url: str | None
    small_model: str
    large_model: str
    max_tokens: int
    policy: RetryPolicy

    @classmethod
    def load(cls, runtime: ModelRuntime, provider: str = "anthropic", prefix: str = "ANTHROPIC") -> AnthropicConfig:
        settings = PrefixedSettings(runtime, prefix)
        return cls(
            provider=provider,
            prefix=prefix,
            api_key=settings.text("API_KEY"),
            base_url=settings.text("BASE_URL"),
            small_model=settings.text("SMALL_MODEL", DEFAULT_SMALL_MODEL) or DEFAULT_SMALL_MODEL,
            large_model=settings.text("LARGE_MODEL", DEFAULT_LARGE_MODEL) or DEFAULT_LARGE_MODEL,
            max_tokens=settings.integer("MAX_TOKENS", DEFAULT_MAX_TOKENS, minimum=1),
            policy=retry_policy_from_settings(settings),
        )

    def model(self, size: str) -> str:
        return self.small_model if size == "small" else self.large_model

    def lease(self, runtime: ModelRuntime) -> ClientLease[AsyncAnthropic]:
        """A client from the runtime's pool; without ``<PREFIX>_API_KEY`` a ConfigurationError naming it."""
        api_key = self.api_key
        if not api_key:
            raise ConfigurationError(f"{self.provider}: set {self.prefix}_API_KEY to use the Anthropic models")
        base_url, timeout = self.base_url, self.policy.timeout_seconds
        return ClientLease.for_runtime(
            runtime,
            client_pool_type(self.provider),
            (api_key, base_url, timeout),
            lambda: open_client(api_key=api_key, base_url=base_url, timeout_seconds=timeout),
        )

    def call(self, model: str, operation: str) -> RemoteCall:
        return RemoteCall(
            provider=self.provider,
            model=model,
            operation=operation,
            policy=self.policy,
            classify=classify_anthropic_error,
            redactor=Redactor([self.api_key]),
        )
