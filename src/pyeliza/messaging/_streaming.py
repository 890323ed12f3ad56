"""Forward only the reply text of streamed model answers to the caller's chunk callback."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from ..prompts import ResponseStreamExtractor, XmlTagExtractor
from ..types.models import StreamChunkCallback


def text_stream_forwarder(
    on_chunk: StreamChunkCallback, message_id: str, *, plan: bool = False
) -> Callable[[str, str | None], Awaitable[None]]:
    """A chunk callback for model calls that streams the ``<text>`` element, keyed by the response id.

    For the plan (``plan=True``) the text is streamed only when ``<actions>`` is exactly REPLY: in a plan with
    other actions the text is not the reply (the actions send their own output).
    """
    extractor: ResponseStreamExtractor | XmlTagExtractor = (
        ResponseStreamExtractor() if plan else XmlTagExtractor("text")
    )

    async def forward(chunk: str, _message_id: str | None = None) -> None:
        text = extractor.push(chunk)
        if text:
            outcome = on_chunk(text, message_id)
            if inspect.isawaitable(outcome):
                await outcome

    return forward
