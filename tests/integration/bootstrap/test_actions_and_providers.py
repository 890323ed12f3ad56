"""Other bootstrap actions and providers on a real database."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from pyeliza.plugins.bootstrap import EmbeddingGenerationService
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import Conversation, xml_reply, xml_response
from pyeliza.types import Content, EventType, ModelType, Role, World, new_uuid

from .conftest import Agent


async def test_roles_provider_does_not_throw_without_a_room(agent: Agent) -> None:
    conv = await Conversation.start(agent.runtime)
    message = conv.message("hi").model_copy(update={"room_id": "00000000-0000-0000-0000-0000000000aa"})
    state = await agent.runtime.compose_state(message, ["ROLES"], only_include=True)
    assert state.values.get("roles") == ""


async def test_generate_image_is_valid_only_with_an_image_model(agent: Agent) -> None:
    runtime = agent.runtime
    conv = await Conversation.start(runtime)
    action = runtime.find_action("GENERATE_IMAGE")
    assert action is not None
    assert await action.validate(runtime, conv.message("draw"), None) is False

    async def image(rt: AgentRuntime, params: Any) -> list[dict[str, str]]:
        return [{"url": "http://127.0.0.1/generated/cat.webp"}]

    runtime.register_model("IMAGE", image, "test-images")
    assert await action.validate(runtime, conv.message("draw"), None) is True
    agent.large.add(xml_reply("", actions=["GENERATE_IMAGE"]), xml_response(prompt="a cat in a hat"))

    await conv.say("draw me a cat")

    image_reply = next(r for r in conv.replies if r.attachments)
    assert image_reply.text == "a cat in a hat"
    assert image_reply.attachments is not None and image_reply.attachments[0].title is not None
    assert image_reply.attachments[0].title.endswith(".webp")


async def test_update_role_uses_the_room_world_and_the_permission_rule(agent: Agent) -> None:
    runtime = agent.runtime
    world_id = "00000000-0000-0000-0000-00000000bb01"
    owner = await Conversation.start(runtime, channel_type="GROUP", user_name="Olive", world_id=world_id)
    member = await Conversation.start(
        runtime, channel_type="GROUP", user_name="Max", world_id=world_id, room_id=owner.room_id
    )
    world = await runtime.get_world(world_id)
    assert world is not None
    await runtime.update_world(
        World(id=world_id, name=world.name, agent_id=runtime.agent_id, metadata={"roles": {owner.user_id: "OWNER"}})
    )
    assignment = {"assignment": {"entityId": member.user_id, "newRole": "ADMIN"}}
    agent.large.add(xml_reply("", actions=["UPDATE_ROLE"]), xml_reply("", actions=["UPDATE_ROLE"]))
    agent.small.add(xml_response(assignments=assignment), xml_response(assignments=assignment))

    await member.send("Ada, make me an admin", mention_context={"isMention": True})  # a member may not
    world = await runtime.get_world(world_id)
    assert world is not None and (world.metadata or {})["roles"].get(member.user_id) is None

    await owner.send("Ada, make Max an admin", mention_context={"isMention": True})
    world = await runtime.get_world(world_id)
    assert world is not None and (world.metadata or {})["roles"][member.user_id] == Role.ADMIN.value
    assert any("now ADMIN" in (r.text or "") and r.source == "test" for r in owner.replies)


async def test_send_message_sends_the_composed_text_through_a_send_handler(agent: Agent) -> None:
    runtime = agent.runtime
    sent: list[tuple[Mapping[str, Any], Content]] = []

    async def handler(rt: Any, target: Mapping[str, Any], content: Content) -> None:
        sent.append((target, content))

    runtime.register_send_handler("chat", handler)
    conv = await Conversation.start(runtime)
    await Conversation.start(runtime, user_name="Bob")
    agent.large.add(xml_reply("", actions=["SEND_MESSAGE"]))
    agent.small.add(
        xml_response(targetType="user", source="chat", identifiers={"username": "Bob"}, message="Lunch at noon?")
    )

    await conv.say("tell Bob: lunch at noon?")

    assert len(sent) == 1
    target, content = sent[0]
    assert target["source"] == "chat" and content.text == "Lunch at noon?"
    assert any(r.text == "Message sent to Bob." for r in conv.replies)


async def test_embedding_service_embeds_incoming_messages_in_the_background(agent: Agent) -> None:
    runtime = agent.runtime
    completed: list[str] = []

    async def on_done(payload: Mapping[str, Any]) -> None:
        completed.append(str(payload.get("memoryId")))

    runtime.register_event(EventType.EMBEDDING_GENERATION_COMPLETED, on_done)
    conv = await Conversation.start(runtime)
    agent.large.add(xml_reply("ok"))
    await conv.say("please embed me")
    service = runtime.get_service(EmbeddingGenerationService.service_type)
    assert isinstance(service, EmbeddingGenerationService)
    await service.wait_idle()

    user_message = (await conv.history())[0]
    stored = await runtime.get_memory_by_id(user_message.id or "")
    assert stored is not None and stored.embedding is not None and len(stored.embedding) == 384
    assert completed == [user_message.id]
    logs = await runtime.get_logs(room_id=conv.room_id, type="embedding_event", count=10)
    assert [log.body["status"] for log in logs] == ["completed"]


async def test_a_hanging_embedding_model_never_delays_the_reply(agent: Agent) -> None:
    runtime = agent.runtime
    release = asyncio.Event()

    async def hanging(rt: AgentRuntime, params: Any) -> list[float]:
        if params is None or not getattr(params, "text", ""):
            return [0.0] * 384
        await release.wait()
        return [1.0] + [0.0] * 383

    runtime.register_model(ModelType.TEXT_EMBEDDING, hanging, "hanging-embeddings", priority=10_000)
    conv = await Conversation.start(runtime)
    agent.large.add(xml_reply("Instant."))

    assert await asyncio.wait_for(conv.say("embed me slowly"), timeout=30) == "Instant."
    user_message = (await conv.history())[0]
    stored = await runtime.get_memory_by_id(user_message.id or "")
    assert stored is not None and stored.embedding is None  # still being embedded
    release.set()
    service = runtime.get_service(EmbeddingGenerationService.service_type)
    assert isinstance(service, EmbeddingGenerationService)
    await service.wait_idle()
    stored = await runtime.get_memory_by_id(user_message.id or "")
    assert stored is not None and stored.embedding is not None and stored.embedding[0] > 0.99


async def test_a_dm_shows_the_settings_of_the_world_its_sender_owns_elsewhere(agent: Agent) -> None:
    runtime = agent.runtime
    conv = await Conversation.start(runtime, user_name="Owner")
    owned = World(
        id=await runtime.create_world(World(id=new_uuid(), name="placeholder")),
        name="Moon Base",
        metadata={
            "ownership": {"ownerId": conv.user_id},
            "settings": {"SERVER_NAME": {"name": "Server name", "description": "What to call it", "required": True}},
        },
    )
    await runtime.update_world(owned)
    message = conv.message("hello")
    state = await runtime.compose_state(message, ["SETTINGS"], only_include=True)
    assert "PRIORITY TASK: Onboarding" in state.text and "SERVER_NAME: Not set (Required)" in state.text
    actions = await runtime.compose_state(message, ["ACTIONS"], only_include=True)
    assert "UPDATE_SETTINGS" in actions.values["actionNames"]
