"""Character files: loading with clear errors, and the default character shipped with pyeliza."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

from ..errors import CharacterError
from ..types import Character, parse_character
from .env_secrets import env_secrets, with_env_secrets

__all__ = [
    "DEFAULT_CHARACTER_FILE",
    "default_character",
    "env_secrets",
    "is_url",
    "load_character",
    "parse_character_text",
    "with_env_secrets",
]

DEFAULT_CHARACTER_FILE = "eliza.json"


def parse_character_text(text: str, source: str) -> Character:
    """Parse character JSON text; errors name ``source`` and, for bad JSON, the line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CharacterError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc
    return parse_character(data, source)


def is_url(path: str | Path) -> bool:
    """True for ``scheme://...`` strings: characters are only loaded from local files."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", str(path)))


def load_character(path: str | Path) -> Character:
    """Read and validate one character file (``.json`` is appended when the bare name does not exist).

    URLs are refused: fetching a character from the network is the caller's decision, not the loader's.
    """
    if is_url(path):
        raise CharacterError(f"{path}: characters are loaded from local files only, not URLs; send the JSON instead")
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
