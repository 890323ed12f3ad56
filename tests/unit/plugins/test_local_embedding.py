"""The local hashed n-gram embedding: shape, determinism, paraphrase ranking, and the plugin handler."""

from __future__ import annotations

import numpy as np
import pytest

from pyeliza.errors import InvalidInputError
from pyeliza.plugins.local import DIMENSION, cosine_similarity, embed_text, embed_texts, local_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.types import Character, ModelType

PARAPHRASES = [
    ("The cat is sleeping on the sofa", "A cat sleeps on the sofa all afternoon"),
    ("How do I reset my password?", "I forgot my password and need to reset it"),
    ("The stock market fell sharply today", "Shares dropped sharply on the stock market today"),
    ("She plays the piano beautifully", "Her piano playing is beautiful"),
    ("What is the weather forecast for tomorrow?", "Will tomorrow's weather be rainy? Check the forecast"),
    ("He is learning to cook Italian food", "He is taking Italian cooking lessons"),
    ("The train to Berlin was delayed by an hour", "Our Berlin train had an hour-long delay"),
    ("Python is a popular programming language", "Many programmers use the Python language"),
]


def test_each_paraphrase_ranks_above_every_unrelated_sentence() -> None:
    sentences = [sentence for pair in PARAPHRASES for sentence in pair]
    vectors = embed_texts(sentences)
    similarities = vectors @ vectors.T
    for index, sentence in enumerate(sentences):
        partner = index ^ 1
        others = [similarities[index, j] for j in range(len(sentences)) if j not in (index, partner)]
        assert similarities[index, partner] > max(others), sentence


def test_vectors_are_unit_length_deterministic_and_384_wide() -> None:
    first = embed_text("Deterministic across runs")
    assert first.shape == (DIMENSION,)
    assert float(np.linalg.norm(first)) == pytest.approx(1.0, abs=1e-5)
    assert np.array_equal(first, embed_text("Deterministic across runs"))
    assert cosine_similarity(first, embed_text("deterministic ACROSS runs!")) == pytest.approx(1.0, abs=1e-5)


def test_empty_and_stopword_only_texts() -> None:
    assert not embed_text("").any()
    assert not embed_text(None).any()
    assert not embed_text("  ...  ").any()
    assert float(np.linalg.norm(embed_text("it is the"))) == pytest.approx(1.0, abs=1e-5)
    assert embed_texts([]).shape == (0, DIMENSION)


def test_word_order_matters_a_little() -> None:
    forward, backward = embed_text("dog bites man"), embed_text("man bites dog")
    assert 0.5 < cosine_similarity(forward, backward) < 0.999


async def test_plugin_serves_text_embedding_through_the_runtime() -> None:
    runtime = AgentRuntime(Character(name="Eliza", bio="test"))
    await runtime.register_plugin(local_plugin)
    assert local_plugin.priority < 0
    vector = await runtime.use_model(ModelType.TEXT_EMBEDDING, {"text": "hello there"})
    assert len(vector) == DIMENSION
    assert vector == pytest.approx(embed_text("hello there").tolist())
    assert await runtime.use_model(ModelType.TEXT_EMBEDDING, None) == [0.0] * DIMENSION
    long_text = "a long document sentence. " * 500
    long_vector = await runtime.use_model(ModelType.TEXT_EMBEDDING, long_text)
    assert long_vector == pytest.approx(embed_text(long_text).tolist())


async def test_handler_rejects_unusable_params() -> None:
    handler = local_plugin.models[ModelType.TEXT_EMBEDDING]
    runtime = AgentRuntime(Character(name="Eliza", bio="test"))
    with pytest.raises(InvalidInputError, match="TEXT_EMBEDDING expects"):
        await handler(runtime, 42)
