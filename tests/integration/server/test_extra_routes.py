"""PATCH action messages, memory groups over each agent's adapter, audio routes, and generate-title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.server._support import create_and_start, dm_channel, history, reply_xml
from tests.integration.server.conftest import StartServer

from pyeliza.types import (
    DEFAULT_SERVER_ID,
    Content,
    GenerateTextParams,
    Memory,
    ModelType,
    Plugin,
    TextToSpeechParams,
    TranscriptionParams,
    new_uuid,
)

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "


async def test_patch_action_updates_and_broadcasts(start_server: StartServer, socket_clients, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Actor")
        user = socket_clients()
        await user.connect(live.url)
        channel_id = await dm_channel(client, user.entity_id, agent_id)
        await user.sio.emit("1", {"channelId": channel_id, "entityId": user.entity_id})
        await user.wait_for("channel_joined")
        body = {
            "channel_id": channel_id,
            "message_server_id": DEFAULT_SERVER_ID,
            "author_id": agent_id,
            "content": "Searching...",
            "source_type": "agent_action",
            "raw_message": {"actions": ["SEARCH"]},
        }
        created = await client.post("/api/messaging/action", json=body)
        assert created.status_code == 201, created.text
        message_id = created.json()["data"]["id"]

        patched = await client.patch(
            f"/api/messaging/action/{message_id}",
            json={"content": "Found 3 results", "raw_message": {"actions": ["SEARCH"], "done": True}},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["data"]["content"] == "Found 3 results"
        (update,) = await user.wait_for("messageBroadcast", lambda e: e.get("text") == "Found 3 results")
        assert update["id"] == message_id
        assert update["rawMessage"] == {"actions": ["SEARCH"], "done": True}
        assert [m["content"] for m in await history(client, channel_id) if m["id"] == message_id] == ["Found 3 results"]

        other_author = await client.patch(
            f"/api/messaging/action/{message_id}", json={"content": "hijack", "author_id": new_uuid()}
        )
        assert other_author.status_code == 403
        assert (await client.patch(f"/api/messaging/action/{new_uuid()}", json={"content": "x"})).status_code == 404
        assert (await client.patch("/api/messaging/action/nope", json={"content": "x"})).status_code == 400


async def test_memory_groups_use_each_agents_adapter(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        first = await create_and_start(client, tmp_path, "Ann")
        second = await create_and_start(client, tmp_path, "Bob")
        group_id = new_uuid()
        missing = new_uuid()
        created = await client.post(
            f"/api/memory/groups/{group_id}",
            json={"name": "Book club", "worldId": group_id, "source": "api", "agentIds": [first, second, missing]},
        )
        assert created.status_code == 207, created.text
        answer = created.json()
        rooms = {room["agentId"]: room for room in answer["data"]}
        assert set(rooms) == {first, second}
        assert all(room["type"] == "API" and room["name"] == "Book club" for room in rooms.values())
        assert answer["errors"] == [{"agentId": missing, "error": f"agent {missing} is not running"}]

        for agent_id, room in rooms.items():
            adapter = live.server.database.adapter(agent_id)
            memory = Memory(
                entity_id=agent_id, agent_id=agent_id, room_id=room["id"], content=Content(text="chapter one")
            )
            await adapter.create_memory(memory, "messages")
            assert len(await adapter.get_memories("messages", room_id=room["id"])) == 1

        assert (await client.delete(f"/api/memory/groups/{group_id}/memories")).status_code == 204
        for agent_id, room in rooms.items():
            adapter = live.server.database.adapter(agent_id)
            assert await adapter.get_memories("messages", room_id=room["id"]) == []
            assert room["id"] in [r.id for r in await adapter.get_rooms_by_world(group_id)]

        assert (await client.delete(f"/api/memory/groups/{group_id}")).status_code == 204
        for agent_id in rooms:
            assert await live.server.database.adapter(agent_id).get_rooms_by_world(group_id) == []
        bad = await client.post(f"/api/memory/groups/{group_id}", json={"worldId": group_id, "agentIds": []})
        assert bad.status_code == 422


def _audio_plugin(heard: list[bytes]) -> Plugin:
    async def transcribe(runtime: Any, params: TranscriptionParams) -> str:
        heard.append(params.audio or b"")
        return "hello from the recording"

    async def speak(runtime: Any, params: TextToSpeechParams) -> bytes:
        return WAV + params.text.encode()

    return Plugin(name="test-audio", models={ModelType.TRANSCRIPTION: transcribe, ModelType.TEXT_TO_SPEECH: speak})


async def test_audio_routes_use_the_agents_models(start_server: StartServer, tmp_path: Path) -> None:
    heard: list[bytes] = []
    live = await start_server(extra=(_audio_plugin(heard),))
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Voice")
        files = {"file": ("clip.wav", WAV + b"data", "audio/wav")}
        transcribed = await client.post(f"/api/audio/{agent_id}/transcriptions", files=files)
        assert transcribed.status_code == 200, transcribed.text
        assert transcribed.json()["data"] == {"text": "hello from the recording"}
        assert heard == [WAV + b"data"]
        spoken = await client.post(f"/api/audio/{agent_id}/speech/generate", json={"text": "good morning"})
        assert spoken.status_code == 200
        assert spoken.headers["content-type"] == "audio/wav"
        assert spoken.content == WAV + b"good morning"
        assert (await client.post(f"/api/audio/{new_uuid()}/speech/generate", json={"text": "x"})).status_code == 404


async def test_audio_routes_name_the_missing_model(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Mute")
        files = {"file": ("clip.wav", WAV, "audio/wav")}
        transcribed = await client.post(f"/api/audio/{agent_id}/transcriptions", files=files)
        assert transcribed.status_code == 501
        assert transcribed.json()["error"]["code"] == "MODEL_NOT_AVAILABLE"
        assert "no TRANSCRIPTION model" in transcribed.json()["error"]["message"]
        spoken = await client.post(f"/api/audio/{agent_id}/speech/generate", json={"text": "hi"})
        assert spoken.status_code == 501
        assert "no TEXT_TO_SPEECH model" in spoken.json()["error"]["message"]


def _titling_plugin(titles: list[str]) -> Plugin:
    async def text(runtime: Any, params: GenerateTextParams) -> str:
        if params.prompt.startswith("Write a short title"):
            return titles.pop(0)
        return reply_xml(runtime.character.name)

    return Plugin(name="titling-model", models={ModelType.TEXT_SMALL: text, ModelType.TEXT_LARGE: text}, priority=300)


async def test_generate_title_always_answers(start_server: StartServer, tmp_path: Path) -> None:
    titles = ['"Planning a tea party."\n', "   "]
    live = await start_server(extra=(_titling_plugin(titles),))
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Namer")
        user_id = new_uuid()
        channel_id = await dm_channel(client, user_id, agent_id)
        sent = await client.post(
            f"/api/messaging/channels/{channel_id}/messages",
            json={
                "author_id": user_id,
                "content": "Let us plan a tea party for Sunday afternoon with friends",
                "message_server_id": DEFAULT_SERVER_ID,
                "transport": "http",
            },
        )
        assert sent.status_code == 201
        url = f"/api/messaging/channels/{channel_id}/generate-title"
        named = await client.post(url, json={"agentId": agent_id})
        assert named.json()["data"] == {"title": "Planning a tea party", "channelId": channel_id, "fallback": False}
        empty = await client.post(url, json={"agentId": agent_id})
        assert empty.status_code == 200
        assert empty.json()["data"] == {"title": "Let us plan a tea party…", "channelId": channel_id, "fallback": True}
        assert (await client.post(url, json={"agentId": new_uuid()})).status_code == 404
        unknown = f"/api/messaging/channels/{new_uuid()}/generate-title"
        assert (await client.post(unknown, json={"agentId": agent_id})).status_code == 404
