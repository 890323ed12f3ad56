"""Server settings read from the environment (``PYELIZA_*``), with safe defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigurationError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
DEFAULT_UPLOAD_LIMIT = 50 * 1024 * 1024
DEFAULT_SESSION_TIMEOUT_MINUTES = 30


def _int_setting(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{key} must be an integer, got {raw!r}") from exc
    if not low <= value <= high:
        raise ConfigurationError(f"{key} must be between {low} and {high}, got {value}")
    return value


@dataclass(frozen=True)
class ServerConfig:
    """Everything the server needs to know about its surroundings.

    ``auth_token`` protects both the REST API and Socket.IO (one variable for both). ``cors_origins`` empty
    means no cross-origin access; ``["*"]`` allows any origin.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    auth_token: str | None = None
    cors_origins: tuple[str, ...] = ()
    data_dir: Path = field(default_factory=lambda: Path(".pyeliza"))
    database_url: str | None = None
    upload_limit_bytes: int = DEFAULT_UPLOAD_LIMIT
    ui_enabled: bool = True
    session_timeout_minutes: int = DEFAULT_SESSION_TIMEOUT_MINUTES

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServerConfig:
        source = os.environ if env is None else env
        origins = tuple(o.strip() for o in source.get("PYELIZA_CORS_ORIGINS", "").split(",") if o.strip())
        return cls(
            host=source.get("PYELIZA_SERVER_HOST") or DEFAULT_HOST,
            port=_int_setting(source, "PYELIZA_SERVER_PORT", DEFAULT_PORT, 0, 65535),
            auth_token=source.get("PYELIZA_SERVER_AUTH_TOKEN") or None,
            cors_origins=origins,
            data_dir=Path(source.get("PYELIZA_DATA_DIR") or ".pyeliza"),
            database_url=source.get("PYELIZA_DATABASE_URL") or source.get("POSTGRES_URL") or None,
            upload_limit_bytes=_int_setting(
                source, "PYELIZA_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_LIMIT, 1, 10 * 1024 * 1024 * 1024
            ),
            ui_enabled=(source.get("PYELIZA_UI_ENABLE", "true").strip().lower() not in ("false", "0", "no")),
            session_timeout_minutes=_int_setting(
                source, "SESSION_DEFAULT_TIMEOUT_MINUTES", DEFAULT_SESSION_TIMEOUT_MINUTES, 1, 10080
            ),
        )
