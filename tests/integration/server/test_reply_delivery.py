"""Replies produced outside a request (crash recovery at start) reach the channel and the sockets exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.integration.server._support import REPLY_TEXT, SocketClient, create_and_start, dm_channel, history
from tests.integration.server.conftest import StartServer

from pyeliza.server import AgentServer
from pyeliza.types import (
    DEFAULT_SERVER_ID,
    Content,
    Memory,
    MemoryMetadata,
    MemoryType,
    create_unique_uuid,
    now_ms,
)


async def _join(user: SocketClient, channel_id: str, agent_id: str) -> None:
    await user.sio.emit(
        "1",
        {
            "channelId": channel_id,
            "agentId": agent_id,
            "entityId": user.entity_id,
            "messageServerId": DEFAULT_SERVER_ID,
        },
    )
    await user.wait_for("channel_joined")


def _agent_replies(events: list[Any], agent_id: str) -> list[dict[str, Any]]:
    return [e for e in events if e.get("senderId") == agent_id]


async def _wait_for_recovery(server: AgentServer, agent_id: str) -> None:
    runtime = server.get_runtime(agent_id)
    assert runtime is not None
    service = runtime.get_service("message-recovery")
    done = getattr(service, "done", None)
    assert isinstance(done, asyncio.Task)
    await done


async def test_a_reply_in_a_request_is_published_once_under_the_reply_memory_id(
    start_server: StartServer, socket_clients, tmp_path: Path
) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Scribe")
        user = socket_clients()
        await user.connect(live.url)
        channel_id = await dm_channel(client, user.entity_id, agent_id)
        await _join(user, channel_id, agent_id)
        sent = await client.post(
            f"/api/messaging/channels/{channel_id}/messages",
            json={"author_id": user.entity_id, "content": "Write this down", "message_server_id": DEFAULT_SERVER_ID},
        )
        assert sent.status_code == 201, sent.text
        user_message_id = sent.json()["data"]["userMessage"]["id"]
        (reply,) = await user.wait_for("messageBroadcast", lambda e: e.get("senderId") == agent_id)
        assert reply["inReplyTo"] == user_message_id
        assert reply["text"] == f"Scribe: {REPLY_TEXT}"

        runtime = live.server.get_runtime(agent_id)
        assert runtime is not None
        stored = await runtime.get_memory_by_id(reply["id"])
        assert stored is not None and stored.entity_id == agent_id
        agent_rows = [m for m in await history(client, channel_id) if m["authorId"] == agent_id]
        assert [m["id"] for m in agent_rows] == [reply["id"]]
        assert len(_agent_replies(user.events["messageBroadcast"], agent_id)) == 1


async def test_a_reply_recovered_at_start_reaches_the_channel_and_sockets_once(
    start_server: StartServer, socket_clients, tmp_path: Path
) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Mender")
        user = socket_clients()
        await user.connect(live.url)
        channel_id = await dm_channel(client, user.entity_id, agent_id)
        await _join(user, channel_id, agent_id)
        first = await client.post(
            f"/api/messaging/channels/{channel_id}/messages",
            json={"author_id": user.entity_id, "content": "Hello", "message_server_id": DEFAULT_SERVER_ID},
        )
        assert first.status_code == 201
        await user.wait_for("messageBroadcast", lambda e: e.get("senderId") == agent_id)

        assert (await client.post(f"/api/agents/{agent_id}/stop")).status_code == 200
        ingested = await client.post(
            "/api/messaging/ingest-external",
            json={
                "channel_id": channel_id,
                "message_server_id": DEFAULT_SERVER_ID,
                "author_id": user.entity_id,
                "content": "Are you back?",
            },
        )
        assert ingested.status_code == 202
        central_id = ingested.json()["data"]["messageId"]
        # The crash: the agent had stored its copy of the message but died before answering.
        adapter = live.server.database.adapter(agent_id)
        await adapter.create_memory(
            Memory(
                id=create_unique_uuid(agent_id, f"{central_id}-{agent_id}"),
                entity_id=user.entity_id,
                agent_id=agent_id,
                room_id=create_unique_uuid(agent_id, channel_id),
                world_id=create_unique_uuid(agent_id, DEFAULT_SERVER_ID),
                content=Content(text="Are you back?", source="ingest"),
                created_at=now_ms(),
                metadata=MemoryMetadata(type=MemoryType.MESSAGE, source="ingest", source_id=central_id),
            ),
            "messages",
        )

        assert (await client.post(f"/api/agents/{agent_id}/start")).status_code == 200
        (recovered,) = await user.wait_for(
            "messageBroadcast", lambda e: e.get("senderId") == agent_id and e.get("inReplyTo") == central_id
        )
        assert recovered["text"] == f"Mender: {REPLY_TEXT}"
        await _wait_for_recovery(live.server, agent_id)
        await live.server.bus.drain()

        replies = _agent_replies(user.events["messageBroadcast"], agent_id)
        assert [e.get("inReplyTo") for e in replies] == [first.json()["data"]["userMessage"]["id"], central_id]
        agent_rows = [m for m in await history(client, channel_id) if m["authorId"] == agent_id]
        assert sorted(m["id"] for m in agent_rows) == sorted(e["id"] for e in replies)
