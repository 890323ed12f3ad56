"""Bootstrap event handlers: entity sync, 1.4-style MESSAGE_RECEIVED forwarding, run_event log rows."""

from __future__ import annotations

from pyeliza.testing import Conversation, xml_reply
from pyeliza.types import Content, EventType, Memory, Service, create_unique_uuid, new_uuid

from .conftest import Agent


async def test_entity_joined_in_a_dm_makes_the_user_owner_of_the_dm_world(agent: Agent) -> None:
    runtime = agent.runtime
    user_id = new_uuid()
    await runtime.emit_event(
        EventType.ENTITY_JOINED,
        {
            "entityId": user_id,
            "roomId": "platform-channel-1",
            "worldId": "platform-server-1",
            "source": "discord",
            "metadata": {"type": "DM", "name": "Zoe", "username": "zoe"},
        },
    )
    room = await runtime.get_room(create_unique_uuid(runtime.agent_id, "platform-channel-1"))
    assert room is not None and room.channel_id == "platform-channel-1"
    world = await runtime.get_world(create_unique_uuid(runtime.agent_id, "platform-server-1"))
    assert world is not None and (world.metadata or {})["ownership"] == {"ownerId": user_id}
    assert await runtime.is_room_participant(room.id, user_id)


async def test_message_received_event_is_forwarded_to_the_message_service(agent: Agent) -> None:
    runtime = agent.runtime
    conv = await Conversation.start(runtime)
    agent.large.add(xml_reply("Forwarded reply."))
    delivered: list[Content] = []

    async def callback(content: Content) -> list[Memory]:
        delivered.append(content)
        return []

    await runtime.emit_event(EventType.MESSAGE_RECEIVED, {"message": conv.message("hi there"), "callback": callback})

    assert [c.text for c in delivered] == ["Forwarded reply."]
    logs = await runtime.get_logs(room_id=conv.room_id, type="run_event", count=10)
    assert sorted(log.body["status"] for log in logs) == ["completed", "started"]


async def test_control_message_reaches_a_service_that_can_send_it(agent: Agent) -> None:
    runtime = agent.runtime
    received: list[dict[str, object]] = []

    class ControlSender(Service):
        service_type = "test-control"

        async def send_control_message(self, message: dict[str, object]) -> None:
            received.append(message)

    await runtime.register_service(ControlSender)
    await runtime.emit_event(EventType.CONTROL_MESSAGE, {"action": "disable_input", "target": "x", "roomId": "r"})
    assert received == [
        {"type": "controlMessage", "payload": {"action": "disable_input", "target": "x", "roomId": "r"}}
    ]
