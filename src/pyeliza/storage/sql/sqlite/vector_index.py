"""Exact cosine search over one agent's vectors, held as a float32 numpy matrix beside the table.

Rows are L2-normalised at insert, so similarity is one matrix-vector product. Each row carries integer codes
for its memory table name, room, world and entity plus its ``unique`` flag, so filters are boolean masks.
The writer thread mutates the index only after a commit; searches run on a reader thread. A lock makes each
mutation and each search atomic with respect to the other.

Threshold searches (the duplicate probe at 0.95, ``match_threshold``) are pruned exactly: for unit vectors
``x·q <= x[:P]·q[:P] + |x[P:]|·|q[P:]|`` (Cauchy-Schwarz on the tail), so a contiguous copy of the first
``P = 64`` components and the tail norms rule out most rows at a sixth of the memory traffic; only rows whose
bound reaches the threshold are scored in full.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ....errors import InvalidInputError

F32 = npt.NDArray[np.float32]
_NONE = -1
PREFIX = 64


def normalise(values: list[float] | F32, what: str = "embedding") -> F32:
    """A unit float32 vector; refuses non-finite values (a zero vector stays zero: it matches nothing)."""
    vector = np.asarray(values, dtype=np.float32)
    if vector.ndim != 1:
        raise InvalidInputError(f"{what} must be a flat list of numbers")
    wide = vector.astype(np.float64)  # float32 squares of large values overflow
    square = float(np.dot(wide, wide))  # NaN or infinite exactly when a value is: cheaper than numpy's reductions
    if not math.isfinite(square):
        raise InvalidInputError(f"{what} contains NaN or infinite values")
    return vector / np.float32(math.sqrt(square)) if square > 0 else vector


def _matvec(matrix: F32, vector: F32) -> F32:
    """``matrix @ vector`` on the calling thread only.

    ``einsum`` is as fast as BLAS gemv for this memory-bound product but never wakes OpenBLAS's thread pool,
    whose spinning workers were measured to slow a 10,000-row search from 1.3 ms to 8 ms on two cores shared
    with the event loop and the SQLite threads.
    """
    result: F32 = np.einsum("ij,j->i", matrix, vector)
    return result


@dataclass(frozen=True)
class RowKeys:
    """The filterable attributes of one memory."""

    table: str
    room: str
    world: str | None
    entity: str
    unique: bool


class VectorIndex:
    """The vectors of one (agent, dimension)."""

    def __init__(self, dimension: int, capacity: int = 1024) -> None:
        self.dimension = dimension
        self._lock = threading.Lock()
        self._prefix_width = min(PREFIX, dimension)
        self._matrix: F32 = np.empty((capacity, dimension), dtype=np.float32)
        self._prefix: F32 = np.empty((capacity, self._prefix_width), dtype=np.float32)
        self._tail_norm: F32 = np.empty(capacity, dtype=np.float32)
        self._codes = np.empty((capacity, 4), dtype=np.int32)
        self._unique = np.empty(capacity, dtype=np.bool_)
        self._ids: list[str] = []
        self._slot: dict[str, int] = {}
        self._interned: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def nbytes(self) -> int:
        """Bytes held by the numpy arrays (allocated capacity, not only used rows)."""
        arrays = (self._matrix, self._prefix, self._tail_norm, self._codes, self._unique)
        return int(sum(a.nbytes for a in arrays))

    def _code(self, value: str | None) -> int:
        if value is None:
            return _NONE
        code = self._interned.get(value)
        if code is None:
            code = len(self._interned)
            self._interned[value] = code
        return code

    def _grow(self, needed: int) -> None:
        capacity = self._matrix.shape[0]
        if needed <= capacity:
            return
        new_capacity = max(needed, capacity + capacity // 2 + 1)

        def grown(old: npt.NDArray[Any]) -> npt.NDArray[Any]:
            new = np.empty((new_capacity, *old.shape[1:]), dtype=old.dtype)
            new[:capacity] = old
            return new

        self._matrix, self._prefix, self._tail_norm = grown(self._matrix), grown(self._prefix), grown(self._tail_norm)
        self._codes, self._unique = grown(self._codes), grown(self._unique)

    def upsert(self, memory_id: str, vector: F32, keys: RowKeys) -> None:
        with self._lock:
            slot = self._slot.get(memory_id)
            if slot is None:
                slot = len(self._ids)
                self._grow(slot + 1)
                self._ids.append(memory_id)
                self._slot[memory_id] = slot
            self._set_vector(slot, vector)
            self._codes[slot] = (
                self._code(keys.table),
                self._code(keys.room),
                self._code(keys.world),
                self._code(keys.entity),
            )
            self._unique[slot] = keys.unique

    def _set_vector(self, slot: int, vector: F32) -> None:
        self._matrix[slot] = vector
        self._prefix[slot] = vector[: self._prefix_width]
        tail = vector[self._prefix_width :]
        self._tail_norm[slot] = math.sqrt(float(np.dot(tail, tail)))

    def extend(self, ids: list[str], matrix: F32, keys: list[RowKeys]) -> None:
        """Append new rows (already normalised) in bulk; used to load the index from the table in chunks."""
        with self._lock:
            start = len(self._ids)
            end = start + len(ids)
            self._grow(end)
            self._matrix[start:end] = matrix
            self._prefix[start:end] = matrix[:, : self._prefix_width]
            self._tail_norm[start:end] = np.linalg.norm(matrix[:, self._prefix_width :], axis=1)
            self._codes[start:end] = [
                (self._code(k.table), self._code(k.room), self._code(k.world), self._code(k.entity)) for k in keys
            ]
            self._unique[start:end] = [k.unique for k in keys]
            for offset, memory_id in enumerate(ids):
                self._slot[memory_id] = start + offset
            self._ids.extend(ids)

    def remove(self, memory_ids: list[str]) -> None:
        with self._lock:
            for memory_id in memory_ids:
                slot = self._slot.pop(memory_id, None)
                if slot is None:
                    continue
                last = len(self._ids) - 1
                if slot != last:
                    moved = self._ids[last]
                    self._matrix[slot] = self._matrix[last]
                    self._prefix[slot] = self._prefix[last]
                    self._tail_norm[slot] = self._tail_norm[last]
                    self._codes[slot] = self._codes[last]
                    self._unique[slot] = self._unique[last]
                    self._ids[slot] = moved
                    self._slot[moved] = slot
                self._ids.pop()

    def search(
        self,
        query: F32,
        count: int,
        *,
        table: str,
        threshold: float | None = None,
        room: str | None = None,
        world: str | None = None,
        entity: str | None = None,
        unique_only: bool = False,
    ) -> list[tuple[str, float]]:
        """The ``count`` best (id, cosine similarity) pairs, best first, among rows matching every filter."""
        with self._lock:
            n = len(self._ids)
            wanted: list[tuple[int, str]] = [(0, table)]
            wanted += [(col, v) for col, v in ((1, room), (2, world), (3, entity)) if v is not None]
            mask: npt.NDArray[np.bool_] | None = None
            for column, value in wanted:
                code = self._interned.get(value)
                if code is None:
                    return []
                hit = self._codes[:n, column] == code
                mask = hit if mask is None else mask & hit
            if unique_only:
                mask = self._unique[:n] if mask is None else mask & self._unique[:n]
            rows = np.flatnonzero(mask) if mask is not None else np.arange(n)
            if rows.size == 0:
                return []
            if threshold is not None:
                rows = self._prune(rows, n, query, threshold)
            scores = _matvec(self._matrix[rows], query) if rows.size * 2 < n else _matvec(self._matrix[:n], query)[rows]
            if threshold is not None:
                keep = scores >= threshold
                rows, scores = rows[keep], scores[keep]
            if rows.size > count:
                top = np.argpartition(-scores, count - 1)[:count]
                rows, scores = rows[top], scores[top]
            order = np.argsort(-scores, kind="stable")
            return [(self._ids[int(rows[i])], float(scores[i])) for i in order]

    def _prune(self, rows: npt.NDArray[np.intp], n: int, query: F32, threshold: float) -> npt.NDArray[np.intp]:
        """The rows whose Cauchy-Schwarz upper bound on similarity reaches ``threshold`` (exact, no misses)."""
        width = self._prefix_width
        if width == self.dimension:
            return rows
        head = query[:width]
        tail = float(np.linalg.norm(query[width:]))
        if rows.size * 2 < n:
            bound = _matvec(self._prefix[rows], head) + self._tail_norm[rows] * tail
        else:
            bound = (_matvec(self._prefix[:n], head) + self._tail_norm[:n] * tail)[rows]
        # float32 rounding: keep rows within a small margin of the threshold and let the exact score decide.
        return rows[bound >= threshold - 1e-4]
