"""Identifiers: the UUID string type and the deterministic ids of elizaOS (bit-exact with the reference)."""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from array import array
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import BeforeValidator

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_URI_SAFE = "-_.!~*'()"
_URI_UNSAFE_ASCII = re.compile(f"[^A-Za-z0-9{re.escape(_URI_SAFE)}]")


def _encode_uri_component(text: str) -> str:
    """JavaScript ``encodeURIComponent``; ASCII text (ids and keys) without ``quote``, which costs four times more."""
    if not text.isascii():
        return quote(text, safe=_URI_SAFE)
    return _URI_UNSAFE_ASCII.sub(lambda match: f"%{ord(match.group()):02X}", text)


DEFAULT_SERVER_ID = "00000000-0000-0000-0000-000000000000"


_RECENTLY_VALID: dict[str, str] = {}
"""UUID strings validated lately, each mapped to its lower-case form: a message's ids are checked dozens of
times on their way through the pipeline, and a dict lookup costs a tenth of the regular expression."""
_RECENTLY_VALID_MAX = 65536


def lower_uuid(value: object) -> str | None:
    """The lower-case form of ``value`` when it is an 8-4-4-4-12 UUID string (any case), else ``None``."""
    if not isinstance(value, str):
        return None
    known = _RECENTLY_VALID.get(value)
    if known is not None:
        return known
    if not _UUID_RE.match(value):
        return None
    if len(_RECENTLY_VALID) >= _RECENTLY_VALID_MAX:
        _RECENTLY_VALID.clear()
    lowered = _RECENTLY_VALID[value] = value.lower()
    return lowered


def validate_uuid(value: object) -> str | None:
    """Return ``value`` when it is a canonical 8-4-4-4-12 UUID string (any case), else ``None``."""
    return value if lower_uuid(value) is not None else None  # type: ignore[return-value]


def as_uuid(value: object) -> str:
    """Validate a UUID string, raising :class:`ValueError` that names the bad value."""
    if isinstance(value, uuid.UUID):
        return str(value)
    checked = validate_uuid(value)
    if checked is None:
        raise ValueError(f"invalid UUID: {value!r}")
    return checked


def _coerce_uuid(value: Any) -> Any:
    if lower_uuid(value) is not None:
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    raise ValueError(f"invalid UUID: {value!r}")


UUID = Annotated[str, BeforeValidator(_coerce_uuid)]
"""A UUID kept as its canonical string, validated when a model is built."""


def string_to_uuid(value: str | int | float) -> str:
    """Deterministic id of a string, identical to elizaOS ``stringToUuid``.

    A UUID string is returned unchanged; anything else is percent-encoded like JavaScript
    ``encodeURIComponent``, hashed with SHA-1, and formatted with the version nibble forced to 0.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"string_to_uuid expects a string or number, got {type(value).__name__}")
    text = value if isinstance(value, str) else _js_number_string(value)
    if _UUID_RE.match(text):
        return text
    digest = bytearray(hashlib.sha1(_encode_uri_component(text).encode("ascii")).digest()[:16])
    digest[8] = (digest[8] & 0x3F) | 0x80
    digest[6] = digest[6] & 0x0F
    h = digest.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _js_number_string(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def create_unique_uuid(agent_id: str, base_id: str) -> str:
    """Agent-scoped id of a platform id: the agent id itself, or ``string_to_uuid("<base>:<agent>")``."""
    if base_id == agent_id:
        return agent_id
    return string_to_uuid(f"{base_id}:{agent_id}")


class _Entropy:
    """Random 64-bit numbers from ``os.urandom``, fetched 4 KiB at a time: one system call per 256 ids, not one per id.

    The numbers are as random as ``uuid.uuid4``'s. Drawing is ``next()`` on an iterator, which the GIL makes
    atomic, so threads never draw the same number; a forked child drops the parent's unused numbers.
    """

    _FETCH = 4096

    def __init__(self) -> None:
        self._numbers: Iterator[int] = iter(())

    def draw(self) -> int:
        """A random number of 64 bits."""
        number = next(self._numbers, None)
        while number is None:
            self._numbers = iter(array("Q", os.urandom(self._FETCH)))
            number = next(self._numbers, None)
        return number

    def reset(self) -> None:
        self._numbers = iter(())


_ENTROPY = _Entropy()
os.register_at_fork(after_in_child=_ENTROPY.reset)


def _formatted(value: int) -> str:
    h = f"{value:032x}"
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def new_uuid() -> str:
    """A random (v4) UUID string."""
    value = ((_ENTROPY.draw() << 64) | _ENTROPY.draw()) & ~((0xF << 76) | (0x3 << 62))
    return _formatted(value | (0x4 << 76) | (0b10 << 62))


def new_ordered_uuid() -> str:
    """A time-ordered (v7) UUID string with sub-millisecond precision.

    Rows that share a millisecond ``created_at`` still sort in insertion order by this id, which keeps
    "newest first" listings deterministic on backends without an insertion-order row id.
    """
    millis, rest = divmod(time.time_ns(), 1_000_000)
    fraction = rest * 4096 // 1_000_000
    random_bits = _ENTROPY.draw() & ((1 << 62) - 1)
    return _formatted((millis << 80) | (0x7 << 76) | (fraction << 64) | (0b10 << 62) | random_bits)
