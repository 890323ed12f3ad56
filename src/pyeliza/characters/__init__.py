"""Character files: loading with clear errors, and the default character shipped with pyeliza."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from ..errors import CharacterError
from ..types import Character, parse_character

DEFAULT_CHARACTER_FILE = "eliza.json"


def parse_character_text(text: str, source: str) -> Character:
    """Parse character JSON text; errors name ``source`` and, for bad JSON, the line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CharacterError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc
    return parse_character(data, source)


def load_character(path: str | Path) -> Character:
    """Read and validate one character file (``.json`` is appended when the bare name does not exist)."""
    candidate = Path(path)
    if not candidate.exists() and candidate.suffix != ".json" and candidate.with_suffix(".json").exists():
        candidate = candidate.with_suffix(".json")
    try:
        text = candidate.read_text(encoding="utf-8")
    except OSError as exc:
        raise CharacterError(f"{path}: cannot read character file: {exc.strerror or exc}") from exc
    return parse_character_text(text, str(path))


def default_character() -> Character:
    """Eliza, the character served when no character file is given."""
    text = files(__name__).joinpath(DEFAULT_CHARACTER_FILE).read_text(encoding="utf-8")
    return parse_character_text(text, DEFAULT_CHARACTER_FILE)
