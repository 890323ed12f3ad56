"""RECENT_MESSAGES on a real database: the conversation and the recent interactions from shared rooms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from pyeliza.testing import Conversation
from pyeliza.types import ChannelType, Memory, create_message_memory

from .conftest import Agent

BASE_MS = 1_700_000_000_000


async def _store(agent: Agent, room_id: str, entity_id: str, text: str, at: int) -> None:
    memory = create_message_memory(
        entity_id=entity_id, room_id=room_id, content={"text": text, "source": "test"}, agent_id=agent.runtime.agent_id
    )
    await agent.runtime.create_memory(memory.model_copy(update={"created_at": BASE_MS + at}), "messages")


async def _interactions(agent: Agent, message: Memory) -> tuple[str, list[Memory], str]:
    state = await agent.runtime.compose_state(message, ["RECENT_MESSAGES"], only_include=True)
    data = state.data["providers"]["RECENT_MESSAGES"]["data"]
    return str(state.values["recentInteractions"]), list(data["recentInteractions"]), state.text


async def test_interactions_come_from_other_rooms_the_sender_shares_with_the_agent(agent: Agent) -> None:
    runtime = agent.runtime
    group = await Conversation.start(runtime, channel_type=ChannelType.GROUP, user_name="Mia")
    dm = await Conversation.start(runtime, user_name="Mia", user_id=group.user_id, world_id=group.world_id)
    stranger = await Conversation.start(runtime, user_name="Bo", world_id=group.world_id)
    agentless = await Conversation.start(runtime, user_name="Mia", user_id=group.user_id, world_id=group.world_id)
    await runtime.remove_participant(runtime.agent_id, agentless.room_id)
    await _store(agent, dm.room_id, dm.user_id, "my cat is called Pixel", 1)
    await _store(agent, dm.room_id, runtime.agent_id, "Pixel is a lovely name", 2)
    await _store(agent, stranger.room_id, stranger.user_id, "a secret of Bo", 3)
    await _store(agent, agentless.room_id, group.user_id, "said where the agent is not", 4)
    await _store(agent, group.room_id, group.user_id, "hello group", 5)

    interactions, memories, text = await _interactions(agent, group.message("what is my cat called?"))

    assert interactions == "Mia: my cat is called Pixel\nAda: Pixel is a lovely name"
    assert {m.room_id for m in memories} == {dm.room_id}
    assert all(m.embedding is None for m in memories)
    assert "Pixel" not in text and "hello group" in text


async def test_at_most_twenty_of_the_newest_interactions(agent: Agent) -> None:
    runtime = agent.runtime
    group = await Conversation.start(runtime, channel_type=ChannelType.GROUP, user_name="Mia")
    dm = await Conversation.start(runtime, user_name="Mia", user_id=group.user_id, world_id=group.world_id)
    for index in range(25):
        await _store(agent, dm.room_id, dm.user_id, f"note {index}", index)

    interactions, memories, _ = await _interactions(agent, group.message("hi"))

    assert len(memories) == 20
    assert interactions.splitlines() == [f"Mia: note {index}" for index in range(5, 25)]


async def test_post_rooms_render_the_interactions_as_posts(agent: Agent) -> None:
    runtime = agent.runtime
    feed = await Conversation.start(runtime, channel_type=ChannelType.FEED, user_name="Mia")
    dm = await Conversation.start(runtime, user_name="Mia", user_id=feed.user_id, world_id=feed.world_id)
    await _store(agent, dm.room_id, dm.user_id, "posting about Pixel later", 1)

    interactions, _, _ = await _interactions(agent, feed.message("new post"))

    state = await runtime.compose_state(feed.message("new post"), ["RECENT_MESSAGES"], only_include=True)
    assert interactions == state.values["recentPostInteractions"] != state.values["recentMessageInteractions"]
    assert "posting about Pixel later" in interactions and "Mia" in interactions


async def test_no_interactions_and_no_room_query_when_the_agent_is_the_sender(
    agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = agent.runtime
    group = await Conversation.start(runtime, channel_type=ChannelType.GROUP, user_name="Mia")
    dm = await Conversation.start(runtime, user_name="Mia", user_id=group.user_id, world_id=group.world_id)
    await _store(agent, dm.room_id, runtime.agent_id, "said in the DM", 1)
    adapter = runtime.adapter
    assert adapter is not None
    looked_up: list[str] = []
    adapter_class: Any = type(adapter)
    real: Callable[[object, str], Awaitable[list[str]]] = adapter_class.get_rooms_for_participant

    async def recording(self: object, entity_id: str) -> list[str]:
        looked_up.append(entity_id)
        return await real(self, entity_id)

    monkeypatch.setattr(adapter_class, "get_rooms_for_participant", recording)
    own = create_message_memory(
        entity_id=runtime.agent_id, room_id=group.room_id, content={"text": "hi all"}, agent_id=runtime.agent_id
    )

    interactions, memories, _ = await _interactions(agent, own)
    assert (interactions, memories, looked_up) == ("", [], [])

    interactions, _, _ = await _interactions(agent, group.message("hi"))
    assert interactions == "Ada: said in the DM" and sorted(looked_up) == sorted([runtime.agent_id, group.user_id])
