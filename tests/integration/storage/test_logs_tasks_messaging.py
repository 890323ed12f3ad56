"""Logs and run summaries, tasks with leases, and the central messaging tables."""

from __future__ import annotations

import pytest

from pyeliza.errors import IntegrityError, InvalidInputError
from pyeliza.storage import DatabaseAdapter
from pyeliza.types import CentralMessage, Channel, ChannelType, Log, MessageServer, Task, new_uuid

from .conftest import Place


async def test_logs(adapter: DatabaseAdapter, place: Place) -> None:
    for i in range(3):
        await adapter.log(Log(entity_id=place.entity_id, room_id=place.room_id, type="action", body={"i": i}))
    await adapter.log(Log(entity_id=adapter.agent_id, type="useModel:TEXT_SMALL", body={"prompt": "p"}))
    logs = await adapter.get_logs(room_id=place.room_id)
    assert [entry.body["i"] for entry in logs] == [2, 1, 0]
    assert [entry.body["i"] for entry in await adapter.get_logs(type="action", count=1, offset=1)] == [1]
    assert len(await adapter.get_logs(entity_id=adapter.agent_id)) == 1
    assert logs[0].id is not None
    await adapter.delete_log(logs[0].id)
    assert len(await adapter.get_logs(room_id=place.room_id)) == 2
    ghost_room = new_uuid()
    with pytest.raises(IntegrityError, match=ghost_room):
        await adapter.log(Log(entity_id=place.entity_id, room_id=ghost_room, type="x"))


async def test_log_bodies_keep_what_json_can_hold_and_refuse_the_rest(adapter: DatabaseAdapter, place: Place) -> None:
    """A log row records work that happened: a NaN becomes null rather than costing the row; objects JSON cannot
    describe and oversized bodies are refused with a clear error."""
    body = {"score": float("nan"), "limit": float("inf"), "counts": {7: "int key"}, "big": 2**70, "text": "ünï"}
    await adapter.log(Log(entity_id=place.entity_id, room_id=place.room_id, type="odd", body=body))
    [stored] = await adapter.get_logs(room_id=place.room_id, type="odd")
    assert stored.body == {"score": None, "limit": None, "counts": {"7": "int key"}, "big": 2**70, "text": "ünï"}
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        await adapter.log(Log(entity_id=place.entity_id, type="x", body={"bad": object()}))
    with pytest.raises(InvalidInputError, match="over the limit"):
        await adapter.log(Log(entity_id=place.entity_id, type="x", body={"prompt": "x" * (1024 * 1024)}))


async def test_run_summaries_fold_run_events_and_counts(adapter: DatabaseAdapter, place: Place) -> None:
    def run_log(run: str, status: str, at: int, **body: object) -> Log:
        return Log(
            entity_id=adapter.agent_id,
            room_id=place.room_id,
            type="run_event",
            created_at=at,
            body={"runId": run, "status": status, "roomId": place.room_id, **body},
        )

    await adapter.log(run_log("r1", "started", 1000, startTime=1000, messageId="m1"))
    await adapter.log(run_log("r1", "completed", 1500, startTime=1000, endTime=1500))
    await adapter.log(run_log("r2", "started", 2000, startTime=2000))
    await adapter.log(run_log("r3", "started", 3000, startTime=3000))
    await adapter.log(run_log("r3", "error", 3100, endTime=3100, error="boom"))
    action_body = {"runId": "r1", "result": {"success": False}, "promptCount": 2}
    await adapter.log(Log(entity_id=adapter.agent_id, type="action", created_at=1200, body=action_body))
    await adapter.log(Log(entity_id=adapter.agent_id, type="evaluator", created_at=1300, body={"runId": "r1"}))
    await adapter.log(
        Log(entity_id=adapter.agent_id, type="useModel:TEXT_LARGE", created_at=1100, body={"runId": "r1"})
    )
    result = await adapter.get_agent_run_summaries(limit=2)
    assert [r.run_id for r in result.runs] == ["r3", "r2"] and result.total == 3 and result.has_more
    everything = {r.run_id: r for r in (await adapter.get_agent_run_summaries()).runs}
    r1 = everything["r1"]
    assert (r1.status, r1.started_at, r1.ended_at, r1.duration_ms, r1.message_id) == (
        "completed",
        1000,
        1500,
        500,
        "m1",
    )
    assert (r1.counts.actions, r1.counts.errors, r1.counts.model_calls, r1.counts.evaluators) == (1, 1, 3, 1)
    assert everything["r3"].status == "error" and everything["r2"].status == "started"
    failed = await adapter.get_agent_run_summaries(status="error")
    assert [r.run_id for r in failed.runs] == ["r3"]
    assert (await adapter.get_agent_run_summaries(room_id=new_uuid())).runs == []


