"""Messaging sessions (reference §8.8): a DM channel between one user and one agent that expires when idle.

Timeouts come from the server default (``SESSION_DEFAULT_TIMEOUT_MINUTES``), then the agent's settings
(``SESSION_TIMEOUT_MINUTES``, ``SESSION_AUTO_RENEW``, ``SESSION_MAX_DURATION_MINUTES``,
``SESSION_WARNING_THRESHOLD_MINUTES``), then the request's ``timeoutConfig``; every value is clamped. Sessions
live in memory; an expired session answers 410 for an hour, then it is dropped the next time the store is used
(no background sweeper).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..types import now_ms

MINUTE_MS = 60_000
MIN_TIMEOUT_MINUTES = 5
MAX_TIMEOUT_MINUTES = 1440
MAX_DURATION_MINUTES = 720
DEFAULT_WARNING_MINUTES = 5
EXPIRED_KEPT_MS = 60 * MINUTE_MS


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


@dataclass(frozen=True)
class TimeoutConfig:
    timeout_minutes: int
    auto_renew: bool = True
    max_duration_minutes: int = MAX_DURATION_MINUTES
    warning_threshold_minutes: int = DEFAULT_WARNING_MINUTES

    def merged(self, overrides: dict[str, Any]) -> TimeoutConfig:
        """This config with the camelCase keys of ``overrides`` applied (unknown or malformed values ignored)."""
        timeout = _as_int(overrides.get("timeoutMinutes"))
        duration = _as_int(overrides.get("maxDurationMinutes"))
        warning = _as_int(overrides.get("warningThresholdMinutes"))
        renew = _as_bool(overrides.get("autoRenew"))
        merged = replace(
            self,
            timeout_minutes=self.timeout_minutes if timeout is None else timeout,
            max_duration_minutes=self.max_duration_minutes if duration is None else duration,
            warning_threshold_minutes=self.warning_threshold_minutes if warning is None else warning,
            auto_renew=self.auto_renew if renew is None else renew,
        )
        return merged.clamped()

    def clamped(self) -> TimeoutConfig:
        timeout = _clamp(self.timeout_minutes, MIN_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES)
        duration = _clamp(self.max_duration_minutes, timeout, max(timeout, MAX_DURATION_MINUTES))
        warning = _clamp(self.warning_threshold_minutes, 1, timeout)
        return replace(self, timeout_minutes=timeout, max_duration_minutes=duration, warning_threshold_minutes=warning)

    def to_json(self) -> dict[str, Any]:
        return {
            "timeoutMinutes": self.timeout_minutes,
            "autoRenew": self.auto_renew,
            "maxDurationMinutes": self.max_duration_minutes,
            "warningThresholdMinutes": self.warning_threshold_minutes,
        }


def agent_overrides(get_setting: Callable[[str], Any]) -> dict[str, Any]:
    """The agent's ``SESSION_*`` settings as ``timeoutConfig`` keys (``get_setting`` is ``runtime.get_setting``)."""
    keys = {
        "timeoutMinutes": "SESSION_TIMEOUT_MINUTES",
        "autoRenew": "SESSION_AUTO_RENEW",
        "maxDurationMinutes": "SESSION_MAX_DURATION_MINUTES",
        "warningThresholdMinutes": "SESSION_WARNING_THRESHOLD_MINUTES",
    }
    found: dict[str, Any] = {}
    for name, setting in keys.items():
        value = get_setting(setting)
        if value is not None:
            found[name] = value
    return found


@dataclass
class Session:
    id: str
    agent_id: str
    user_id: str
    channel_id: str
    config: TimeoutConfig
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: int = field(default_factory=now_ms)
    last_activity: int = 0
    expires_at: int = 0
    renewal_count: int = 0

    def __post_init__(self) -> None:
        self.last_activity = self.last_activity or self.created_at
        self.expires_at = self.expires_at or self._expiry_from(self.created_at)

    def _expiry_from(self, moment: int) -> int:
        hard_end = self.created_at + self.config.max_duration_minutes * MINUTE_MS
        return min(moment + self.config.timeout_minutes * MINUTE_MS, hard_end)

    def expired(self, now: int | None = None) -> bool:
        return (now or now_ms()) >= self.expires_at

    def renew(self, now: int | None = None) -> bool:
        """Push the expiry to ``now`` + timeout (capped by the maximum duration); True when it moved."""
        moment = now or now_ms()
        self.last_activity = moment
        expiry = self._expiry_from(moment)
        if expiry <= self.expires_at:
            return False
        self.expires_at = expiry
        self.renewal_count += 1
        return True

    def reconfigure(self, config: TimeoutConfig) -> None:
        self.config = config
        self.expires_at = self._expiry_from(self.last_activity)

    def status(self, now: int | None = None) -> dict[str, Any]:
        moment = now or now_ms()
        remaining = max(0, self.expires_at - moment)
        return {
            "expiresAt": self.expires_at,
            "timeRemaining": remaining,
            "isNearExpiration": remaining <= self.config.warning_threshold_minutes * MINUTE_MS,
            "renewalCount": self.renewal_count,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "sessionId": self.id,
            "channelId": self.channel_id,
            "agentId": self.agent_id,
            "userId": self.user_id,
            "createdAt": self.created_at,
            "lastActivity": self.last_activity,
            "metadata": self.metadata,
            "timeoutConfig": self.config.to_json(),
            **self.status(),
        }


class SessionStore:
    """The server's live sessions, keyed by id."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def add(self, session: Session) -> None:
        self.purge_expired()
        self._sessions[session.id] = session

    def get(self, session_id: str) -> Session | None:
        """The session, even when it has expired (the caller answers 410 and removes it)."""
        return self._sessions.get(session_id)

    def remove(self, session_id: str) -> Session | None:
        return self._sessions.pop(session_id, None)

    def purge_expired(self) -> int:
        """Drop sessions that expired more than :data:`EXPIRED_KEPT_MS` ago; returns how many."""
        cutoff = now_ms() - EXPIRED_KEPT_MS
        gone = [key for key, session in self._sessions.items() if session.expires_at < cutoff]
        for key in gone:
            del self._sessions[key]
        return len(gone)

    def active(self) -> list[Session]:
        self.purge_expired()
        moment = now_ms()
        return sorted((s for s in self._sessions.values() if not s.expired(moment)), key=lambda s: s.created_at)
