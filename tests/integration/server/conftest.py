"""Fixtures of the server tests: live servers on free loopback ports and recording Socket.IO clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.integration.server._support import LiveServer, SocketClient, echo_model_plugin

from pyeliza.server import AgentServer, RunningServer, ServerConfig, bind_socket
from pyeliza.types import Plugin

StartServer = Callable[..., Awaitable[LiveServer]]


@pytest.fixture
async def start_server(tmp_path: Path) -> AsyncIterator[StartServer]:
    """``await start_server(extra=(plugins...), auth_token=...)``: a server on a free loopback port, stopped after."""
    started: list[LiveServer] = []

    async def start(extra: tuple[Plugin, ...] = (), **overrides: Any) -> LiveServer:
        config = replace(ServerConfig(), data_dir=tmp_path / f"data{len(started)}", port=0, **overrides)
        server = AgentServer(config, env={}, extra_plugins=[echo_model_plugin(), *extra])
        await server.open()
        running = RunningServer(server, bind_socket("127.0.0.1", 0))
        await running.start()
        live = LiveServer(server, running)
        started.append(live)
        return live

    yield start
    for live in reversed(started):
        await live.running.stop()
        await live.server.close()


@pytest.fixture
async def socket_clients() -> AsyncIterator[Callable[..., SocketClient]]:
    made: list[SocketClient] = []

    def make(entity_id: str | None = None) -> SocketClient:
        client = SocketClient(entity_id)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()
