"""The one place that touches the ``anthropic`` SDK: lazy import, client construction, error classification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyeliza.errors import ConfigurationError

from .._remote import Failure, classify_sdk_error

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


def open_client(*, api_key: str, base_url: str | None, timeout_seconds: float) -> AsyncAnthropic:
    """An ``AsyncAnthropic`` client with the SDK's own retries off (``pyeliza.plugins._remote`` retries)."""
    try:
        import anthropic
    except ImportError as exc:
        raise ConfigurationError(
            "the Anthropic model plugin needs the anthropic SDK: pip install 'pyeliza[anthropic]'"
        ) from exc
    return anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=0)


def classify_anthropic_error(exc: Exception) -> Failure | None:
    """Sort an exception raised by the anthropic SDK into a provider-neutral Failure (``None``: not the SDK's)."""
    import anthropic

    return classify_sdk_error(exc, anthropic)
