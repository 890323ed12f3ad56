"""JSON objects, booleans, truncation and chunking."""

from __future__ import annotations

import pytest

from pyeliza.errors import InvalidInputError
from pyeliza.prompts import (
    parse_boolean_from_text,
    parse_json_object,
    split_chunks,
    truncate_to_complete_sentence,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": [1, 2]}\n```', {"a": [1, 2]}),
        ('Result: {"a": "b"} hope it helps', {"a": "b"}),
        ("{a: 'single', b: True, c: None,}", {"a": "single", "b": True, "c": None}),
        ("[1, 2]", None),
        ("not json", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_json_object(text: str | None, expected: object) -> None:
    assert parse_json_object(text) == expected


@pytest.mark.parametrize("word", ["YES", " y ", "true", "T", "1", "on", "Enable", True])
def test_true_words(word: str | bool) -> None:
    assert parse_boolean_from_text(word) is True


@pytest.mark.parametrize("word", ["no", "maybe", "", None, False, "yes please"])
def test_false_words(word: str | bool | None) -> None:
    assert parse_boolean_from_text(word) is False


def test_truncate_to_complete_sentence() -> None:
    assert truncate_to_complete_sentence("short", 10) == "short"
    assert truncate_to_complete_sentence("One. Two three four.", 12) == "One."
    assert truncate_to_complete_sentence("alpha beta gamma delta", 14) == "alpha beta..."
    assert truncate_to_complete_sentence("abcdefghijklmnop", 8) == "abcde..."


def test_split_chunks_overlaps_and_covers_everything() -> None:
    words = [f"word{i}" for i in range(400)]
    chunks = split_chunks(" ".join(words), chunk_size=40, bleed=4)
    assert len(chunks) > 1
    assert all(len(chunk) <= 140 for chunk in chunks)
    assert chunks[0].split()[-1] in chunks[1].split()
    assert {word for chunk in chunks for word in chunk.split()} == set(words)


def test_split_chunks_prefers_paragraphs_and_rejects_bad_sizes() -> None:
    text = "para one.\n\npara two."
    assert split_chunks(text, chunk_size=4, bleed=0) == ["para one.", "para two."]
    assert split_chunks("   ") == []
    with pytest.raises(InvalidInputError):
        split_chunks("x", chunk_size=0)
