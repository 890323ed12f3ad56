"""The offline ELIZA responder: scripted exchanges, reflection, topic memory, prompt handling and the pipeline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.plugins.classic import (
    ClassicConversations,
    Conversation,
    ElizaEngine,
    classic_plugin,
    is_boolean_question,
    match_pattern,
    reflect,
    response_xml,
    text_from_prompt,
    words_of,
)
from pyeliza.plugins.local import local_plugin
from pyeliza.prompts import SHOULD_MUTE_ROOM_TEMPLATE, compose_prompt, parse_key_value_xml
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import runtime_for_test
from pyeliza.types import Character, Content, ModelType, create_message_memory, new_uuid, string_to_uuid

SCRIPT = [
    ("Hello there", "Hello. How do you do? Please tell me what is on your mind."),
    ("I am feeling sad about my job", "I am sorry to hear that you are feeling sad."),
    ("My mother does not understand me", "Tell me more about your family."),
    ("I need a long vacation", "What would it mean to you if you got a long vacation?"),
    ("You are just a machine", "Do machines worry you?"),
    ("I think you hate me", "Why do you think I hate you?"),
    ("whatever", "Earlier you mentioned your job. Tell me more about that."),
]


def test_scripted_exchanges() -> None:
    engine, conversation = ElizaEngine(), Conversation()
    for line, expected in SCRIPT:
        assert engine.respond(line, conversation) == expected, line


def test_reassemblies_cycle_per_rule() -> None:
    engine, conversation = ElizaEngine(), Conversation()
    answers = [engine.respond("I can't sleep", conversation) for _ in range(5)]
    assert answers[0] == "How do you know that you can't sleep?"
    assert answers[1] == "Have you tried?"
    assert answers[4] == answers[0]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("I need my mother", "you need your mother"),
        ("you are kind to me", "I am kind to you"),
        ("I was sure you know me", "you were sure I know you"),
        ("your ideas and mine", "my ideas and yours"),
    ],
)
def test_pronoun_reflection(words: str, expected: str) -> None:
    assert reflect(words.split()) == expected


def test_contractions_and_patterns() -> None:
    assert words_of("I’m sure I can't") == ["i", "am", "sure", "I", "can", "not"]
    assert match_pattern(("*", "my", "*", "@family", "*"), ["oh", "my", "dear", "Mother", "left"]) == [
        ["oh"],
        ["dear"],
        ["mother"],
        ["left"],
    ]
    assert match_pattern(("*", "i", "am", "*"), ["you", "are"]) is None


def test_topic_memory_is_used_when_no_keyword_matches_then_fallbacks() -> None:
    engine, conversation = ElizaEngine(), Conversation()
    engine.respond("My brother is angry", conversation)
    engine.respond("My car is broken", conversation)
    assert engine.respond("hmm", conversation) == "Earlier you mentioned your brother. Tell me more about that."
    assert engine.respond("hmm", conversation) == "Let's go back to your car. How do you feel about that now?"
    assert engine.respond("hmm", conversation) == "Please go on."
    assert engine.respond("hmm", conversation) == "I see. Tell me more."


def test_latest_message_from_prompt_without_run_context() -> None:
    prompt = (
        "# Conversation Messages\n10:00 (just now) [id] Ann: old line\n# Received Message\nAnn: I need help\n# Focus"
    )
    assert text_from_prompt(prompt) == "I need help"
    assert text_from_prompt("System: be nice\nUser: I feel lost\n") == "I feel lost"
    assert text_from_prompt("") == ""


def test_boolean_prompts_are_detected() -> None:
    assert is_boolean_question(compose_prompt({"agentName": "E"}, SHOULD_MUTE_ROOM_TEMPLATE))
    assert is_boolean_question("Should you mute? Respond with only a YES or a NO.")
    assert not is_boolean_question("Answer with the <response> block. Say YES or NO inside <response></response>")


def test_conversation_store_is_bounded_lru() -> None:
    store = ClassicConversations(max_rooms=2)
    first = store.conversation("a")
    store.conversation("b")
    assert store.conversation("a") is first
    store.conversation("c")
    assert len(store) == 2
    assert store.conversation("a") is first
    assert store.conversation("b") is not None and len(store) == 2


async def test_handlers_answer_the_run_message_in_the_pipeline_format() -> None:
    runtime = AgentRuntime(Character(name="Eliza", bio="test"))
    await runtime.register_plugin(classic_plugin)
    room = string_to_uuid("room")
    message = create_message_memory(entity_id=new_uuid(), room_id=room, content={"text": "I need a holiday"})
    runtime.start_run(room, message)
    raw = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": "a long prompt that ends with User: ignored"})
    parsed = parse_key_value_xml(raw)
    assert parsed is not None
    assert parsed["text"] == "What would it mean to you if you got a holiday?"
    assert parsed["actions"] == ["REPLY"] and parsed["action"] == "RESPOND" and parsed["simple"] is True
    runtime.end_run()
    assert await runtime.use_model(ModelType.TEXT_SMALL, "Should you mute? Answer YES or NO.") == "NO"
    chunks: list[str] = []
    streamed = await runtime.use_model(
        ModelType.TEXT_SMALL, {"prompt": "User: I like trains", "on_stream_chunk": _collect(chunks)}
    )
    assert len(chunks) > 1 and "".join(chunks) == streamed
    assert parse_key_value_xml(streamed) == parse_key_value_xml(response_xml("Eliza", "You say you like trains?"))
    assert "<text>a &lt;b&gt; &amp; c</text>" in response_xml("Eliza", "a <b> & c")
    assert await runtime.use_model(ModelType.OBJECT_SMALL, {"prompt": "p"}) == {}
    assert await runtime.use_model(ModelType.OBJECT_LARGE, {"prompt": "p", "output": "array"}) == []
    assert await runtime.use_model(ModelType.OBJECT_SMALL, {"prompt": "p", "schema": {"type": "array"}}) == []


def _collect(chunks: list[str]) -> Callable[[str, str | None], Awaitable[None]]:
    async def collect(chunk: str, message_id: str | None) -> None:
        chunks.append(chunk)

    return collect


async def test_offline_conversation_through_the_real_pipeline() -> None:
    character = Character(name="Eliza", bio="A Rogerian listener.")
    async with runtime_for_test(character, [bootstrap_plugin, classic_plugin, local_plugin]) as runtime:
        user, room = new_uuid(), new_uuid()
        await runtime.ensure_connection(user, room, user_name="ann", name="Ann", source="test", type="DM")
        replies: list[str] = []
        for line, expected in SCRIPT:
            message = create_message_memory(entity_id=user, room_id=room, content=Content(text=line, source="test"))
            result = await runtime.message_service.handle_message(message)
            assert result.did_respond, line
            assert result.response_content is not None
            replies.append(result.response_content.text or "")
            assert replies[-1] == expected, line
        assert len(await runtime.get_memories(table_name="messages", room_id=room, count=50)) == 2 * len(SCRIPT)
