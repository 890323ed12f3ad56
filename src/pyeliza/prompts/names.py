"""First names used to fill ``{{name1}}``..``{{name10}}`` placeholders in examples."""

from __future__ import annotations

import random
import re

from ._random import SHARED

FIRST_NAMES: tuple[str, ...] = (
    "Alex", "Amara", "Bea", "Bruno", "Chen", "Clara", "Dario", "Dina", "Emil", "Esme",
    "Farah", "Felix", "Greta", "Hana", "Hugo", "Ines", "Ivan", "Jonas", "Jun", "Kira",
    "Leo", "Lina", "Malik", "Mara", "Nadia", "Noor", "Oskar", "Pia", "Quinn", "Rafael",
    "Rosa", "Sami", "Sofia", "Tariq", "Tess", "Umar", "Vera", "Wren", "Yara", "Zane",
)  # fmt: skip

NAME_PLACEHOLDER = re.compile(r"\{\{(name(?:10|[1-9]))\}\}")


_MAX_SPLITS = 1024
_MAX_SPLIT_CHARS = 4096
_splits: dict[str, tuple[list[str], list[str]]] = {}


def _split(text: str) -> tuple[list[str], list[str]]:
    """``text`` cut at its placeholders (literal, placeholder, literal, ...) and its distinct placeholders, sorted.

    Remembered for short texts: prompts render the same few example texts with fresh names every time (a whole
    prompt is rendered once and is not kept).
    """
    found = _splits.get(text)
    if found is None:
        pieces = NAME_PLACEHOLDER.split(text)
        found = (pieces, sorted(set(pieces[1::2])))
        if len(text) <= _MAX_SPLIT_CHARS:
            if len(_splits) >= _MAX_SPLITS:
                _splits.clear()
            _splits[text] = found
    return found


def _pick_names(count: int, chooser: random.Random) -> list[str]:
    """``count`` distinct random first names: a partial shuffle (``random.sample`` costs twice as much for two)."""
    names = list(FIRST_NAMES)
    for index in range(count):
        other = index + int(chooser.random() * (len(names) - index))
        names[index], names[other] = names[other], names[index]
    return names[:count]


def replace_name_placeholders(text: str, rng: random.Random | None = None) -> str:
    """Replace each ``{{nameN}}`` with a random first name, the same name for the same N, distinct per N."""
    if "{{name" not in text:
        return text
    pieces, found = _split(text)
    if not found:
        return text
    chosen = dict(zip(found, _pick_names(len(found), rng or SHARED), strict=True))
    filled = pieces.copy()
    for index in range(1, len(filled), 2):
        filled[index] = chosen[filled[index]]
    return "".join(filled)
