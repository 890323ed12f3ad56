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


def replace_name_placeholders(text: str, rng: random.Random | None = None) -> str:
    """Replace each ``{{nameN}}`` with a random first name, the same name for the same N, distinct per N."""
    found = sorted(set(NAME_PLACEHOLDER.findall(text)))
    if not found:
        return text
    chooser = rng or SHARED
    chosen = dict(zip(found, chooser.sample(FIRST_NAMES, len(found)), strict=True))
    return NAME_PLACEHOLDER.sub(lambda match: chosen[match.group(1)], text)
