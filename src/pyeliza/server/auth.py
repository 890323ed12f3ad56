"""The shared-secret check used by REST requests and Socket.IO connections."""

from __future__ import annotations

import hmac
from collections.abc import Mapping


def token_matches(provided: str | None, expected: str | None) -> bool:
    """True when no token is configured, or ``provided`` equals it (constant-time comparison)."""
    if not expected:
        return True
    if not provided:
        return False
    return hmac.compare_digest(provided.encode("utf-8"), expected.encode("utf-8"))


def token_from_headers(headers: Mapping[str, str]) -> str | None:
    """The API key of a request: ``X-API-KEY``, else an ``Authorization: Bearer`` token."""
    key = headers.get("x-api-key")
    if key:
        return key
    authorization = headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def token_from_socket_auth(auth: object, headers: Mapping[str, str]) -> str | None:
    """The API key of a socket handshake: ``auth.apiKey`` / ``auth.token``, else the request headers."""
    if isinstance(auth, Mapping):
        for key in ("apiKey", "token"):
            value = auth.get(key)
            if isinstance(value, str) and value:
                return value
    return token_from_headers(headers)