async def test_tasks(adapter: DatabaseAdapter, place: Place) -> None:
    task = Task(
        name="WORKER",
        description="d",
        room_id=place.room_id,
        world_id=place.world_id,
        entity_id=place.entity_id,
        tags=["queue", "repeat"],
        metadata={"updateInterval": 1000},
    )
    task_id = await adapter.create_task(task)
    other_id = await adapter.create_task(Task(name="OTHER", tags=["queue"]))
    stored = await adapter.get_task(task_id)
    assert stored is not None and stored.entity_id == place.entity_id and stored.tags == ["queue", "repeat"]
    assert stored.created_at is not None and stored.updated_at is not None
    assert {t.id for t in await adapter.get_tasks(tags=["queue"])} == {task_id, other_id}
    assert [t.id for t in await adapter.get_tasks(tags=["queue", "repeat"])] == [task_id]
    assert [t.id for t in await adapter.get_tasks(room_id=place.room_id)] == [task_id]
    assert [t.id for t in await adapter.get_tasks(entity_id=place.entity_id)] == [task_id]
    assert [t.id for t in await adapter.get_tasks_by_name("OTHER")] == [other_id]
    await adapter.update_task(task_id, {"metadata": {"updatedAt": 5}, "tags": ["queue"], "updatedAt": 1})
    updated = await adapter.get_task(task_id)
    assert updated is not None and updated.metadata == {"updatedAt": 5} and updated.tags == ["queue"]
    assert updated.updated_at is not None and updated.updated_at >= stored.updated_at
    with pytest.raises(InvalidInputError):
        await adapter.update_task(task_id, {"bogus": 1})
    await adapter.delete_task(other_id)
    assert await adapter.get_task(other_id) is None


async def test_claim_task_leases(adapter: DatabaseAdapter) -> None:
    task_id = await adapter.create_task(Task(name="W"))
    assert await adapter.claim_task(task_id, "worker-a", 60_000) is True
    assert await adapter.claim_task(task_id, "worker-b", 60_000) is False
    assert await adapter.claim_task(task_id, "worker-a", 60_000) is True
    short = await adapter.create_task(Task(name="W"))
    assert await adapter.claim_task(short, "worker-a", 1)
    import asyncio

    await asyncio.sleep(0.01)
    assert await adapter.claim_task(short, "worker-b", 1000) is True
    assert await adapter.claim_task(new_uuid(), "worker-a", 1000) is False


