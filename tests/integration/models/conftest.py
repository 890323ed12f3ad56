"""Fixtures of the model-provider tests: fake provider servers on 127.0.0.1 and settings-only runtimes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tests.integration.models._support import (
    ANTHROPIC_TEST_KEY,
    OPENAI_TEST_KEY,
    SettingsRuntime,
    fast_retry_settings,
)
from tests.support.fake_anthropic import FakeAnthropic
from tests.support.fake_openai import FakeOpenAI


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def fake_anthropic() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as server:
        yield server


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
