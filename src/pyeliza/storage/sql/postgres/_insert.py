"""The one statement that creates a memory: duplicate probe, memory row and vector row together.

Data-modifying CTEs let PostgreSQL do in one round trip (and one implicit transaction) what took a ``BEGIN``, a
probe query, two inserts and a ``COMMIT``. The vector row is inserted only when the memory row was (an existing
id is left alone), and the foreign key from ``embeddings`` to ``memories`` is checked at the end of the statement,
when the new memory row exists.

Parameters: ``$1`` id, ``$2`` table, ``$3`` agent, ``$4`` entity, ``$5`` room, ``$6`` world, ``$7`` content,
``$8`` metadata, ``$9`` unique (true when probing: the row is unique unless a duplicate is found), ``$10``
document id, ``$11`` created_at; with a vector ``$12`` the vector and ``$13`` its created_at; with the probe
``$14`` the largest cosine distance of a duplicate.
The probe looks for a duplicate in the same table and room (like the SQLite backend and the reference): exactly
(``EXISTS`` over the agent's vectors of that size, stopping at the first hit; stored vectors are unit length, so
one minus the inner product is the cosine distance and the cheaper ``<#>`` does) or, in HNSW mode, through the
index's nearest candidate (approximate, like every HNSW search).
"""

from __future__ import annotations

from ._schema import distance_expression, unit_distance_expression

_COLUMNS = 'id, type, agent_id, entity_id, room_id, world_id, content, metadata, "unique", document_id, created_at'
_SCOPE = "m.agent_id = $3 AND m.type = $2 AND m.room_id = $5"


def _probe(dimension: int, exact: bool) -> str:
    """A one-row CTE ``probe(found)``: is there a memory within distance ``$14`` in the same table and room?"""
    source = f"embeddings e JOIN memories m ON m.id = e.memory_id WHERE e.dimension = {int(dimension)} AND {_SCOPE}"
    if exact:
        return (
            f"probe AS (SELECT EXISTS (SELECT 1 FROM {source} AND e.agent_id = $3 "
            f"AND {unit_distance_expression('e', '$12')} <= $14) AS found)"
        )
    distance = distance_expression(dimension, "e", "$12")
    return (
        f"probe AS (SELECT COALESCE((SELECT nearest.distance <= $14 FROM (SELECT {distance} AS distance FROM {source} "
        f"ORDER BY {distance} LIMIT 1) nearest), false) AS found)"
    )


def insert_memory(dimension: int | None, *, probe: bool, exact: bool) -> str:
    """The statement for a memory without a vector (``dimension`` None), with one, and with the duplicate probe."""
    values = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11"
    if dimension is None:
        return f"INSERT INTO memories ({_COLUMNS}) VALUES ({values}) ON CONFLICT (id) DO NOTHING"
    ctes = []
    if probe:
        ctes.append(_probe(dimension, exact))
        values = "$1, $2, $3, $4, $5, $6, $7, $8, $9::boolean AND NOT probe.found, $10, $11"
        row_source = f"SELECT {values} FROM probe"
    else:
        row_source = f"VALUES ({values})"
    ctes.append(
        f"inserted AS (INSERT INTO memories ({_COLUMNS}) {row_source} ON CONFLICT (id) DO NOTHING RETURNING id)"
    )
    return (
        f"WITH {', '.join(ctes)} INSERT INTO embeddings (memory_id, agent_id, dimension, vector, created_at) "
        f"SELECT id, $3, {int(dimension)}, $12, $13 FROM inserted"
    )
