"""Reading the retry policy of a provider from its ``<PREFIX>_*`` settings."""

from __future__ import annotations

from .retry import RetryPolicy
from .runtime import PrefixedSettings


def retry_policy_from_settings(settings: PrefixedSettings) -> RetryPolicy:
    """``<PREFIX>_TIMEOUT_SECONDS`` (60), ``_MAX_RETRIES`` (3), ``_RETRY_BASE_DELAY_SECONDS`` (0.5) and
    ``_RETRY_MAX_DELAY_SECONDS`` (30, also the cap on a server's Retry-After)."""
    return RetryPolicy(
        max_retries=settings.integer("MAX_RETRIES", 3),
        timeout_seconds=settings.number("TIMEOUT_SECONDS", 60.0, minimum=0.001),
        base_delay_seconds=settings.number("RETRY_BASE_DELAY_SECONDS", 0.5),
        max_delay_seconds=settings.number("RETRY_MAX_DELAY_SECONDS", 30.0),
    )
