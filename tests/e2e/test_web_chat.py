"""The web chat page in headless Chromium: pick the agent, send a message, see the streamed reply."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from pyeliza.characters import default_character
from pyeliza.server import AgentServer, RunningServer, ServerConfig, bind_socket

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
async def eliza_server(tmp_path: Path) -> AsyncIterator[str]:
    """The out-of-the-box server: default character, offline classic model, local embeddings."""
    async with AgentServer(ServerConfig(data_dir=tmp_path / "data", port=0), env={}) as server:
        await server.start_agent(default_character())
        running = RunningServer(server, bind_socket("127.0.0.1", 0))
        await running.start()
        try:
            yield running.url
        finally:
            await running.stop()


@pytest.fixture
def chromium() -> str:
    """Debian's chromium; the test fails (never skips) when it is missing."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if found is None:
        pytest.fail(
            f"Debian's chromium is required for the browser test: {CHROMIUM} not found (`make test` installs it)"
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return found


@pytest.mark.browser
async def test_chat_page_sends_a_message_and_shows_the_reply(eliza_server: str, chromium: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(eliza_server + "/")
            agent_button = page.locator("#agents button", has_text="Eliza")
            await expect(agent_button).to_be_visible()
            await agent_button.click()
            await expect(page.locator("#chat-title")).to_have_text("Chat with Eliza")
            await page.fill("#message-input", "Hello Eliza, I feel a little anxious today.")
            await page.click("#send-button")
            await expect(page.locator(".message.user")).to_have_text("Hello Eliza, I feel a little anxious today.")
            reply = page.locator(".message.agent:not(.streaming) .text").first
            await expect(reply).not_to_be_empty(timeout=30_000)
            await expect(page.locator(".message.agent .meta .actions").first).to_contain_text("REPLY")
            await page.click("button[data-tab=memories]")
            await expect(page.locator("#inspect .item").first).to_be_visible()
            await page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)
            assert errors == []
        finally:
            await browser.close()
