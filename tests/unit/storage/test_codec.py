"""Row decoding: memories built from our own rows equal what full pydantic validation builds."""

from __future__ import annotations

import json

import pytest

from pyeliza.storage.sql.codec import memory_from_row
from pyeliza.types import Memory, new_uuid


def row(content: object, metadata: object, world_id: str | None = None) -> dict[str, object]:
    return {
        "id": new_uuid(),
        "entity_id": new_uuid(),
        "agent_id": new_uuid(),
        "room_id": new_uuid(),
        "world_id": world_id,
        "content": content,
        "metadata": metadata,
        "unique": 1,
        "created_at": 1_700_000_000_123,
    }


def validated(values: dict[str, object], embedding: list[float] | None, similarity: float | None) -> Memory:
    content = values["content"]
    metadata = values["metadata"]
    return Memory.model_validate(
        {
            **values,
            "content": json.loads(content) if isinstance(content, str) else content,
            "metadata": (json.loads(metadata) if isinstance(metadata, str) else metadata) or None,
            "unique": True,
            "embedding": embedding,
            "similarity": similarity,
        }
    )


CONTENT = {
    "text": "hello",
    "actions": ["REPLY"],
    "inReplyTo": "m-1",
    "attachments": [{"id": "a1", "url": "https://example.org/x.png", "contentType": "image"}],
    "mentionContext": {"isMention": True},
    "customKey": {"nested": [1, 2]},
}
METADATA = {"type": "message", "timestamp": 5, "scope": "private", "entityName": "Ann"}


@pytest.mark.parametrize(
    ("content", "metadata"),
    [
        (json.dumps(CONTENT), json.dumps(METADATA)),  # SQLite: JSON text
        (CONTENT, METADATA),  # PostgreSQL with a JSON codec: decoded objects
        (json.dumps({"text": "x"}), "{}"),
        (json.dumps({"text": "x"}), None),
        ({"text": "x"}, {}),
    ],
)
@pytest.mark.parametrize(("embedding", "similarity"), [(None, None), ([0.6, 0.8], 0.93)])
def test_memory_from_row_equals_full_validation(
    content: object, metadata: object, embedding: list[float] | None, similarity: float | None
) -> None:
    values = row(content, metadata, world_id=new_uuid())
    built = memory_from_row(values, embedding, similarity)
    expected = validated(values, embedding, similarity)
    assert built == expected
    assert built.model_fields_set == expected.model_fields_set
    assert built.model_dump() == expected.model_dump()
    assert built.to_json_dict() == expected.to_json_dict()
    assert repr(built) == repr(expected)


def test_memories_from_rows_are_independent_and_mutable() -> None:
    values = row(json.dumps(CONTENT), json.dumps(METADATA))
    first, second = memory_from_row(values), memory_from_row(values)
    first.embedding = [1.0]
    first.content.text = "changed"
    assert second.embedding is None and second.content.text == "hello"
    copy = first.model_copy(update={"similarity": 0.5})
    assert copy.similarity == 0.5 and copy.content.text == "changed" and first.similarity is None
