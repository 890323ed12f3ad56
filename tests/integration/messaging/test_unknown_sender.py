"""A message from a room and entity the agent has never seen creates them instead of failing."""

from __future__ import annotations

from pyeliza.testing import xml_reply, xml_should_respond
from pyeliza.types import ChannelType, Content, MemoryMetadata, MemoryType, create_message_memory, new_uuid

from .conftest import Agent


async def test_first_message_from_an_unknown_room_and_entity_is_answered(agent: Agent) -> None:
    runtime = agent.runtime
    agent.large.add(xml_reply("Nice to meet you."))
    room_id, entity_id = new_uuid(), new_uuid()
    message = create_message_memory(
        id=new_uuid(),
        entity_id=entity_id,
        room_id=room_id,
        content=Content(text="hello, I am new here", source="discord", channel_type="DM"),
    )
    message.metadata = MemoryMetadata.model_validate(
        {"type": MemoryType.MESSAGE, "timestamp": message.created_at, "entityName": "Newcomer"}
    )
    service = runtime.message_service
    assert service is not None

    result = await service.handle_message(message)

    assert result.did_respond
    room = await runtime.get_room(room_id)
    assert room is not None and room.type == ChannelType.DM and room.source == "discord"
    entity = await runtime.get_entity_by_id(entity_id)
    assert entity is not None and "Newcomer" in entity.names
    adapter = runtime.adapter
    assert adapter is not None
    assert entity_id in await adapter.get_participants_for_room(room_id)
    stored = await adapter.get_memories("messages", room_id=room_id, count=10)
    assert sorted(m.content.text or "" for m in stored) == ["Nice to meet you.", "hello, I am new here"]
    run_logs = [log for log in await adapter.get_logs(room_id=room_id, count=50) if log.type == "run_event"]
    assert {log.body.get("status") for log in run_logs} == {"started", "completed"}


async def test_unknown_channel_type_falls_back_to_dm_and_group_type_is_kept(agent: Agent) -> None:
    runtime = agent.runtime
    service = runtime.message_service
    assert service is not None
    agent.small.add(xml_should_respond("IGNORE"))
    agent.large.add(xml_reply("Hi."))
    group_room, odd_room = new_uuid(), new_uuid()
    results = []
    for room_id, channel_type in ((group_room, "group"), (odd_room, "carrier-pigeon")):
        message = create_message_memory(
            id=new_uuid(), entity_id=new_uuid(), room_id=room_id, content=Content(text="hi", channel_type=channel_type)
        )
        results.append(await service.handle_message(message))

    assert [r.reason for r in results] == ["ignored", None]  # a group asks the model; a DM is answered

    group, odd = await runtime.get_room(group_room), await runtime.get_room(odd_room)
    assert group is not None and group.type == ChannelType.GROUP
    assert odd is not None and odd.type == ChannelType.DM
