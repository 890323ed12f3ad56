"""Rooms run concurrently, one room's messages run in order, a sender's newer message supersedes their pending reply."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from pyeliza.messaging import DefaultMessageService
from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_reply
from pyeliza.types import ChannelType, EventPayload, EventType, MentionContext, ModelType

from .conftest import CHARACTER


class GatedModel:
    """Answers "Reply to <text>" for the received message; the first call waits until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.first_call = asyncio.Event()
        self.calls = 0
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}

    async def __call__(self, prompt: str) -> str:
        self.calls += 1
        received = prompt.split("# Received Message", 1)[1].strip().splitlines()[0]
        room = received.split(":", 1)[0]
        self.in_flight[room] = self.in_flight.get(room, 0) + 1
        self.max_in_flight[room] = max(self.max_in_flight.get(room, 0), self.in_flight[room])
        try:
            if self.calls == 1:
                self.first_call.set()
                await self.release.wait()
            await asyncio.sleep(0)
            return xml_reply(f"Reply to {received.split(':', 1)[1].strip()}")
        finally:
            self.in_flight[room] -= 1


@pytest.fixture
async def gated(database_url: str | None) -> AsyncIterator[tuple[AgentRuntime, GatedModel]]:
    model = GatedModel()
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        database_url=database_url,
        models={ModelType.TEXT_LARGE: ScriptedModel(model), ModelType.TEXT_SMALL: ScriptedModel([])},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        yield runtime, model


async def test_newer_message_supersedes_a_pending_reply(gated: tuple[AgentRuntime, GatedModel]) -> None:
    runtime, model = gated
    ended: list[EventPayload] = []

    async def on_end(payload: EventPayload) -> None:
        ended.append(payload)

    runtime.register_event(EventType.RUN_ENDED, on_end)
    conv = await Conversation.start(runtime, user_name="Dana")
    first = asyncio.create_task(conv.send("first question"))
    await model.first_call.wait()
    second_message = conv.message("actually, second question")
    service = runtime.message_service
    assert isinstance(service, DefaultMessageService)
    second = asyncio.create_task(service.handle_message(second_message, conv.collect))
    while True:  # wait until the second message is registered as the newest of the room
        if service.latest_message_id(conv.room_id) == second_message.id:
            break
        await asyncio.sleep(0.005)
    model.release.set()

    first_result, second_result = await first, await second

    assert first_result.reason == "superseded" and not first_result.did_respond
    assert second_result.did_respond
    texts = [m.content.text for m in await conv.history() if m.entity_id == runtime.agent_id and m.content.text]
    assert texts == ["Reply to actually, second question"]
    statuses = {p["messageId"]: p["status"] for p in ended}
    assert sorted(statuses.values()) == ["completed", "superseded"]


async def test_two_users_of_a_group_chat_both_get_answers(gated: tuple[AgentRuntime, GatedModel]) -> None:
    runtime, model = gated
    dana = await Conversation.start(runtime, user_name="Dana", channel_type=ChannelType.GROUP)
    omar = await Conversation.start(
        runtime, user_name="Omar", channel_type=ChannelType.GROUP, room_id=dana.room_id, world_id=dana.world_id
    )
    mention = MentionContext(is_mention=True, mention_type="platform_mention")
    service = runtime.message_service
    assert isinstance(service, DefaultMessageService)
    first = asyncio.create_task(dana.send("question from Dana", mention_context=mention))
    await model.first_call.wait()
    omar_message = omar.message("question from Omar", mention_context=mention)
    second = asyncio.create_task(service.handle_message(omar_message, omar.collect))
    while True:  # wait until Omar's message is registered
        if service.latest_message_id(dana.room_id, omar.user_id) == omar_message.id:
            break
        await asyncio.sleep(0.005)
    assert service.latest_message_id(dana.room_id, dana.user_id) is not None
    model.release.set()

    first_result, second_result = await first, await second

    assert first_result.did_respond and second_result.did_respond
    texts = [m.content.text for m in await dana.history() if m.entity_id == runtime.agent_id and m.content.text]
    assert texts == ["Reply to question from Dana", "Reply to question from Omar"]


async def test_rooms_run_concurrently_and_each_room_in_order(gated: tuple[AgentRuntime, GatedModel]) -> None:
    runtime, model = gated
    model.release.set()
    conversations = [await Conversation.start(runtime, user_name=f"user{i}") for i in range(6)]

    async def talk(conv: Conversation) -> list[str | None]:
        return [await conv.say(f"{conv.user_name} message {n}") for n in range(4)]

    replies = await asyncio.gather(*(talk(conv) for conv in conversations))

    for conv, room_replies in zip(conversations, replies, strict=True):
        assert room_replies == [f"Reply to {conv.user_name} message {n}" for n in range(4)]
        history = await conv.history()
        agent_messages = [m for m in history if m.entity_id == runtime.agent_id]
        user_messages = [m for m in history if m.entity_id == conv.user_id]
        assert [m.content.in_reply_to for m in agent_messages] == [m.id for m in user_messages]
    assert set(model.max_in_flight.values()) == {1}


async def test_one_room_handles_concurrent_arrivals_one_at_a_time(gated: tuple[AgentRuntime, GatedModel]) -> None:
    runtime, model = gated
    model.release.set()
    conv = await Conversation.start(runtime, user_name="Eve")

    results = await asyncio.gather(*(conv.send(f"burst {n}") for n in range(5)))

    assert model.max_in_flight == {"Eve": 1}
    answered = [r for r in results if r.did_respond]
    assert answered, "the newest message of a burst is always answered"
    assert all(r.did_respond or r.reason == "superseded" for r in results)
    replies = [m for m in await conv.history() if m.entity_id == runtime.agent_id]
    assert len(replies) == 5  # one reply or superseded marker per message, never two


async def test_keep_resp_answers_a_superseded_message_too(database_url: str | None) -> None:
    model = GatedModel()
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        database_url=database_url,
        models={ModelType.TEXT_LARGE: ScriptedModel(model), ModelType.TEXT_SMALL: ScriptedModel([])},
        settings={"PYELIZA_RECOVER_ON_START": "false", "BOOTSTRAP_KEEP_RESP": "true"},
    ) as runtime:
        conv = await Conversation.start(runtime, user_name="Kim")
        service = runtime.message_service
        assert isinstance(service, DefaultMessageService)
        first = asyncio.create_task(conv.send("first"))
        await model.first_call.wait()
        second_message = conv.message("second")
        second = asyncio.create_task(service.handle_message(second_message, conv.collect))
        while True:  # wait until the second message is registered as the newest of the room
            if service.latest_message_id(conv.room_id, conv.user_id) == second_message.id:
                break
            await asyncio.sleep(0.005)
        model.release.set()

        assert (await first).did_respond and (await second).did_respond
        texts = [m.content.text for m in await conv.history() if m.entity_id == runtime.agent_id and m.content.text]
        assert texts == ["Reply to first", "Reply to second"]
