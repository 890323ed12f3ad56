"""The one place that touches the ``anthropic`` SDK: lazy import, client construction, error classification."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pyeliza.errors import ConfigurationError

from .._remote import Failure, FailureKind, parse_retry_after

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

    if isinstance(exc, anthropic.APITimeoutError):
        return Failure(FailureKind.TIMEOUT, "the request timed out")
    if isinstance(exc, anthropic.APIConnectionError):
        reason = exc.__cause__ or exc
        return Failure(FailureKind.CONNECTION, f"cannot reach the server ({type(reason).__name__}: {reason})")
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        cause = f"HTTP {status}: {exc.message}"
        if status == 429:
            return Failure(FailureKind.RATE_LIMITED, cause, parse_retry_after(dict(exc.response.headers)))
        if status in (408, 409) or status >= 500:
            return Failure(FailureKind.SERVER, cause, parse_retry_after(dict(exc.response.headers)))
        return Failure(FailureKind.REJECTED, cause)
    if isinstance(exc, anthropic.APIResponseValidationError | json.JSONDecodeError):
        return Failure(FailureKind.RESPONSE, f"malformed response body ({type(exc).__name__}: {exc})")
    return None
