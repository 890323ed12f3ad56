"""BM25: the reference test vector, the tokenizer steps and the empty-input fixes."""

from __future__ import annotations

import pytest

from pyeliza.prompts import BM25, tokenize

DOCUMENTS = [
    {"title": "a", "content": "the cat sat on the mat"},
    {"title": "b", "content": "dogs are great"},
    {"title": "c", "content": "a cat and a dog"},
]


def test_reference_vector() -> None:
    results = BM25(DOCUMENTS).search("cat", 10)
    assert [index for index, _ in results] == [2, 0]
    assert results[0][1] == pytest.approx(0.49918, abs=1e-5)
    assert results[1][1] == pytest.approx(0.42082, abs=1e-5)


def test_top_k_truncates() -> None:
    assert BM25(DOCUMENTS).search("cat", 1) == [BM25(DOCUMENTS).search("cat", 10)[0]]


def test_repeated_query_words_count_again() -> None:
    index = BM25(DOCUMENTS)
    once = index.search("cat", 10)[0][1]
    twice = index.search("cat cat", 10)[0][1]
    assert twice == pytest.approx(2 * once)


def test_tokenizer_steps() -> None:
    assert tokenize("Héllo, WORLD! The café™ 42 x 7 😀 don't") == ["hello", "world", "cafe", "42", "7", "don"]


def test_tokenizer_keeps_cjk_and_drops_zero_width() -> None:
    assert tokenize("東京\u200bタワー") == ["東京タワー"]


def test_empty_document_and_query_do_not_throw() -> None:
    index = BM25([{"text": ""}, {"text": "weather report"}])
    assert index.search("", 5) == []
    assert index.search("weather", 5)[0][0] == 1
    assert BM25([]).search("anything", 5) == []


def test_add_document_is_searchable() -> None:
    index = BM25(DOCUMENTS)
    new_index = index.add_document({"content": "a zebra"})
    assert index.search("zebra", 3)[0][0] == new_index
    assert len(index) == 4


def test_non_string_fields_are_ignored() -> None:
    index = BM25([{"text": "alpha", "count": 3}])
    assert index.search("alpha", 1)[0][0] == 0
