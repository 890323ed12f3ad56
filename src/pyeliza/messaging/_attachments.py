"""Attachment processing (reference §6.7, §10.24 fixed): describe images, fetch text documents.

Every attachment is handled on its own: a failed download or description is logged with the attachment's id
and the attachment is kept as it was, so the message is still handled. Downloads use httpx, stop at
``ATTACHMENT_MAX_BYTES`` (default 1 MB) and time out after ``ATTACHMENT_TIMEOUT_MS`` (default 10 s).
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from ..errors import InvalidInputError, PyElizaError
from ..prompts import IMAGE_DESCRIPTION_TEMPLATE, parse_response
from ..types import ContentType, Media, ModelType
from ._settings import int_setting

if TYPE_CHECKING:
    from ..runtime import AgentRuntime

logger = logging.getLogger("pyeliza.messaging")

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_TIMEOUT_MS = 10_000
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp")


def absolute_url(url: str, port: int) -> str:
    """Relative URLs point at this agent's own server, like the reference."""
    return f"http://localhost:{port}{url}" if url.startswith("/") else url


def is_image(media: Media) -> bool:
    return media.content_type == ContentType.IMAGE or urlsplit(media.url).path.lower().endswith(_IMAGE_SUFFIXES)


def is_document(media: Media) -> bool:
    return media.content_type == ContentType.DOCUMENT


class AttachmentProcessor:
    """Enriches a message's attachments; one instance per message."""

    def __init__(self, runtime: AgentRuntime) -> None:
        self._runtime = runtime
        self._max_bytes = int_setting(runtime, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES, low=1)
        self._timeout_s = int_setting(runtime, "ATTACHMENT_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, low=1) / 1000.0
        self._port = int_setting(runtime, "SERVER_PORT", 3000, low=1, high=65535)

    async def process(self, attachments: list[Media]) -> list[Media]:
        """The attachments, each enriched where possible; order and count are kept."""
        async with httpx.AsyncClient(timeout=self._timeout_s, follow_redirects=True) as client:
            return [await self._one(client, media) for media in attachments]

    async def _one(self, client: httpx.AsyncClient, media: Media) -> Media:
        url = absolute_url(media.url, self._port)
        try:
            if is_image(media) and not media.description:
                return await self._describe(client, media, url)
            if is_document(media) and not media.text:
                return await self._fetch_text(client, media, url)
        except (httpx.HTTPError, PyElizaError) as exc:
            logger.warning("attachment %s (%s) could not be processed: %s", media.id, url, exc)
        return media

    async def _download(self, client: httpx.AsyncClient, url: str) -> tuple[bytes, str]:
        """The body (at most ``max_bytes``) and its media type; InvalidInputError when larger."""
        async with client.stream("GET", url) as response:
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > self._max_bytes:
                    raise InvalidInputError(f"attachment {url} is larger than {self._max_bytes} bytes")
            kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            return bytes(body), kind

    async def _describe(self, client: httpx.AsyncClient, media: Media, url: str) -> Media:
        if self._runtime.get_model(ModelType.IMAGE_DESCRIPTION) is None:
            return media
        image_url = url
        if urlsplit(url).hostname in LOCAL_HOSTS:  # a remote model cannot reach our loopback: inline the image
            body, kind = await self._download(client, url)
            image_url = f"data:{kind or 'image/png'};base64,{base64.b64encode(body).decode('ascii')}"
        answer = await self._runtime.use_model(
            ModelType.IMAGE_DESCRIPTION, {"prompt": IMAGE_DESCRIPTION_TEMPLATE, "image_url": image_url}
        )
        described = _description_fields(answer)
        if described is None:
            logger.warning("attachment %s: the image description model gave no description", media.id)
            return media
        title, description, text = described
        return media.model_copy(update={"title": media.title or title, "description": description, "text": text})

    async def _fetch_text(self, client: httpx.AsyncClient, media: Media, url: str) -> Media:
        body, kind = await self._download(client, url)
        if not kind.startswith("text/"):
            logger.info("attachment %s: %s is not text; kept without text", media.id, kind or "unknown type")
            return media
        text = body.decode("utf-8", errors="replace")
        return media.model_copy(update={"text": text, "title": media.title or "Text File"})


def _description_fields(answer: Any) -> tuple[str, str, str] | None:
    """(title, description, text) from a string (XML) or an object answer."""
    if isinstance(answer, str):
        parsed: Any = parse_response(answer) or {}
    elif isinstance(answer, dict):
        parsed = answer
    else:
        parsed = {"title": getattr(answer, "title", None), "description": getattr(answer, "description", None)}
    description = str(parsed.get("description") or "").strip()
    if not description:
        return None
    title = str(parsed.get("title") or "").strip() or "Image"
    text = str(parsed.get("text") or "").strip() or description
    return title, description, text
