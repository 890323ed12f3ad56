"""Cosine nearest-neighbour search over one agent's memories with pgvector.

HNSW mode steers the planner (sequential scans and sorts penalised) to the dimension's partial HNSW index, with
``hnsw.iterative_scan = relaxed_order`` so a filter (table, room, world, entity) that rejects most neighbours
still yields ``count`` rows; the relaxed order is re-sorted at the end. Exact mode computes the distance of every
candidate row (one minus the inner product: vectors are stored unit length) in a materialised CTE that no index
can serve, so recall is 1.0. HNSW mode needs a transaction from the caller (its settings are ``SET LOCAL``);
exact mode is one statement.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import numpy as np

from ....types import Memory, MemorySearchParams
from ..codec import check_optional_id, memory_from_row
from ._config import MAX_EF_SEARCH
from ._schema import distance_expression, unit_distance_expression

MEMORY_COLUMNS = (
    'm.id, m.type, m.created_at, m.content, m.entity_id, m.agent_id, m.room_id, m.world_id, m."unique", m.metadata'
)

_HNSW_SETTINGS = (
    "SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = {ef_search}; "
    "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off; SET LOCAL enable_material = off; "
    "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"
)
"""One round trip. Off: every plan shape but the index scan joined row by row to ``memories`` by primary key."""


def _filters(agent_id: str, dimension: int, params: MemorySearchParams, args: list[Any]) -> list[str]:
    args.extend([agent_id, params.table_name])
    clauses = [f"e.dimension = {int(dimension)}", "m.agent_id = $2", "m.type = $3"]
    if params.unique:
        clauses.append('m."unique"')
    for column, value in (
        ("room_id", check_optional_id(params.room_id, "room_id")),
        ("world_id", check_optional_id(params.world_id, "world_id")),
        ("entity_id", check_optional_id(params.entity_id, "entity_id")),
    ):
        if value is not None:
            args.append(value)
            clauses.append(f"m.{column} = ${len(args)}")
    return clauses


async def nearest(
    connection: asyncpg.Connection,
    *,
    agent_id: str,
    dimension: int,
    params: MemorySearchParams,
    query: np.ndarray,
    exact: bool,
    ef_search: int,
) -> list[Memory]:
    """The ``params.count`` memories nearest to ``query``, best first, with ``similarity`` = 1 − cosine distance."""
    args: list[Any] = [query]
    distance = unit_distance_expression("e", "$1") if exact else distance_expression(dimension, "e", "$1")
    clauses = _filters(agent_id, dimension, params, args)
    clauses.append("e.agent_id = $2")
    if params.match_threshold:
        args.append(1.0 - params.match_threshold)
        clauses.append(f"{distance} <= ${len(args)}")
    args.append(params.count)
    limit = f"${len(args)}"
    where = " AND ".join(clauses)
    source = "embeddings e JOIN memories m ON m.id = e.memory_id"
    if exact:
        sql = (
            f"WITH scored AS MATERIALIZED (SELECT m.id, {distance} AS distance FROM {source} WHERE {where}), "
            f"best AS (SELECT id, distance FROM scored ORDER BY distance, id LIMIT {limit}) "
            f"SELECT {MEMORY_COLUMNS}, e.vector AS embedding, best.distance FROM best "
            "JOIN memories m ON m.id = best.id JOIN embeddings e ON e.memory_id = m.id "
            "ORDER BY best.distance, m.id"
        )
    else:
        await connection.execute(_HNSW_SETTINGS.format(ef_search=min(MAX_EF_SEARCH, max(ef_search, params.count))))
        sql = (
            f"WITH relaxed AS MATERIALIZED (SELECT {MEMORY_COLUMNS}, e.vector AS embedding, {distance} AS distance "
            f"FROM {source} WHERE {where} ORDER BY {distance} LIMIT {limit}) "
            "SELECT * FROM relaxed ORDER BY distance, id"
        )
    rows = await connection.fetch(sql, *args)
    return [memory_from_row(row, row["embedding"], 1.0 - float(row["distance"])) for row in rows]
