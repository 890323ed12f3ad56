"""Forward only the ``<text>`` part of a streamed XML answer to the caller's chunk callback."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from ..types.models import StreamChunkCallback

_OPEN = "<text>"
_CLOSE = "</text>"


class TextTagStream:
    """Incrementally extracts the content of the first ``<text>`` element from streamed chunks."""

    def __init__(self) -> None:
        self._buffer = ""
        self._sent = 0
        self.done = False

    def feed(self, chunk: str) -> str:
        """Add a chunk; return the new text that can safely be shown (never a partial closing tag)."""
        if self.done:
            return ""
        self._buffer += chunk
        start = self._buffer.find(_OPEN)
        if start < 0:
            return ""
        body_start = start + len(_OPEN)
        end = self._buffer.find(_CLOSE, body_start)
        if end >= 0:
            self.done = True
            safe_end = end
        else:
            safe_end = len(self._buffer)
            for keep in range(min(len(_CLOSE) - 1, safe_end - body_start), 0, -1):
                if _CLOSE.startswith(self._buffer[safe_end - keep : safe_end]):
                    safe_end -= keep
                    break
        begin = max(body_start, body_start + self._sent)
        out = self._buffer[begin:safe_end]
        self._sent += len(out)
        return out


def text_stream_forwarder(
    on_chunk: StreamChunkCallback, message_id: str
) -> Callable[[str, str | None], Awaitable[None]]:
    """A chunk callback for the model call that streams the reply text (keyed by the response id)."""
    stream = TextTagStream()

    async def forward(chunk: str, _message_id: str | None = None) -> None:
        text = stream.feed(chunk)
        if text:
            outcome = on_chunk(text, message_id)
            if inspect.isawaitable(outcome):
                await outcome

    return forward
