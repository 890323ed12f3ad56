"""PostgreSQL-only parts of the schema: pgvector and one partial HNSW cosine index per embedding dimension.

The core tables come from the shared ``storage.sql.schema``; its ``embeddings.vector`` column is a dimensionless
``vector``, so each index casts to its size and covers only rows of that ``dimension``. pgvector indexes at most
2,000 dimensions of ``vector``; 3072 is indexed as ``halfvec``. Queries must spell the same expression (and the
literal ``dimension = N``) for the planner to use an index: :func:`distance_expression` does.
"""

from __future__ import annotations

from ....types import SUPPORTED_EMBEDDING_DIMENSIONS

VECTOR_PLUGIN = "core:pgvector"
VECTOR_EXTENSION = "CREATE EXTENSION IF NOT EXISTS vector"
_HALF_PRECISION_FROM = 2001


def _cast(dimension: int) -> str:
    kind = "halfvec" if dimension >= _HALF_PRECISION_FROM else "vector"
    return f"{kind}({dimension})"


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
