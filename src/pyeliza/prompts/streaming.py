"""Incremental extractors that turn a model's streamed XML into the text a user should see (§4.10).

Each ``push(chunk)`` returns the text that can be shown now (possibly ``""``). Closing tags split across
chunks are never leaked: the last few characters are held back until it is clear they are not a tag.
"""

from __future__ import annotations

import re

from ..errors import InvalidInputError
from .xml_parser import unescape_xml

SAFETY_MARGIN = 10
MAX_CHUNK_CHARS = 1024 * 1024
MAX_BUFFER_CHARS = 100 * 1024
_SEARCH_TAIL = 256
_ENTITY_MAX = 6


def _check_chunk(chunk: str) -> None:
    if len(chunk) > MAX_CHUNK_CHARS:
        raise InvalidInputError(f"stream chunk of {len(chunk)} characters exceeds the limit of {MAX_CHUNK_CHARS}")


def _entity_safe_cut(text: str, cut: int) -> int:
    """Move ``cut`` back so it does not split an ``&entity;``."""
    amp = text.rfind("&", max(0, cut - _ENTITY_MAX), cut)
    if amp != -1 and text.find(";", amp, cut) == -1:
        return amp
    return cut


class XmlTagExtractor:
    """Streams only the inside of the first ``<tag>…</tag>``; ``done`` once the closing tag was seen."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self._open = re.compile(rf"<{re.escape(tag)}(?:\s[^<>]*)?>")
        self._close = f"</{tag}>"
        self._margin = max(SAFETY_MARGIN, len(self._close))
        self.reset()

    def reset(self) -> None:
        self._buffer = ""
        self._inside = False
        self.done = False

    def push(self, chunk: str) -> str:
        _check_chunk(chunk)
        if self.done:
            return ""
        self._buffer += chunk
        if not self._inside:
            opening = self._open.search(self._buffer)
            if opening is None:
                self._buffer = self._buffer[-_SEARCH_TAIL:]
                return ""
            self._inside = True
            self._buffer = self._buffer[opening.end() :]
        close = self._buffer.find(self._close)
        if close != -1:
            text, self._buffer, self.done = self._buffer[:close], "", True
            return unescape_xml(text)
        cut = _entity_safe_cut(self._buffer, len(self._buffer) - self._margin)
        if cut <= 0:
            return ""
        text, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return unescape_xml(text)

    def flush(self) -> str:
        """At the end of the stream: the held-back text of an element that was opened but never closed."""
        if not self._inside or self.done:
            return ""
        text, self._buffer, self.done = self._buffer, "", True
        return unescape_xml(text)


class ResponseStreamExtractor:
    """For single-shot replies: streams ``<text>`` only when ``<actions>`` is exactly ``REPLY``.

    Nothing is shown until the actions element is complete, because other actions produce their own output.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._buffer = ""
        self._text: XmlTagExtractor | None = None
        self._decided = False

    @property
    def done(self) -> bool:
        return self._decided and (self._text is None or self._text.done)

    @property
    def streams_text(self) -> bool:
        """True once it is known that the reply text is being streamed."""
        return self._text is not None

    def push(self, chunk: str) -> str:
        _check_chunk(chunk)
        if self._decided:
            return self._text.push(chunk) if self._text is not None else ""
        self._buffer += chunk
        start = self._buffer.find("<actions>")
        end = self._buffer.find("</actions>", start + 1) if start != -1 else -1
        if end == -1:
            if len(self._buffer) > MAX_BUFFER_CHARS:
                self._decided, self._buffer = True, ""
            return ""
        self._decided = True
        actions = [name.strip().upper() for name in self._buffer[start + len("<actions>") : end].split(",")]
        buffered, self._buffer = self._buffer, ""
        if actions != ["REPLY"]:
            return ""
        self._text = XmlTagExtractor("text")
        return self._text.push(buffered)


class ActionStreamFilter:
    """Inside actions: JSON output is never streamed, XML streams its ``<text>``, plain text streams as is.

    The kind is decided by the first non-whitespace character; call ``reset()`` between model calls.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.mode: str | None = None
        self._xml = XmlTagExtractor("text")

    def push(self, chunk: str) -> str:
        _check_chunk(chunk)
        if self.mode is None:
            stripped = chunk.lstrip()
            if not stripped:
                return ""
            chunk = stripped
            first = stripped[0]
            self.mode = "json" if first in "{[" else "xml" if first == "<" else "text"
        if self.mode == "json":
            return ""
        if self.mode == "xml":
            return self._xml.push(chunk)
        return chunk
