"""Classifying the exceptions of the openai and anthropic SDKs, which share one exception tree."""

from __future__ import annotations

import json
from types import ModuleType

from .retry import Failure, FailureKind, parse_retry_after


def classify_sdk_error(exc: Exception, sdk: ModuleType) -> Failure | None:
    """Sort an exception raised by ``sdk`` (the imported ``openai`` or ``anthropic`` package) into a
    provider-neutral Failure; ``None`` when it is not the SDK's."""
    if isinstance(exc, sdk.APITimeoutError):
        return Failure(FailureKind.TIMEOUT, "the request timed out")
    if isinstance(exc, sdk.APIConnectionError):
        reason = exc.__cause__ or exc
        return Failure(FailureKind.CONNECTION, f"cannot reach the server ({type(reason).__name__}: {reason})")
    if isinstance(exc, sdk.APIStatusError):
        status = exc.status_code
        cause = f"HTTP {status}: {exc.message}"
        if status == 429:
            return Failure(FailureKind.RATE_LIMITED, cause, parse_retry_after(dict(exc.response.headers)))
        if status in (408, 409) or status >= 500:
            return Failure(FailureKind.SERVER, cause, parse_retry_after(dict(exc.response.headers)))
        return Failure(FailureKind.REJECTED, cause)
    if isinstance(exc, sdk.APIResponseValidationError | json.JSONDecodeError):
        return Failure(FailureKind.RESPONSE, f"malformed response body ({type(exc).__name__}: {exc})")
    return None
