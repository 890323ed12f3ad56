"""BM25 keyword ranking (the reference's ``search.ts`` parameters and tokenizer).

Unlike the reference, empty documents and empty queries are legal: they simply have no tokens, so an
empty memory text can sit in an index and an empty query matches nothing (reference weak spot §10.28).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

K1 = 1.2
B = 0.75
MIN_TOKEN_LENGTH = 2
STOP_WORDS: frozenset[str] = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "he",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "that",
        "the",
        "to",
        "was",
        "were",
        "will",
        "with",
    }
)

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_MARKS_TO_STRIP = {"™", "®", "©", "℠", "‼"}
_KEPT = re.compile(r"[^a-z0-9\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_SPACES = re.compile(r"\s+")


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x1F1E6 <= code <= 0x1F1FF
        or code == 0xFE0F
        or 0x2B00 <= code <= 0x2BFF
    )


def _normalise_char(char: str) -> str:
    """One character after the control, mark, emoji and punctuation steps of the tokenizer."""
    if char in _ZERO_WIDTH or char in _MARKS_TO_STRIP or _is_emoji(char):
        return ""
    category = unicodedata.category(char)
    if category == "Mn" or (category[0] == "C" and char not in "\t\n\r"):
        return ""
    if category[0] in "PS":
        return " "
    return char


def tokenize(text: str) -> list[str]:
    """Lowercase, NFKD, strip marks/emoji/controls, punctuation to space, keep latin digits/kana/CJK/hangul.

    Tokens shorter than two characters are dropped unless they are digits; stop words are dropped.
    """
    if not text:
        return []
    decomposed = unicodedata.normalize("NFKD", text.lower())
    cleaned = "".join(_normalise_char(char) for char in decomposed)
    kept = _SPACES.sub(" ", _KEPT.sub("", cleaned)).strip()
    return [
        token
        for token in kept.split(" ")
        if token and (len(token) >= MIN_TOKEN_LENGTH or token.isdigit()) and token not in STOP_WORDS
    ]


class BM25:
    """An in-memory BM25 index over documents given as mappings of field name to text.

    Every string field is tokenised with boost 1 (or ``field_boosts[field]``); document length is the
    token count over all fields.
    """

    def __init__(
        self,
        documents: Sequence[Mapping[str, object]] = (),
        *,
        k1: float = K1,
        b: float = B,
        field_boosts: Mapping[str, float] | None = None,
    ) -> None:
        self.k1 = k1
        self.b = b
        self._field_boosts = dict(field_boosts or {})
        self._term_frequencies: list[dict[str, float]] = []
        self._lengths: list[int] = []
        self._document_frequency: Counter[str] = Counter()
        self._total_length = 0
        for document in documents:
            self.add_document(document)

    def __len__(self) -> int:
        return len(self._lengths)

    def add_document(self, document: Mapping[str, object]) -> int:
        """Index one more document; returns its index."""
        frequencies: dict[str, float] = {}
        length = 0
        for field_name, value in document.items():
            if not isinstance(value, str):
                continue
            tokens = tokenize(value)
            boost = self._field_boosts.get(field_name, 1.0)
            for token in tokens:
                frequencies[token] = frequencies.get(token, 0.0) + boost
            length += len(tokens)
        self._term_frequencies.append(frequencies)
        self._lengths.append(length)
        self._document_frequency.update(frequencies.keys())
        self._total_length += length
        return len(self._lengths) - 1

    def idf(self, term: str) -> float:
        count = len(self._lengths)
        df = self._document_frequency.get(term, 0)
        return math.log(1.0 + (count - df + 0.5) / (df + 0.5))

    def search(self, query: str, top_k: int = 10) -> list[tuple[int, float]]:
        """``(index, score)`` pairs with score > 0, best first, at most ``top_k`` of them."""
        tokens = tokenize(query)
        if not tokens or not self._lengths or top_k <= 0:
            return []
        average = self._total_length / len(self._lengths) or 1.0
        idfs = {term: self.idf(term) for term in set(tokens)}
        scores: list[tuple[int, float]] = []
        for index, frequencies in enumerate(self._term_frequencies):
            norm = self.k1 * (1.0 - self.b + self.b * self._lengths[index] / average)
            score = 0.0
            for token in tokens:
                tf = frequencies.get(token, 0.0)
                idf = idfs[token]
                if tf and idf > 0:
                    score += idf * tf * (self.k1 + 1.0) / (tf + norm)
            if score > 0:
                scores.append((index, score))
        scores.sort(key=lambda pair: (-pair[1], pair[0]))
        return scores[:top_k]
