"""Keeps credentials out of log lines and error messages."""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[REDACTED]"

# Shapes of credentials we may not know the value of (a key of another provider echoed by a proxy).
_KEY_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9_\-.~+/=]{8,}"),
    re.compile(r"(?i)(x-api-key['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9_\-.]{8,}"),
)


class Redactor:
    """Replaces known secret values and anything shaped like an API key with ``[REDACTED]``."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _KEY_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
        return text

    def scrub_exception(self, exc: BaseException) -> None:
        """Redact the message of an SDK exception in place, so a chained traceback cannot leak a key."""
        if not exc.args:
            return
        cleaned = tuple(self(arg) if isinstance(arg, str) else arg for arg in exc.args)
        if cleaned != exc.args:
            exc.args = cleaned
            if isinstance(getattr(exc, "message", None), str):
                exc.message = self(exc.message)  # type: ignore[attr-defined]