async def test_message_servers_and_channels(adapter: DatabaseAdapter) -> None:
    server = await adapter.create_message_server(MessageServer(id=new_uuid(), name="srv", source_type="test"))
    assert server.created_at is not None
    assert server.id in [s.id for s in await adapter.get_message_servers()]
    assert (await adapter.get_message_server_by_id(server.id)) == server
    await adapter.add_agent_to_message_server(server.id, adapter.agent_id)
    await adapter.add_agent_to_message_server(server.id, adapter.agent_id)
    assert await adapter.get_agents_for_message_server(server.id) == [adapter.agent_id]
    await adapter.remove_agent_from_message_server(server.id, adapter.agent_id)
    assert await adapter.get_agents_for_message_server(server.id) == []

    channel = await adapter.create_channel(
        Channel(id=new_uuid(), message_server_id=server.id, name="general", metadata={"k": 1}), ["u1", "u2"]
    )
    assert channel.type == ChannelType.GROUP and channel.metadata == {"k": 1}
    assert await adapter.get_channel_participants(channel.id) == ["u1", "u2"]
    await adapter.add_channel_participants(channel.id, ["u2", "u3"])
    assert await adapter.is_channel_participant(channel.id, "u3")
    await adapter.remove_channel_participant(channel.id, "u3")
    assert not await adapter.is_channel_participant(channel.id, "u3")
    renamed = await adapter.update_channel(channel.id, {"name": "renamed", "participantCentralUserIds": ["u9"]})
    assert renamed.name == "renamed" and await adapter.get_channel_participants(channel.id) == ["u9"]
    assert [c.id for c in await adapter.get_channels_for_message_server(server.id)] == [channel.id]

    dm = await adapter.find_or_create_dm_channel("user-b", "user-a", server.id)
    assert dm.name == "DM-user-a-user-b" and dm.type == ChannelType.DM
    assert (await adapter.find_or_create_dm_channel("user-a", "user-b", server.id)).id == dm.id
    assert sorted(await adapter.get_channel_participants(dm.id)) == ["user-a", "user-b"]

    await adapter.delete_channel(dm.id)
    assert await adapter.get_channel_details(dm.id) is None
    with pytest.raises(IntegrityError):
        await adapter.create_channel(Channel(id=new_uuid(), message_server_id=new_uuid(), name="x"))


async def test_central_messages(adapter: DatabaseAdapter) -> None:
    server = await adapter.create_message_server(MessageServer(id=new_uuid(), name="srv", source_type="test"))
    channel = await adapter.create_channel(Channel(id=new_uuid(), message_server_id=server.id, name="c"))
    ids = []
    for i in range(4):
        message = CentralMessage(
            id=new_uuid(), channel_id=channel.id, author_id="u1", content=f"m{i}", created_at=100 + i
        )
        ids.append((await adapter.create_message(message)).id)
    assert [m.content for m in await adapter.get_messages_for_channel(channel.id, limit=2)] == ["m3", "m2"]
    assert [m.content for m in await adapter.get_messages_for_channel(channel.id, before=102)] == ["m1", "m0"]
    updated = await adapter.update_message(ids[0], {"content": "edited", "metadata": {"e": True}})
    assert updated is not None and updated.content == "edited" and updated.metadata == {"e": True}
    assert (await adapter.get_message_by_id(ids[0])) == updated
    assert await adapter.update_message(new_uuid(), {"content": "x"}) is None
    await adapter.delete_message(ids[0])
    assert await adapter.get_message_by_id(ids[0]) is None
    assert await adapter.delete_messages_for_channel(channel.id) == 3
    assert await adapter.get_messages_for_channel(channel.id) == []
    with pytest.raises(IntegrityError):
        await adapter.create_message(CentralMessage(id=new_uuid(), channel_id=new_uuid(), author_id="u", content="x"))


async def test_creating_a_central_message_twice_keeps_the_first(adapter: DatabaseAdapter) -> None:
    server = await adapter.create_message_server(MessageServer(id=new_uuid(), name="srv", source_type="test"))
    channel = await adapter.create_channel(Channel(id=new_uuid(), message_server_id=server.id, name="c"))
    message_id = new_uuid()
    first = await adapter.create_message(
        CentralMessage(id=message_id, channel_id=channel.id, author_id="agent", content="the reply", created_at=1000)
    )
    again = await adapter.create_message(
        CentralMessage(id=message_id, channel_id=channel.id, author_id="agent", content="a retry", created_at=2000)
    )
    assert again.content == first.content == "the reply"
    assert again.created_at == 1000
    assert [m.id for m in await adapter.get_messages_for_channel(channel.id)] == [message_id]
