"""Our own retry loop for remote model calls: exponential back-off with full jitter, Retry-After, timeouts.

The SDKs' built-in retries are switched off (``max_retries=0``) so that every provider behaves the same way and
the final error always names provider, model and cause.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import TypeVar

from pyeliza.errors import ModelError, ModelResponseError, ModelTimeoutError, PyElizaError

from .redact import Redactor

logger = logging.getLogger("pyeliza.models")

T = TypeVar("T")


class FailureKind(StrEnum):
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate limited"
    SERVER = "server error"
    CONNECTION = "connection error"
    RESPONSE = "unusable response"
    REJECTED = "request rejected"


_RETRYABLE = frozenset(
    {FailureKind.TIMEOUT, FailureKind.RATE_LIMITED, FailureKind.SERVER, FailureKind.CONNECTION, FailureKind.RESPONSE}
)


@dataclass(frozen=True)
class Failure:
    """A provider-neutral description of why one attempt failed."""

    kind: FailureKind
    cause: str
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE


Classifier = Callable[[Exception], Failure | None]
"""Maps an SDK exception to a Failure; ``None`` means "not ours", and the exception propagates unchanged."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``max_retries`` counts retries, so a call makes up to ``max_retries + 1``
    attempts; ``max_delay_seconds`` caps both the back-off and a server's ``Retry-After``."""

    max_retries: int = 3
    timeout_seconds: float = 60.0
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0

    def delay_before_retry(self, retry_number: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based): the server's wish, else full jitter."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay_seconds)
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * (2 ** (retry_number - 1)))
        return rng.uniform(0.0, ceiling)


def parse_retry_after(headers: Mapping[str, str] | None, *, now: datetime | None = None) -> float | None:
    """Seconds the server asks us to wait: ``retry-after-ms``, or ``Retry-After`` as seconds or an HTTP date."""
    if not headers:
        return None
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = lowered.get("retry-after-ms")
    if milliseconds is not None:
        with contextlib.suppress(ValueError):
            return max(float(milliseconds) / 1000.0, 0.0)
    value = lowered.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    with contextlib.suppress(ValueError):
        return max(float(value), 0.0)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((when - current).total_seconds(), 0.0)


@dataclass(frozen=True)
class RemoteCall:
    """Everything the retry loop needs to know about one logical model call."""

    provider: str
    model: str
    operation: str
    policy: RetryPolicy
    classify: Classifier
    redactor: Redactor = field(default_factory=Redactor)
    rng: random.Random = field(default_factory=random.Random)

    def error(self, failure: Failure, attempts: int | None = None) -> ModelError:
        """The error raised after the last attempt; its message names provider, model and cause."""
        tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
        message = self.redactor(
            f"{self.provider} {self.operation} with model {self.model!r} failed{tries} ({failure.kind}): "
            f"{failure.cause}"
        )
        if failure.kind is FailureKind.TIMEOUT:
            return ModelTimeoutError(message)
        if failure.kind is FailureKind.RESPONSE:
            return ModelResponseError(message)
        return ModelError(message)

    def timeout_failure(self) -> Failure:
        return Failure(FailureKind.TIMEOUT, f"no answer within {self.policy.timeout_seconds:g} s")

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt`` until it succeeds, retrying transient failures; raise a ModelError at the end."""
        total = self.policy.max_retries + 1
        number = 0
        while True:
            number += 1
            try:
                async with asyncio.timeout(self.policy.timeout_seconds):
                    return await attempt()
            except PyElizaError:
                raise
            except TimeoutError as exc:
                failure = self.timeout_failure()
                self._give_up_or_continue(failure, number, total, exc)
            except Exception as exc:
                classified = self.classify(exc)
                if classified is None:
                    raise
                self._give_up_or_continue(classified, number, total, exc)
                failure = classified
            delay = self.policy.delay_before_retry(number, failure.retry_after, self.rng)
            logger.warning(
                "%s",
                self.redactor(
                    f"{self.provider} {self.operation} with model {self.model!r} failed ({failure.kind}: "
                    f"{failure.cause}); retry {number}/{total - 1} in {delay:.2f} s"
                ),
            )
            await asyncio.sleep(delay)

    def _give_up_or_continue(self, failure: Failure, number: int, total: int, exc: Exception) -> None:
        if failure.retryable and number < total:
            return
        self.redactor.scrub_exception(exc)
        raise self.error(failure, number) from exc
