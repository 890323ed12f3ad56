"""Small text parsers: JSON objects from model output, booleans, sentence-aware truncation."""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\n?(.*?)```", re.DOTALL)
_UNQUOTED_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_-]*)(\s*:)")
_SINGLE_QUOTED = re.compile(r"'((?:[^'\\\n]|\\.)*)'")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_PY_LITERALS = {"True": "true", "False": "false", "None": "null"}
_PY_LITERAL = re.compile(r"(?<![\"\w])(True|False|None)(?![\"\w])")
_TRUE_WORDS = frozenset({"YES", "Y", "TRUE", "T", "1", "ON", "ENABLE"})


def strip_code_fence(text: str) -> str:
    """The body of the first fenced block (preferring a ``json`` block) or the text itself."""
    blocks = _FENCE.findall(text)
    for language, body in blocks:
        if language.lower() == "json":
            return str(body).strip()
    return str(blocks[0][1]).strip() if blocks else text.strip()


def _loads_object(candidate: str) -> dict[str, Any] | None:
    try:
        value = json.loads(candidate)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _sloppy_to_json(candidate: str) -> str:
    def requote(match: re.Match[str]) -> str:
        return json.dumps(match.group(1).replace("\\'", "'"))

    fixed = _SINGLE_QUOTED.sub(requote, candidate)
    fixed = _UNQUOTED_KEY.sub(r'\1"\2"\3', fixed)
    fixed = _PY_LITERAL.sub(lambda match: _PY_LITERALS[match.group(1)], fixed)
    return _TRAILING_COMMA.sub(r"\1", fixed)


def parse_json_object(text: str | None) -> dict[str, Any] | None:
    """A JSON object from model output: fenced or bare, with prose around it, or sloppy (single quotes,
    unquoted keys, trailing commas, Python literals). Arrays and anything unparsable give ``None``."""
    if not text:
        return None
    body = strip_code_fence(text)
    parsed = _loads_object(body)
    if parsed is not None:
        return parsed
    start, end = body.find("{"), body.rfind("}")
    if start == -1 or end <= start:
        return None
    candidate = body[start : end + 1]
    return _loads_object(candidate) or _loads_object(_sloppy_to_json(candidate))


def parse_boolean_from_text(value: str | bool | None) -> bool:
    """True for YES, Y, TRUE, T, 1, ON, ENABLE (trimmed, any case); a bool passes through; else False."""
    if isinstance(value, bool):
        return value
    if not value:
        return False
    return value.strip().upper() in _TRUE_WORDS


def truncate_to_complete_sentence(text: str, max_length: int) -> str:
    """Cut ``text`` to at most ``max_length`` characters, preferring the end of a sentence, then a word."""
    if len(text) <= max_length:
        return text
    last_period = text.rfind(".", 0, max_length)
    if last_period != -1:
        truncated = text[: last_period + 1].strip()
        if truncated:
            return truncated
    last_space = text.rfind(" ", 0, max(0, max_length - 3))
    if last_space > 0:
        return text[:last_space].strip() + "..."
    return text[: max(0, max_length - 3)] + "..."
