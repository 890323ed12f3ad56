"""MUTE_ROOM / UNMUTE_ROOM / FOLLOW_ROOM through the pipeline: the room state changes what the agent answers."""

from __future__ import annotations

from pyeliza.testing import Conversation, xml_reply, xml_should_respond
from pyeliza.types import ParticipantState

from .conftest import Agent


async def test_mute_then_only_named_messages_get_through(agent: Agent) -> None:
    runtime = agent.runtime
    conv = await Conversation.start(runtime, channel_type="GROUP")
    agent.small.add(xml_should_respond("RESPOND"), "YES")
    agent.large.add(xml_reply("", actions=["MUTE_ROOM"]))

    await conv.send("please be quiet in here")

    assert await runtime.get_participant_user_state(conv.room_id, runtime.agent_id) == ParticipantState.MUTED
    thoughts = [m for m in await conv.history() if "MUTE_ROOM_START" in (m.content.actions or [])]
    assert thoughts and thoughts[0].entity_id == runtime.agent_id  # written as the agent (fix §10.32)

    calls_before = (len(agent.small.calls), len(agent.large.calls))
    assert await conv.say("anyone here?") is None
    assert conv.last_result is not None and conv.last_result.reason == "muted"
    assert (len(agent.small.calls), len(agent.large.calls)) == calls_before

    agent.small.add("yes")
    agent.large.add(xml_reply("", actions=["UNMUTE_ROOM"]))
    await conv.send("Ada, you can talk again")
    assert await runtime.get_participant_user_state(conv.room_id, runtime.agent_id) is None


async def test_unclear_yes_no_answer_changes_nothing(agent: Agent) -> None:
    runtime = agent.runtime
    conv = await Conversation.start(runtime, channel_type="GROUP")
    agent.small.add("I know what you mean, but no")
    agent.large.add(xml_reply("", actions=["MUTE_ROOM"]))
    await conv.send("Ada, mute yourself?")
    assert await runtime.get_participant_user_state(conv.room_id, runtime.agent_id) is None


async def test_followed_room_always_responds_without_the_small_model(agent: Agent) -> None:
    runtime = agent.runtime
    conv = await Conversation.start(runtime, channel_type="GROUP")
    agent.small.add("YES")
    agent.large.add(xml_reply("", actions=["FOLLOW_ROOM"]), xml_reply("Following along!"))

    await conv.send("Ada, please follow this channel")
    assert await runtime.get_participant_user_state(conv.room_id, runtime.agent_id) == ParticipantState.FOLLOWED

    small_calls = len(agent.small.calls)
    assert await conv.say("general chatter about lunch") == "Following along!"
    assert len(agent.small.calls) == small_calls
