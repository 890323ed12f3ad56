"""The one place that touches the ``openai`` SDK: lazy import, client construction, error classification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyeliza.errors import ConfigurationError

from .._remote import Failure, classify_sdk_error

if TYPE_CHECKING:
    from openai import AsyncOpenAI

# Local OpenAI-compatible servers (Ollama, llama.cpp, vLLM) need no key, but the SDK refuses to start without one.
PLACEHOLDER_API_KEY = "no-key-configured"


def open_client(*, api_key: str | None, base_url: str | None, timeout_seconds: float) -> AsyncOpenAI:
    """An ``AsyncOpenAI`` client with the SDK's own retries off (``pyeliza.plugins._remote`` retries)."""
    try:
        import openai
    except ImportError as exc:
        raise ConfigurationError("the OpenAI model plugin needs the openai SDK: pip install 'pyeliza[openai]'") from exc
    return openai.AsyncOpenAI(
        api_key=api_key or PLACEHOLDER_API_KEY,
        base_url=base_url or None,
        timeout=timeout_seconds,
        max_retries=0,
    )


def classify_openai_error(exc: Exception) -> Failure | None:
    """Sort an exception raised by the openai SDK into a provider-neutral Failure (``None``: not the SDK's)."""
    import openai

    return classify_sdk_error(exc, openai)
