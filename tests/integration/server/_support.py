"""Support for the server tests: a deterministic model plugin, live servers, socket clients, small API steps."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import socketio

from pyeliza.server import AgentServer, RunningServer
from pyeliza.testing import stub_embedding
from pyeliza.types import DEFAULT_SERVER_ID, GenerateTextParams, ModelType, Plugin, TextStreamResult, new_uuid

REPLY_TEXT = "I hear you, and I am answering."


def reply_xml(name: str) -> str:
    return (
        f"<response><name>{name}</name><reasoning>addressed</reasoning><action>RESPOND</action>"
        f"<thought>{name} thinks this deserves an answer</thought><actions>REPLY</actions><providers></providers>"
        f"<text>{name}: {REPLY_TEXT}</text></response>"
    )


def _pieces(text: str, size: int = 12) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


async def _text_model(runtime: Any, params: GenerateTextParams) -> Any:
    answer = reply_xml(runtime.character.name)
    if params.stream:

        async def chunks() -> AsyncIterator[str]:
            for piece in _pieces(answer):
                yield piece

        return TextStreamResult(text_stream=chunks())
    return answer


def echo_model_plugin() -> Plugin:
    """Answers every text prompt with a REPLY in the pipeline's XML format; stub embeddings."""
    return Plugin(
        name="test-echo-model",
        models={
            ModelType.TEXT_SMALL: _text_model,
            ModelType.TEXT_LARGE: _text_model,
            ModelType.TEXT_EMBEDDING: stub_embedding,
        },
        priority=100,
    )


def write_character(folder: Path, name: str, **extra: Any) -> Path:
    path = folder / f"{name.lower()}.json"
    body = {"name": name, "bio": [f"{name} is a test agent."], "plugins": ["@elizaos/plugin-bootstrap"], **extra}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


class LiveServer:
    def __init__(self, server: AgentServer, running: RunningServer) -> None:
        self.server = server
        self.running = running
        self.url = running.url

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"X-API-KEY": token} if token else {}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=30.0)


class SocketClient:
    """A python-socketio client that records every event it receives."""

    def __init__(self, entity_id: str | None = None) -> None:
        self.entity_id = entity_id or new_uuid()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: dict[str, list[Any]] = {}
        self._changed = asyncio.Event()
        self.sio.on("*", self._record)
        self.sio.on("connect_error", self._connect_error)

    async def _record(self, event: str, data: Any = None) -> None:
        self.events.setdefault(event, []).append(data)
        self._changed.set()

    async def _connect_error(self, data: Any = None) -> None:
        await self._record("connect_error", data)

    async def connect(self, url: str, auth: dict[str, Any] | None = None) -> None:
        await self.sio.connect(
            url, auth={"entityId": self.entity_id, **(auth or {})}, transports=["websocket"], wait_timeout=10
        )

    async def wait_for(
        self, event: str, predicate: Callable[[Any], bool] = lambda _: True, count: int = 1
    ) -> list[Any]:
        """The first ``count`` events named ``event`` matching ``predicate`` (fails after 20 s)."""

        async def wait() -> list[Any]:
            while True:
                found = [d for d in self.events.get(event, []) if predicate(d)]
                if len(found) >= count:
                    return found
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(wait(), timeout=20)

    async def close(self) -> None:
        await self.sio.disconnect()


async def create_and_start(client: httpx.AsyncClient, folder: Path, name: str) -> str:
    path = write_character(folder, name)
    created = await client.post("/api/agents", json={"characterPath": str(path)})
    assert created.status_code == 201, created.text
    agent_id = str(created.json()["data"]["id"])
    started = await client.post(f"/api/agents/{agent_id}/start")
    assert started.status_code == 200, started.text
    assert started.json()["data"] == {"id": agent_id, "name": name, "status": "active"}
    return agent_id


async def dm_channel(client: httpx.AsyncClient, user_id: str, agent_id: str) -> str:
    response = await client.get(
        "/api/messaging/dm-channel", params={"targetUserId": agent_id, "currentUserId": user_id}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["id"])


async def group_channel(client: httpx.AsyncClient, name: str, participants: list[str]) -> str:
    response = await client.post(
        "/api/messaging/channels",
        json={"name": name, "participantCentralUserIds": participants, "message_server_id": DEFAULT_SERVER_ID},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


async def history(client: httpx.AsyncClient, channel_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/messaging/channels/{channel_id}/messages")
    assert response.status_code == 200, response.text
    return list(response.json()["data"]["messages"])


def parse_sse(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", None
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data = json.loads(line[5:].strip())
        events.append((name, data))
    return events
