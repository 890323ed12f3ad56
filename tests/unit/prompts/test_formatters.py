"""Formatters of messages, posts, entities, timestamps, actions and evaluators."""

from __future__ import annotations

import random
from datetime import datetime

from pydantic import ConfigDict

from pyeliza.prompts import (
    add_header,
    compose_action_examples,
    format_action_names,
    format_actions,
    format_actions_with_params,
    format_entities,
    format_evaluator_examples,
    format_evaluators,
    format_messages,
    format_posts,
    format_timestamp,
)
from pyeliza.prompts.names import FIRST_NAMES
from pyeliza.types import (
    Action,
    ActionExample,
    ActionParameter,
    ActionResult,
    Content,
    Entity,
    Evaluator,
    EvaluatorExample,
    Media,
    Memory,
    string_to_uuid,
)

NOW = 1_700_000_000_000
ANN = string_to_uuid("ann")
BOT = string_to_uuid("bot")
ROOM = string_to_uuid("room")
ENTITIES = [Entity(id=ANN, names=["Ann", "Annie"], metadata={"city": "Oslo"}), Entity(id=BOT, names=["Eliza"])]


async def _noop(*_: object) -> ActionResult | None:
    return None


def _message(entity: str, created: int, **content: object) -> Memory:
    return Memory(entity_id=entity, room_id=ROOM, content=Content.model_validate(content), created_at=created)


def test_add_header() -> None:
    assert add_header("# H", "body") == "# H\nbody\n"
    assert add_header("# H", "") == ""
    assert add_header("", "body") == "body\n"


def test_format_timestamp() -> None:
    assert format_timestamp(NOW - 30_000, NOW) == "just now"
    assert format_timestamp(NOW - 60_000, NOW) == "1 minute ago"
    assert format_timestamp(NOW - 5 * 3_600_000, NOW) == "5 hours ago"
    assert format_timestamp(NOW - 86_400_000, NOW) == "1 day ago"
    assert format_timestamp(NOW + 120_000, NOW) == "2 minutes ago"


def test_format_messages_oldest_first_with_thoughts_actions_and_attachments() -> None:
    newest_first = [
        _message(BOT, NOW - 1_000, thought="be kind", actions=["REPLY"]),
        _message(ANN, NOW - 120_000, text="hello", attachments=[Media(id="m1", url="http://x/p.png", title="pic")]),
    ]
    clock = datetime.fromtimestamp((NOW - 120_000) / 1000).strftime("%H:%M")
    bot_clock = datetime.fromtimestamp((NOW - 1_000) / 1000).strftime("%H:%M")
    assert format_messages(newest_first, ENTITIES, now=NOW) == (
        f"{clock} (2 minutes ago) [{ANN}] Ann: hello\n (Attachments: [m1 - pic (http://x/p.png)])\n"
        f"(Eliza's internal thought: be kind)\n{bot_clock} (just now) [{BOT}] (Eliza's actions: REPLY)"
    )
    assert newest_first[0].entity_id == BOT


class _FrozenMemory(Memory):
    model_config = ConfigDict(frozen=True)


def test_a_frozen_memory_renders_again_with_the_current_name_and_relative_time() -> None:
    frozen = _FrozenMemory(entity_id=ANN, room_id=ROOM, content=Content(text="hi"), created_at=NOW - 30_000)
    first = format_messages([frozen], ENTITIES, now=NOW)
    assert first.endswith("(just now) [" + ANN + "] Ann: hi")
    assert format_messages([frozen], ENTITIES, now=NOW + 1_000) == first
    assert format_messages([frozen], ENTITIES, now=NOW + 120_000).endswith("(2 minutes ago) [" + ANN + "] Ann: hi")
    renamed = [Entity(id=ANN, names=["Anna"])]
    assert format_messages([frozen], renamed, now=NOW + 120_000).endswith("] Anna: hi")
    mutable = _message(ANN, NOW - 30_000, text="before")
    assert format_messages([mutable], ENTITIES, now=NOW).endswith("Ann: before")
    mutable.content.text = "after"
    assert format_messages([mutable], ENTITIES, now=NOW).endswith("Ann: after")


def test_unknown_sender_is_named() -> None:
    assert "Unknown User: hi" in format_messages([_message(string_to_uuid("x"), NOW, text="hi")], ENTITIES, now=NOW)


def test_format_posts_groups_rooms() -> None:
    other_room = string_to_uuid("other")
    posts = [
        _message(ANN, NOW - 10_000, text="first"),
        _message(ANN, NOW - 5_000, text="second"),
        Memory(entity_id=BOT, room_id=other_room, content=Content(text="elsewhere"), created_at=NOW),
    ]
    rendered = format_posts(posts, ENTITIES, now=NOW)
    assert rendered.startswith(f"Conversation: {other_room[-5:]}\nName: Eliza (@Eliza EntityID:{BOT})")
    assert rendered.index("first") < rendered.index("second")
    assert "Text:\nsecond" in rendered
    assert "Conversation:" not in format_posts(posts, ENTITIES, conversation_header=False, now=NOW)


def test_format_entities() -> None:
    assert format_entities(ENTITIES) == f'"Ann" aka "Annie"\nID: {ANN}\nData: {{"city": "Oslo"}}\n"Eliza"\nID: {BOT}'


def test_action_formatting() -> None:
    example = [
        ActionExample(name="{{name1}}", content=Content(text="hi")),
        ActionExample(name="{{name2}}", content=Content(text="hello", actions=["REPLY"])),
    ]
    reply = Action(name="REPLY", description="Say something", handler=_noop, examples=[example])
    mute = Action(
        name="MUTE_ROOM",
        description="Go quiet",
        handler=_noop,
        parameters={"minutes": ActionParameter(type="number", description="how long", required=True)},
    )
    assert set(format_action_names([reply, mute], rng=random.Random(1)).split(", ")) == {"REPLY", "MUTE_ROOM"}
    assert sorted(format_actions([reply, mute]).splitlines()) == [
        "- **MUTE_ROOM**: Go quiet",
        "- **REPLY**: Say something",
    ]
    assert "- `minutes` (number) (required): how long" in format_actions_with_params([reply, mute])
    examples = compose_action_examples([reply, mute], 5, rng=random.Random(3))
    first, second = examples.splitlines()
    assert first.split(": ")[0] in FIRST_NAMES and first.endswith(": hi")
    assert second.endswith(": hello (actions: REPLY)")
    assert compose_action_examples([mute], 2) == ""


def test_evaluator_formatting() -> None:
    example = EvaluatorExample(
        prompt="p", messages=[ActionExample(name="{{name1}}", content=Content(text="x"))], outcome="o"
    )
    evaluator = Evaluator(name="REFLECTION", description="Reflect", handler=_noop, examples=[example])
    assert format_evaluators([evaluator]) == "'REFLECTION: Reflect'"
    rendered = format_evaluator_examples([evaluator], rng=random.Random(2))
    assert rendered.startswith("Prompt:\np\n\nMessages:\n") and rendered.endswith("\n\nOutcome:\no")
    assert "{{name1}}" not in rendered
