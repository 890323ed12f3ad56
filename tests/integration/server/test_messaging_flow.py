"""An agent created from a character file answers on a channel: over Socket.IO, plain HTTP and SSE."""

from __future__ import annotations

from pathlib import Path

from tests.integration.server._support import (
    REPLY_TEXT,
    create_and_start,
    dm_channel,
    history,
    parse_sse,
)
from tests.integration.server.conftest import StartServer

from pyeliza.types import DEFAULT_SERVER_ID, create_unique_uuid, new_uuid


async def test_socket_round_trip_persists_and_broadcasts_the_reply_once(
    start_server: StartServer, socket_clients, tmp_path: Path
) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Quill")
        listed = (await client.get("/api/agents")).json()["data"]["agents"]
        assert [(a["name"], a["status"]) for a in listed] == [("Quill", "active")]

        user = socket_clients()
        await user.connect(live.url)
        (welcome,) = await user.wait_for("authenticated")
        assert welcome["entityId"] == user.entity_id
        await user.wait_for("connection_established")

        channel_id = await dm_channel(client, user.entity_id, agent_id)
        await user.sio.emit(
            "1",
            {
                "channelId": channel_id,
                "agentId": agent_id,
                "entityId": user.entity_id,
                "messageServerId": DEFAULT_SERVER_ID,
            },
        )
        (joined,) = await user.wait_for("channel_joined")
        assert joined["channelId"] == channel_id

        for turn, text in enumerate(["Hello there", "Tell me more"], start=1):
            client_id = new_uuid()
            await user.sio.emit(
                "2",
                {
                    "channelId": channel_id,
                    "senderId": user.entity_id,
                    "senderName": "Ada",
                    "message": text,
                    "messageServerId": DEFAULT_SERVER_ID,
                    "source": "client_chat",
                    "messageId": client_id,
                },
            )
            (ack,) = await user.wait_for("messageAck", lambda d, c=client_id: d["clientMessageId"] == c)
            assert ack["status"] == "received_by_server_and_processing"
            replies = await user.wait_for("messageBroadcast", lambda d: d["senderId"] == agent_id, count=turn)
            reply = replies[-1]
            assert reply["text"] == f"Quill: {REPLY_TEXT}"
            assert reply["thought"] == "Quill thinks this deserves an answer"
            assert reply["actions"] == ["REPLY"]
            assert reply["channelId"] == channel_id
            assert reply["inReplyTo"] == ack["messageId"]

        chunks = [c for c in user.events.get("messageStreamChunk", []) if c["agentId"] == agent_id]
        assert "".join(c["chunk"] for c in chunks) == 2 * f"Quill: {REPLY_TEXT}"

        echoes = [d for d in user.events["messageBroadcast"] if d.get("clientMessageId")]
        assert [e["text"] for e in echoes] == ["Hello there", "Tell me more"]

        messages = await history(client, channel_id)
        assert [(m["authorId"], m["content"]) for m in messages] == [
            (agent_id, f"Quill: {REPLY_TEXT}"),
            (user.entity_id, "Tell me more"),
            (agent_id, f"Quill: {REPLY_TEXT}"),
            (user.entity_id, "Hello there"),
        ]
        assert messages[0]["metadata"]["actions"] == ["REPLY"]
        assert messages[0]["metadata"]["thought"] == "Quill thinks this deserves an answer"

        memories = (await client.get(f"/api/memory/{agent_id}/memories", params={"channelId": channel_id})).json()
        texts = sorted(m["content"]["text"] for m in memories["data"]["memories"])
        assert texts == sorted(["Hello there", "Tell me more", f"Quill: {REPLY_TEXT}", f"Quill: {REPLY_TEXT}"])
        room_ids = {m["roomId"] for m in memories["data"]["memories"]}
        assert room_ids == {create_unique_uuid(agent_id, channel_id)}


async def test_http_transport_answers_synchronously_and_stores_one_reply(
    start_server: StartServer, tmp_path: Path
) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Quill")
        user_id = new_uuid()
        channel_id = await dm_channel(client, user_id, agent_id)
        response = await client.post(
            f"/api/messaging/channels/{channel_id}/messages",
            json={
                "author_id": user_id,
                "content": "Are you there?",
                "message_server_id": DEFAULT_SERVER_ID,
                "transport": "http",
            },
        )
        assert response.status_code == 201, response.text
        data = response.json()["data"]
        assert data["userMessage"]["content"] == "Are you there?"
        assert data["agentResponse"]["text"] == f"Quill: {REPLY_TEXT}"
        messages = await history(client, channel_id)
        assert [m["authorId"] for m in messages] == [agent_id, user_id]
        memories = (await client.get(f"/api/agents/{agent_id}/memories", params={"channelId": channel_id})).json()
        assert len(memories["data"]["memories"]) == 2


async def test_sse_transport_streams_the_reply_token_by_token(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Quill")
        user_id = new_uuid()
        channel_id = await dm_channel(client, user_id, agent_id)
        async with client.stream(
            "POST",
            f"/api/messaging/channels/{channel_id}/messages",
            json={"author_id": user_id, "content": "Stream please", "server_id": DEFAULT_SERVER_ID, "mode": "stream"},
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            body = (await response.aread()).decode()
        events = parse_sse(body)
        names = [name for name, _ in events]
        assert names[0] == "user_message"
        assert names[-1] == "done"
        chunks = [data["chunk"] for name, data in events if name == "chunk"]
        assert len(chunks) > 1
        assert "".join(chunks) == f"Quill: {REPLY_TEXT}"
        assert [data["index"] for name, data in events if name == "chunk"] == list(range(len(chunks)))
        assert events[-1][1]["text"] == f"Quill: {REPLY_TEXT}"
        messages = await history(client, channel_id)
        assert [m["content"] for m in messages] == [f"Quill: {REPLY_TEXT}", "Stream please"]
