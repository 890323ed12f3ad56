"""PostgreSQL-only parts of the schema: pgvector and one partial HNSW cosine index per embedding dimension.

The core tables come from the shared ``storage.sql.schema``; its ``embeddings.vector`` column is a dimensionless
``vector``, so each index casts to its size and covers only rows of that ``dimension``. pgvector indexes at most
2,000 dimensions of ``vector``; 3072 is indexed as ``halfvec``. Queries must spell the same expression (and the
literal ``dimension = N``) for the planner to use an index: :func:`distance_expression` does.
"""

from __future__ import annotations

from ....errors import InvalidInputError
from ....types import SUPPORTED_EMBEDDING_DIMENSIONS

VECTOR_PLUGIN = "core:pgvector"
VECTOR_EXTENSION = "CREATE EXTENSION IF NOT EXISTS vector"
_HALF_PRECISION_FROM = 2001


MAX_DIMENSION = 16_000
"""pgvector's largest ``vector``; sizes outside SUPPORTED_EMBEDDING_DIMENSIONS work but have no HNSW index."""


def check_dimension(dimension: int, model: str | None = None) -> None:
    if isinstance(dimension, bool) or not isinstance(dimension, int) or not 1 <= dimension <= MAX_DIMENSION:
        raise InvalidInputError(
            f"embedding dimension {dimension}{f' (model {model})' if model else ''} is out of range "
            f"(1-{MAX_DIMENSION}; indexed sizes: {', '.join(str(d) for d in SUPPORTED_EMBEDDING_DIMENSIONS)})"
        )


def _cast(dimension: int) -> str:
    indexed_as_half = dimension in SUPPORTED_EMBEDDING_DIMENSIONS and dimension >= _HALF_PRECISION_FROM
    return f"{'halfvec' if indexed_as_half else 'vector'}({dimension})"


def vector_index_ddl() -> tuple[str, ...]:
    statements = []
    for dimension in SUPPORTED_EMBEDDING_DIMENSIONS:
        cast = _cast(dimension)
        ops = "halfvec_cosine_ops" if cast.startswith("halfvec") else "vector_cosine_ops"
        statements.append(
            f"CREATE INDEX IF NOT EXISTS ix_embeddings_hnsw_{dimension} ON embeddings "
            f"USING hnsw ((vector::{cast}) {ops}) WHERE dimension = {dimension}"
        )
    return tuple(statements)


def distance_expression(dimension: int, alias: str, parameter: str) -> str:
    """Cosine distance between a stored vector and a query parameter, as the HNSW index for ``dimension`` spells it."""
    cast = _cast(dimension)
    return f"({alias}.vector::{cast} <=> {parameter}::{cast})"


def unit_distance_expression(alias: str, parameter: str) -> str:
    """Cosine distance for unit vectors (stored vectors and queries are normalised): 1 − inner product.

    No index serves it; exact scans use it because ``<#>`` skips the norms and the casts of the cosine operator.
    A zero vector gets distance 1 (similarity 0) instead of the cosine operator's NaN.
    """
    return f"(1 + ({alias}.vector <#> {parameter}::vector))"
