"""Server load: 100 Socket.IO clients in 20 channels, 10 messages each, over real WebSockets on 127.0.0.1.

One agent (stub model: a fixed REPLY, stub embeddings) sits in every channel. The five clients of a channel
send at the same time (each waits for the reply to its own message before sending its next one); the pipeline
supersedes only a sender's own older message, so every message is answered. The 20 channels run concurrently
and every client receives every broadcast of its channel. Checked: each of the 1000 user messages gets exactly
one reply, every client receives each reply of its channel exactly once, and history holds exactly 2000
messages.

Run: ``python -m bench.server_load`` (one JSON line per result, WORKLOAD.md format).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import socketio

from bench._common import emit, percentile, result, stub_embedding
from pyeliza.server import AgentServer, RunningServer, ServerConfig, bind_socket
from pyeliza.types import DEFAULT_SERVER_ID, Channel, ChannelType, Character, ModelType, Plugin, new_uuid

CHANNELS = 20
CLIENTS_PER_CHANNEL = 5
MESSAGES_PER_CLIENT = 10
REPLY = (
    "<response><thought>stub</thought><actions>REPLY</actions><providers></providers>"
    "<action>RESPOND</action><text>ok</text></response>"
)


async def _text(runtime: Any, params: Any) -> str:
    return REPLY


async def _embed(runtime: Any, params: Any) -> list[float]:
    return stub_embedding(getattr(params, "text", None))


STUB_MODELS = Plugin(
    name="bench-stub-model",
    models={ModelType.TEXT_SMALL: _text, ModelType.TEXT_LARGE: _text, ModelType.TEXT_EMBEDDING: _embed},
    priority=100,
)


class Client:
    """One user socket: records broadcasts and resolves the wait for the reply to its own message."""

    def __init__(self, channel_id: str, agent_id: str) -> None:
        self.entity_id = new_uuid()
        self.channel_id = channel_id
        self.agent_id = agent_id
        self.sio = socketio.AsyncClient(reconnection=False)
        self.replies: list[dict[str, Any]] = []
        self.acks: dict[str, asyncio.Future[str]] = {}
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.sio.on("messageBroadcast", self._broadcast)
        self.sio.on("messageAck", self._ack)

    async def _broadcast(self, data: dict[str, Any]) -> None:
        if data.get("senderId") != self.agent_id:
            return
        self.replies.append(data)
        future = self.waiting.pop(str(data.get("inReplyTo")), None)
        if future is not None and not future.done():
            future.set_result(data)

    async def _ack(self, data: dict[str, Any]) -> None:
        future = self.acks.pop(str(data.get("clientMessageId")), None)
        if future is not None:
            future.set_result(str(data["messageId"]))

    async def connect(self, url: str) -> None:
        await self.sio.connect(url, auth={"entityId": self.entity_id}, transports=["websocket"], wait_timeout=30)
        await self.sio.emit("1", {"channelId": self.channel_id, "entityId": self.entity_id})

    async def round_trip(self, text: str) -> float:
        """Send one message and wait for the agent's reply to it; returns the latency in ms."""
        loop = asyncio.get_running_loop()
        client_id = new_uuid()
        ack: asyncio.Future[str] = loop.create_future()
        self.acks[client_id] = ack
        started = time.perf_counter()
        await self.sio.emit(
            "2",
            {
                "channelId": self.channel_id,
                "senderId": self.entity_id,
                "senderName": f"user-{self.entity_id[:4]}",
                "message": text,
                "messageServerId": DEFAULT_SERVER_ID,
                "source": "bench",
                "messageId": client_id,
            },
        )
        message_id = await asyncio.wait_for(ack, timeout=60)
        reply: asyncio.Future[dict[str, Any]] = loop.create_future()
        early = [r for r in self.replies if r.get("inReplyTo") == message_id]
        if early:
            reply.set_result(early[0])
        else:
            self.waiting[message_id] = reply
        await asyncio.wait_for(reply, timeout=60)
        return (time.perf_counter() - started) * 1000


async def _client_conversation(client: Client, latencies: list[float]) -> None:
    for turn in range(MESSAGES_PER_CLIENT):
        latencies.append(await client.round_trip(f"message {turn} from {client.entity_id[:8]}"))


async def _channel_conversation(clients: list[Client], latencies: list[float]) -> None:
    await asyncio.gather(*(_client_conversation(client, latencies) for client in clients))


async def run(directory: Path) -> list[dict[str, Any]]:
    config = ServerConfig(data_dir=directory, port=0)
    async with AgentServer(config, env={}, extra_plugins=[STUB_MODELS]) as server:
        runtime = await server.start_agent(
            Character(name="Loadbot", bio="answers ok", settings={"ALWAYS_RESPOND_SOURCES": "bench"})
        )
        agent_id = runtime.agent_id
        running = RunningServer(server, bind_socket("127.0.0.1", 0))
        await running.start()
        try:
            groups: list[list[Client]] = []
            for index in range(CHANNELS):
                channel = Channel(
                    id=new_uuid(), message_server_id=DEFAULT_SERVER_ID, name=f"load-{index}", type=ChannelType.GROUP
                )
                clients = [Client(channel.id, agent_id) for _ in range(CLIENTS_PER_CHANNEL)]
                await server.central.create_channel(channel, [agent_id, *(c.entity_id for c in clients)])
                groups.append(clients)
            everyone = [c for group in groups for c in group]
            await asyncio.gather(*(c.connect(running.url) for c in everyone))
            latencies: list[float] = []
            started = time.perf_counter()
            await asyncio.gather(*(_channel_conversation(group, latencies) for group in groups))
            seconds = time.perf_counter() - started
            await server.bus.drain()
            problems = _verify(groups)
            stored = 0
            for group in groups:
                stored += len(await server.central.get_messages_for_channel(group[0].channel_id, limit=1000))
            expected_stored = 2 * CHANNELS * CLIENTS_PER_CHANNEL * MESSAGES_PER_CLIENT
            if stored != expected_stored:
                problems.append(f"history holds {stored} messages, expected {expected_stored}")
            await asyncio.gather(*(c.sio.disconnect() for c in everyone))
        finally:
            await running.stop()
    total = len(latencies)
    notes = (
        f"{CHANNELS} channels x {CLIENTS_PER_CHANNEL} concurrent socket clients x {MESSAGES_PER_CLIENT} messages, "
        "websocket, "
        f"one agent, stub model, SQLite; every reply once: {'yes' if not problems else 'NO: ' + '; '.join(problems)}"
    )
    line = result(
        "SERVER_LOAD",
        total,
        seconds,
        notes,
        p50_ms=round(percentile(latencies, 50), 2),
        p99_ms=round(percentile(latencies, 99), 2),
        clients=len(everyone),
        replies_ok=not problems,
    )
    return [line]


def _verify(groups: list[list[Client]]) -> list[str]:
    problems: list[str] = []
    expected = CLIENTS_PER_CHANNEL * MESSAGES_PER_CLIENT
    for group in groups:
        for client in group:
            ids = Counter(r["id"] for r in client.replies)
            answered = Counter(r["inReplyTo"] for r in client.replies)
            if len(ids) != expected or max(ids.values()) != 1 or max(answered.values()) != 1:
                problems.append(
                    f"client {client.entity_id[:8]} saw {sum(ids.values())} replies "
                    f"({len(ids)} distinct, {len(answered)} messages answered), expected {expected} once each"
                )
    return problems


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pyeliza-load-") as directory:
        for line in asyncio.run(run(Path(directory))):
            emit(line)


if __name__ == "__main__":
    main()
