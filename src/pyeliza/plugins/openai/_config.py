"""Settings of one OpenAI-compatible provider, read per call so ``set_setting`` takes effect at once."""

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
from ._sdk import classify_openai_error, open_client

if TYPE_CHECKING:
    from openai import AsyncOpenAI

DEFAULT_MODELS: dict[str, str] = {
    "SMALL_MODEL": "gpt-4o-mini",
    "LARGE_MODEL": "gpt-4o",
    "EMBEDDING_MODEL": "text-embedding-3-small",
    "IMAGE_DESCRIPTION_MODEL": "gpt-4o-mini",
    "TTS_MODEL": "gpt-4o-mini-tts",
    "TTS_VOICE": "nova",
    "TRANSCRIPTION_MODEL": "gpt-4o-mini-transcribe",
    "IMAGE_MODEL": "gpt-image-1",
}
DEFAULT_EMBEDDING_DIMENSIONS = 1536


@dataclass(frozen=True)
class OpenAIConfig:
    """One provider's resolved settings (``<PREFIX>_API_KEY``, ``<PREFIX>_BASE_URL``, model names, ...)."""

    provider: str
    prefix: str
    api_key: str | None
    base_url: str | None
    models: dict[str, str]
    embedding_dimensions: int
    embedding_dimensions_explicit: bool
    embedding_url: str | None
    embedding_api_key: str | None
    policy: RetryPolicy

    @classmethod
    def load(cls, runtime: ModelRuntime, provider: str, prefix: str, default_base_url: str | None) -> OpenAIConfig:
        settings = PrefixedSettings(runtime, prefix)
        dimensions_setting = settings.text("EMBEDDING_DIMENSIONS")
        return cls(
            provider=provider,
            prefix=prefix,
            api_key=settings.text("API_KEY"),
            base_url=settings.text("BASE_URL", default_base_url),
            models={name: settings.text(name, default) or default for name, default in DEFAULT_MODELS.items()},
            embedding_dimensions=settings.integer("EMBEDDING_DIMENSIONS", DEFAULT_EMBEDDING_DIMENSIONS, minimum=1),
            embedding_dimensions_explicit=dimensions_setting is not None,
            embedding_url=settings.text("EMBEDDING_URL"),
            embedding_api_key=settings.text("EMBEDDING_API_KEY"),
            policy=retry_policy_from_settings(settings),
        )

    def lease(self, runtime: ModelRuntime, *, embeddings: bool = False) -> ClientLease[AsyncOpenAI]:
        """A client from the runtime's pool (``embeddings``: ``<PREFIX>_EMBEDDING_URL``/``_API_KEY`` first)."""
        api_key = (self.embedding_api_key if embeddings else None) or self.api_key
        base_url = (self.embedding_url if embeddings else None) or self.base_url
        if not api_key and not base_url:
            raise ConfigurationError(
                f"{self.provider}: set {self.prefix}_API_KEY (or {self.prefix}_BASE_URL for a local server)"
            )
        timeout = self.policy.timeout_seconds
        return ClientLease.for_runtime(
            runtime,
            client_pool_type(self.provider),
            (api_key, base_url, timeout),
            lambda: open_client(api_key=api_key, base_url=base_url, timeout_seconds=timeout),
        )

    def model(self, name: str) -> str:
        return self.models[name]

    def call(self, model: str, operation: str) -> RemoteCall:
        """A retrying call of this provider; the redactor knows both keys."""
        return RemoteCall(
            provider=self.provider,
            model=model,
            operation=operation,
            policy=self.policy,
            classify=classify_openai_error,
            redactor=Redactor([self.api_key, self.embedding_api_key]),
        )
