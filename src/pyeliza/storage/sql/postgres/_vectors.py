"""pgvector's binary wire format: ``uint16 dim, uint16 unused, float32[dim]``, all big-endian."""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

import numpy as np

from ....errors import InvalidInputError

_HEADER = struct.Struct(">HH")
_WIRE_FLOAT = np.dtype(">f4")


def encode_vector(values: Sequence[float] | np.ndarray) -> bytes:
    array = np.asarray(values, dtype=_WIRE_FLOAT)
    if array.ndim != 1:
        raise InvalidInputError(f"an embedding must be a flat list of numbers, got shape {array.shape}")
    return _HEADER.pack(array.shape[0], 0) + array.tobytes()


def decode_vector(data: bytes) -> list[float]:
    dimension, _ = _HEADER.unpack_from(data)
    values: list[float] = np.frombuffer(data, dtype=_WIRE_FLOAT, count=dimension, offset=_HEADER.size).tolist()
    return values


def check_finite(values: Sequence[float]) -> None:
    """Reject NaN and infinity up front (pgvector refuses them) with a message that says which entry."""
    for index, value in enumerate(values):
        if not math.isfinite(value):
            raise InvalidInputError(f"embedding value {index} is {value!r}: every component must be a finite number")
