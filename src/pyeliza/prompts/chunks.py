"""Recursive character splitting of long documents into overlapping chunks."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InvalidInputError

CHARS_PER_TOKEN = 3.5
SEPARATORS: tuple[str, ...] = ("\n\n", "\n", " ", "")


def split_chunks(content: str, chunk_size: int = 512, bleed: int = 20) -> list[str]:
    """Split ``content`` into chunks of about ``chunk_size`` tokens with ``bleed`` tokens of overlap.

    Sizes are converted to characters (×3.5). Paragraph breaks are preferred, then line breaks, then spaces;
    a piece with none of them is cut hard.
    """
    if chunk_size <= 0 or bleed < 0:
        raise InvalidInputError(f"split_chunks needs chunk_size > 0 and bleed >= 0, got {chunk_size} and {bleed}")
    size = int(chunk_size * CHARS_PER_TOKEN)
    overlap = min(int(bleed * CHARS_PER_TOKEN), size // 2)
    if not content.strip():
        return []
    return [chunk for chunk in _split(content, size, overlap, SEPARATORS) if chunk.strip()]


def _split(text: str, size: int, overlap: int, separators: Sequence[str]) -> list[str]:
    if len(text) <= size:
        return [text.strip()]
    separator = next((sep for sep in separators if sep == "" or sep in text), "")
    rest = separators[separators.index(separator) + 1 :] if separator else ()
    pieces = list(text) if separator == "" else text.split(separator)
    small: list[str] = []
    for piece in pieces:
        if len(piece) > size and rest:
            small.extend(_split(piece, size, overlap, rest))
        else:
            small.append(piece)
    return _merge(small, separator, size, overlap)


def _merge(pieces: list[str], separator: str, size: int, overlap: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    length = 0
    for piece in pieces:
        extra = len(piece) + (len(separator) if current else 0)
        if current and length + extra > size:
            chunks.append(separator.join(current).strip())
            while current and (length > overlap or length + extra > size):
                length -= len(current[0]) + (len(separator) if len(current) > 1 else 0)
                current.pop(0)
            extra = len(piece) + (len(separator) if current else 0)
        current.append(piece)
        length += extra
    if current:
        chunks.append(separator.join(current).strip())
    return chunks
