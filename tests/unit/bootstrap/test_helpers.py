"""Pure pieces of the bootstrap plugin: YES/NO parsing, role permissions, the embedding queue, shared reads,
character example rendering."""

from __future__ import annotations

import asyncio
import random
import re

import pytest

from pyeliza.plugins.bootstrap._shared_reads import SharedReads
from pyeliza.plugins.bootstrap.actions._roles import may_assign
from pyeliza.plugins.bootstrap.actions._room_state import strict_yes_no
from pyeliza.plugins.bootstrap.providers._character import character_values
from pyeliza.plugins.bootstrap.services._embeddings import EmbeddingQueue, EmbeddingRequest
from pyeliza.types import Character, Content, Memory, new_uuid


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("YES", True),
        ("yes.", True),
        ("True", True),
        ("**Yes**", True),
        ("NO", False),
        ("I know", False),
        ("nobody said yes", False),
        ("", False),
        (None, False),
    ],
)
def test_strict_yes_no(answer: object, expected: bool) -> None:
    assert strict_yes_no(answer) is expected


def test_role_permissions() -> None:
    assert may_assign("OWNER", "ADMIN", "NONE") and may_assign("OWNER", "OWNER", "ADMIN")
    assert may_assign("ADMIN", "NONE", "ADMIN") and may_assign("ADMIN", "ADMIN", "NONE")
    assert not may_assign("ADMIN", "OWNER", "NONE") and not may_assign("ADMIN", "NONE", "OWNER")
    assert not may_assign("NONE", "NONE", "ADMIN")


def _request(priority: str, label: str) -> EmbeddingRequest:
    memory = Memory(id=new_uuid(), entity_id=new_uuid(), room_id=new_uuid(), content=Content(text=label))
    return EmbeddingRequest(memory=memory, priority=priority)


def test_embedding_queue_priorities_and_eviction() -> None:
    queue = EmbeddingQueue(capacity=4)
    for priority, label in [("low", "l1"), ("normal", "n1"), ("high", "h1"), ("low", "l2")]:
        assert queue.push(_request(priority, label)) == []
    evicted = queue.push(_request("high", "h2"))
    assert [r.memory.content.text for r in evicted] == ["l1"]
    assert [r.memory.content.text for r in queue.pop_batch(10)] == ["h1", "h2", "n1", "l2"]
    assert len(queue) == 0


async def test_shared_reads_coalesce_concurrent_reads_only() -> None:
    reads = SharedReads()
    calls = 0

    async def fetch() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return calls

    assert await asyncio.gather(*(reads.read("k", fetch) for _ in range(5))) == [1] * 5
    assert await reads.read("k", fetch) == 2  # a later read queries again


async def test_within_one_composition_a_read_answered_at_once_is_shared_and_forgotten_after() -> None:
    from pyeliza.runtime._context import composition_scope

    reads = SharedReads()
    calls = 0

    async def fetch() -> int:  # answers without waiting, like a remembered read
        nonlocal calls
        calls += 1
        return calls

    with composition_scope():
        assert [await reads.read("k", fetch) for _ in range(3)] == [1, 1, 1]
    assert await reads.read("k", fetch) == 2  # outside the composition: read again
    with composition_scope():
        assert await reads.read("k", fetch) == 3  # a new composition starts empty


async def test_shared_reads_share_errors_and_survive_a_cancelled_first_caller() -> None:
    reads = SharedReads()

    async def boom() -> int:
        await asyncio.sleep(0.01)
        raise ValueError("nope")

    results = await asyncio.gather(reads.read("e", boom), reads.read("e", boom), return_exceptions=True)
    assert all(isinstance(r, ValueError) for r in results)

    async def slow() -> str:
        await asyncio.sleep(0.05)
        return "value"

    first = asyncio.create_task(reads.read("s", slow))
    await asyncio.sleep(0)
    second = asyncio.create_task(reads.read("s", slow))
    await asyncio.sleep(0.01)
    first.cancel()
    assert await second == "value"


def test_nested_items_accepts_every_shape_of_the_tree() -> None:
    from pyeliza.plugins.bootstrap._support import nested_items

    one = {"claim": "a"}
    assert nested_items({"facts": {"fact": one}}, "facts", "fact") == [one]
    assert nested_items({"facts": {"fact": [one, one]}}, "facts", "fact") == [one, one]
    assert nested_items({"fact": one}, "facts", "fact") == [one]
    assert nested_items({"facts": [one]}, "facts", "fact") == [one]
    assert nested_items({"facts": "raw text"}, "facts", "fact") == []
    assert nested_items(None, "facts", "fact") == []


def test_character_examples_fill_each_placeholder_with_one_token_per_conversation() -> None:
    character = Character.model_validate(
        {
            "name": "Eliza",
            "bio": "A listener.",
            "messageExamples": [
                [
                    {"name": "{{name1}}", "content": {"text": "I am {{name1}}, this is {{name2}}."}},
                    {"name": "Eliza", "content": {"text": "Hello {{name1}}.", "actions": ["REPLY"]}},
                ]
            ],
        }
    )
    examples = character_values(character, False, random.Random(7))["characterMessageExamples"]
    match = re.fullmatch(
        r"# Example Conversations for Eliza\n(\w{6}): I am (\w{6}), this is (\w{6})\.\n"
        r"Eliza: Hello (\w{6})\. \(actions: REPLY\)",
        examples,
    )
    assert match is not None, examples
    first, again, second, greeted = match.groups()
    assert first == again == greeted != second
