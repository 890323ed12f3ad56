"""Running the ``pyeliza`` command as a real subprocess with a clean environment."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

PYELIZA = str(Path(sys.executable).with_name("pyeliza"))
PROVIDER_KEYS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "OLLAMA_BASE_URL", "OLLAMA_API_ENDPOINT")


def clean_env(**extra: str) -> dict[str, str]:
    """The test environment without model provider keys or a server token: the out-of-the-box setup."""
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_KEYS and not k.startswith("PYELIZA_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1", **extra})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
