"""Translate asyncpg and socket errors into the pyeliza error tree, once, where they enter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from ....errors import IntegrityError, InvalidInputError, PyElizaError, StorageError

_CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.InterfaceError,
    OSError,  # includes ConnectionError and TimeoutError
)


def translate(exc: BaseException, operation: str) -> PyElizaError:
    """The pyeliza error for a driver exception raised while doing ``operation``."""
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(f"{operation}: {_describe(exc)}")
    if isinstance(exc, asyncpg.DataError):
        return InvalidInputError(f"{operation}: invalid value: {_describe(exc)}")
    if isinstance(exc, _CONNECTION_LOST):
        return StorageError(f"{operation}: the PostgreSQL connection was lost or refused ({type(exc).__name__}: {exc})")
    return StorageError(f"{operation}: PostgreSQL failed ({type(exc).__name__}: {exc})")


def _describe(exc: asyncpg.PostgresError) -> str:
    constraint = getattr(exc, "constraint_name", None)
    parts = [str(exc).replace("\n", " ")]
    if constraint:
        parts.append(f"constraint {constraint}")
    return "; ".join(parts)


@contextmanager
def translated(operation: str) -> Iterator[None]:
    """Run a block, re-raising driver errors as pyeliza errors that name ``operation``."""
    try:
        yield
    except PyElizaError:
        raise
    except (asyncpg.PostgresError, *_CONNECTION_LOST) as exc:
        raise translate(exc, operation) from exc
