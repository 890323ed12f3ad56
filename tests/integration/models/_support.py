"""Shared pieces of the model-provider tests: test keys, a settings-only runtime, fast retry settings."""

from __future__ import annotations

from typing import Any

from pyeliza.types import Character

OPENAI_TEST_KEY = "sk-test-openai-0123456789abcdef"
ANTHROPIC_TEST_KEY = "sk-ant-test-0123456789abcdef"


class SettingsRuntime:
    """The part of AgentRuntime a model handler uses: settings and the character."""

    def __init__(self, settings: dict[str, Any], system: str | None = "You are Eliza, a helpful agent.") -> None:
        self.settings = settings
        self.character = Character(name="Eliza", bio="A test agent.", system=system)

    def get_setting(self, key: str) -> Any:
        return self.settings.get(key)


def fast_retry_settings(prefix: str) -> dict[str, Any]:
    """Retry settings that keep the fault tests quick (tiny back-off, short timeout)."""
    return {
        f"{prefix}_TIMEOUT_SECONDS": "2",
        f"{prefix}_MAX_RETRIES": "2",
        f"{prefix}_RETRY_BASE_DELAY_SECONDS": "0.01",
        f"{prefix}_RETRY_MAX_DELAY_SECONDS": "2",
    }
