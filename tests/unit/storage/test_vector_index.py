"""The in-memory exact cosine index: filters, threshold, count, removal and growth."""

from __future__ import annotations

import numpy as np
import pytest

from pyeliza.errors import InvalidInputError
from pyeliza.storage.sql.sqlite.vector_index import RowKeys, VectorIndex, normalise


def test_search_matches_brute_force_with_filters_and_removals() -> None:
    rng = np.random.default_rng(1)
    index = VectorIndex(16, capacity=4)
    vectors = {}
    for i in range(500):
        v = normalise(rng.standard_normal(16).tolist())
        vectors[f"id{i}"] = (v, i % 3)
        index.upsert(f"id{i}", v, RowKeys("messages", f"room{i % 3}", None, "e", i % 5 != 0))
    index.remove([f"id{i}" for i in range(0, 500, 7)])
    for i in range(0, 500, 7):
        del vectors[f"id{i}"]
    assert len(index) == len(vectors)
    query = normalise(rng.standard_normal(16).tolist())
    expected = sorted(((float(v @ query), k) for k, (v, room) in vectors.items() if room == 1), reverse=True)[:10]
    hits = index.search(query, 10, table="messages", room="room1")
    assert [k for k, _ in hits] == [k for _, k in expected]
    assert [s for _, s in hits] == pytest.approx([s for s, _ in expected], abs=1e-6)


def test_threshold_unique_and_unknown_filters() -> None:
    index = VectorIndex(2)
    index.upsert("a", normalise([1, 0]), RowKeys("t", "r", "w", "e", True))
    index.upsert("b", normalise([1, 1]), RowKeys("t", "r", None, "e", False))
    index.upsert("c", normalise([0, 1]), RowKeys("t", "r", None, "e", True))
    q = normalise([1, 0])
    assert [k for k, _ in index.search(q, 10, table="t")] == ["a", "b", "c"]
    assert [k for k, _ in index.search(q, 10, table="t", threshold=0.5)] == ["a", "b"]
    assert [k for k, _ in index.search(q, 10, table="t", unique_only=True)] == ["a", "c"]
    assert [k for k, _ in index.search(q, 10, table="t", world="w")] == ["a"]
    assert index.search(q, 10, table="other") == []
    assert index.search(q, 10, table="t", room="nowhere") == []
    assert [k for k, _ in index.search(q, 1, table="t")] == ["a"]
    index.upsert("a", normalise([0, 1]), RowKeys("t", "r", "w", "e", True))
    assert index.search(q, 1, table="t")[0][0] == "b"


def test_normalise_rejects_non_finite_values() -> None:
    with pytest.raises(InvalidInputError):
        normalise([1.0, float("inf")])
    assert normalise([3, 4]).tolist() == pytest.approx([0.6, 0.8])
    assert normalise([0, 0]).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("threshold", [-1.0, 0.0, 0.3, 0.9, 0.95, 0.999])
def test_pruned_threshold_search_equals_brute_force(threshold: float) -> None:
    rng = np.random.default_rng(5)
    base = rng.standard_normal(384)
    index = VectorIndex(384)
    vectors = {}
    for i in range(2000):
        noise = rng.standard_normal(384) * (0.01 * (i % 40))
        v = normalise((base + noise).tolist() if i % 2 else rng.standard_normal(384).tolist())
        vectors[f"id{i}"] = v
        index.upsert(f"id{i}", v, RowKeys("t", "r", None, "e", True))
    query = normalise(base.tolist())
    expected = {k for k, v in vectors.items() if float(v @ query) >= threshold}
    hits = index.search(query, 5000, table="t", threshold=threshold)
    assert {k for k, _ in hits} == expected
