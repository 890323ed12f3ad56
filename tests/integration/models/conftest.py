"""Fixtures of the model-provider tests: real fake servers on 127.0.0.1 and a settings-only runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from tests.support.fake_anthropic import FakeAnthropic
from tests.support.fake_openai import FakeOpenAI

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


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def fake_anthropic() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as server:
        yield server


def fast_retry_settings(prefix: str) -> dict[str, Any]:
    """Retry settings that keep the fault tests quick (tiny back-off, short timeout)."""
    return {
        f"{prefix}_TIMEOUT_SECONDS": "2",
        f"{prefix}_MAX_RETRIES": "2",
        f"{prefix}_RETRY_BASE_DELAY_SECONDS": "0.01",
        f"{prefix}_RETRY_MAX_DELAY_SECONDS": "2",
    }


@pytest.fixture
def openai_runtime(fake_openai: FakeOpenAI) -> SettingsRuntime:
    return SettingsRuntime(
        {"OPENAI_API_KEY": OPENAI_TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url, **fast_retry_settings("OPENAI")}
    )


@pytest.fixture
def anthropic_runtime(fake_anthropic: FakeAnthropic) -> SettingsRuntime:
    return SettingsRuntime(
        {
            "ANTHROPIC_API_KEY": ANTHROPIC_TEST_KEY,
            "ANTHROPIC_BASE_URL": fake_anthropic.root_url,
            **fast_retry_settings("ANTHROPIC"),
        }
    )
