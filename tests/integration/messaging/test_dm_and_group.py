"""End-to-end: DM and group conversations through ``runtime.message_service`` on a real SQLite database."""

from __future__ import annotations

from pyeliza.messaging import DefaultMessageService, response_id_for
from pyeliza.testing import Conversation, xml_reply, xml_should_respond

from .conftest import Agent


async def test_dm_reply_is_stored_and_returned(agent: Agent) -> None:
    agent.large.add(xml_reply("Hello! What shall we study?"))
    conv = await Conversation.start(agent.runtime, user_name="Bob")

    reply = await conv.say("Hi Ada, can you teach me something?")

    assert reply == "Hello! What shall we study?"
    assert agent.small.calls == []  # a DM needs no should-respond decision
    history = await conv.history()
    assert [m.content.text for m in history] == ["Hi Ada, can you teach me something?", "Hello! What shall we study?"]
    user_message, stored_reply = history
    assert stored_reply.entity_id == agent.runtime.agent_id
    assert stored_reply.content.in_reply_to == user_message.id
    assert stored_reply.id == response_id_for(agent.runtime.agent_id, user_message.id or "")


async def test_prompt_contains_message_history_and_character(agent: Agent) -> None:
    agent.large.add(xml_reply("Primes are numbers with two divisors."), xml_reply("Seven is prime."))
    conv = await Conversation.start(agent.runtime, user_name="Bob")
    await conv.say("What is a prime number?")

    await conv.say("Is seven one?")

    prompt = agent.large.prompts[-1]
    assert "Is seven one?" in prompt
    assert "What is a prime number?" in prompt
    assert "Primes are numbers with two divisors." in prompt
    assert "Ada is a patient teacher of mathematics." in prompt
    assert "Keep answers short." in prompt


async def test_group_without_mention_asks_the_small_model(agent: Agent) -> None:
    agent.small.add(xml_should_respond("RESPOND"))
    agent.large.add(xml_reply("I can help with that."))
    conv = await Conversation.start(agent.runtime, channel_type="GROUP", user_name="Carol")

    reply = await conv.say("Does anyone know how to compute a gcd?")

    assert reply == "I can help with that."
    assert len(agent.small.calls) == 1
    assert "Does anyone know how to compute a gcd?" in agent.small.prompts[0]


async def test_group_mention_and_name_skip_the_small_model(agent: Agent) -> None:
    agent.large.add(xml_reply("Yes?"), xml_reply("Here."))
    conv = await Conversation.start(agent.runtime, channel_type="GROUP")

    assert await conv.say("hello", mention_context={"isMention": True}) == "Yes?"
    assert await conv.say("ada, are you there?") == "Here."
    assert agent.small.calls == []


async def test_group_ignore_and_stop_do_not_respond(agent: Agent) -> None:
    agent.small.add(xml_should_respond("IGNORE"), xml_should_respond("STOP"))
    conv = await Conversation.start(agent.runtime, channel_type="GROUP")

    assert await conv.say("just chatting among ourselves") is None
    assert await conv.say("stop talking please") is None

    assert agent.large.calls == []
    assert conv.last_result is not None and conv.last_result.reason == "ignored"
    markers = [m for m in await conv.history() if m.entity_id == agent.runtime.agent_id]
    assert len(markers) == 2
    assert all(m.content.actions == ["IGNORE"] and not m.content.text for m in markers)


async def test_same_message_id_is_handled_once(agent: Agent) -> None:
    agent.large.add(xml_reply("Once."))
    conv = await Conversation.start(agent.runtime)
    message = conv.message("hello", id=None)

    service = agent.runtime.message_service
    assert service is not None
    first = await service.handle_message(message)
    second = await service.handle_message(message)

    assert first.did_respond and first.response_content is not None
    assert not second.did_respond and second.reason == "already_handled"
    assert len(agent.large.calls) == 1
    assert [m.content.text for m in await conv.history()] == ["hello", "Once."]


async def test_recovery_answers_recent_unanswered_messages_only(agent: Agent) -> None:
    runtime = agent.runtime
    conv = await Conversation.start(runtime)
    adapter = runtime.adapter
    assert adapter is not None and isinstance(runtime.message_service, DefaultMessageService)
    old = conv.message("an imported message from last week")
    old.created_at = (old.created_at or 0) - 7 * 24 * 3600 * 1000
    await adapter.create_memory(old, "messages")
    fresh = conv.message("a message stored just before a crash")
    await adapter.create_memory(fresh, "messages")
    agent.large.add(xml_reply("Sorry for the wait."))

    assert await runtime.message_service.recover_unanswered() == 1

    replies = [m for m in await conv.history() if m.entity_id == runtime.agent_id]
    assert [(m.content.text, m.content.in_reply_to) for m in replies] == [("Sorry for the wait.", fresh.id)]
    assert await runtime.message_service.recover_unanswered() == 0
