"""Attachments: images described by IMAGE_DESCRIPTION, text documents fetched from a real loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_reply, xml_response
from pyeliza.types import ContentType, Media, ModelType

from .conftest import CHARACTER, Agent

BIG = "x" * 5000


@pytest.fixture
async def files() -> AsyncIterator[str]:
    async def notes(request: web.Request) -> web.Response:
        return web.Response(text="Meeting moved to Friday.", content_type="text/plain")

    async def big(request: web.Request) -> web.Response:
        return web.Response(text=BIG, content_type="text/plain")

    async def binary(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.4", content_type="application/pdf")

    async def photo(request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG fake", content_type="image/png")

    app = web.Application()
    app.router.add_get("/notes.txt", notes)
    app.router.add_get("/big.txt", big)
    app.router.add_get("/doc.pdf", binary)
    app.router.add_get("/photo.png", photo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def viewer(database_url: str | None) -> AsyncIterator[tuple[Agent, list[Any]]]:
    seen: list[Any] = []

    async def describe(runtime: object, params: Any) -> str:
        seen.append(params)
        return xml_response(title="A cat", description="A grey cat on a sofa.", text="")

    small, large = ScriptedModel([]), ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        database_url=database_url,
        models={ModelType.TEXT_SMALL: small, ModelType.TEXT_LARGE: large, ModelType.IMAGE_DESCRIPTION: describe},
        settings={"PYELIZA_RECOVER_ON_START": "false", "ATTACHMENT_MAX_BYTES": "1000"},
    ) as runtime:
        yield Agent(runtime, small, large), seen


async def _stored_attachments(conv: Conversation, text: str) -> list[Media]:
    stored = next(m for m in await conv.history() if m.content.text == text)
    return list(stored.content.attachments or [])


async def test_text_document_is_fetched_and_image_described(viewer: tuple[Agent, list[Any]], files: str) -> None:
    agent, seen = viewer
    agent.large.add(xml_reply("Got them."))
    conv = await Conversation.start(agent.runtime)
    attachments = [
        Media(id="doc", url=f"{files}/notes.txt", content_type=ContentType.DOCUMENT),
        Media(id="img", url=f"{files}/photo.png", content_type=ContentType.IMAGE),
        Media(id="described", url=f"{files}/photo.png", description="already described"),
    ]

    assert await conv.say("see attached", attachments=attachments) == "Got them."

    doc, image, described = await _stored_attachments(conv, "see attached")
    assert doc.text == "Meeting moved to Friday." and doc.title == "Text File"
    assert image.description == "A grey cat on a sofa." and image.title == "A cat"
    assert image.text == "A grey cat on a sofa."
    assert described.description == "already described"
    assert len(seen) == 1 and seen[0].image_url.startswith("data:image/png;base64,")


async def test_failed_downloads_are_logged_and_the_message_is_still_answered(
    viewer: tuple[Agent, list[Any]], files: str, caplog: pytest.LogCaptureFixture
) -> None:
    agent, _ = viewer
    agent.large.add(xml_reply("Answered anyway."))
    conv = await Conversation.start(agent.runtime)
    attachments = [
        Media(id="missing", url=f"{files}/nothing.txt", content_type=ContentType.DOCUMENT),
        Media(id="too-big", url=f"{files}/big.txt", content_type=ContentType.DOCUMENT),
        Media(id="pdf", url=f"{files}/doc.pdf", content_type=ContentType.DOCUMENT),
        Media(id="ok", url=f"{files}/notes.txt", content_type=ContentType.DOCUMENT),
    ]

    assert await conv.say("files", attachments=attachments) == "Answered anyway."

    missing, big, pdf, ok = await _stored_attachments(conv, "files")
    assert (missing.text, big.text, pdf.text) == (None, None, None)
    assert ok.text == "Meeting moved to Friday."
    warnings = [r.getMessage() for r in caplog.records if r.name == "pyeliza.messaging" and r.levelname == "WARNING"]
    assert any("attachment missing" in w and "404" in w for w in warnings)
    assert any("attachment too-big" in w and "larger than 1000 bytes" in w for w in warnings)


async def test_images_are_left_alone_without_a_description_model(database_url: str | None, files: str) -> None:
    large = ScriptedModel([xml_reply("Nice picture.")])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        database_url=database_url,
        models={ModelType.TEXT_SMALL: ScriptedModel([]), ModelType.TEXT_LARGE: large},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        conv = await Conversation.start(runtime)
        image = Media(id="img", url=f"{files}/photo.png", content_type=ContentType.IMAGE)
        assert await conv.say("look", attachments=[image]) == "Nice picture."
        (stored,) = await _stored_attachments(conv, "look")
        assert stored.description is None
