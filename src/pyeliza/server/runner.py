"""Running the server under uvicorn: bind, report the address, stop cleanly."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable

import uvicorn

from ..errors import ConfigurationError
from .agent_server import AgentServer
from .app import create_app

logger = logging.getLogger("pyeliza.server")


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket (``port`` 0 picks a free one); a busy or invalid address is a ConfigurationError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigurationError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
            "stop the other server or choose another port (--port or PYELIZA_SERVER_PORT)"
        ) from exc
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class RunningServer:
    """uvicorn serving an :class:`AgentServer` on an already-bound socket."""

    def __init__(self, server: AgentServer, sock: socket.socket) -> None:
        self.agent_server = server
        self.socket = sock
        config = uvicorn.Config(
            create_app(server),
            log_level="warning",
            lifespan="off",
            timeout_keep_alive=5,
            ws="wsproto",
        )
        self.uvicorn = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    @property
    def url(self) -> str:
        host = self.socket.getsockname()[0]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{shown}:{self.port}"

    async def serve(self, on_ready: Callable[[str], Awaitable[None] | None] | None = None) -> None:
        """Serve until :meth:`stop` or SIGINT/SIGTERM; ``on_ready`` receives the URL once connections are accepted."""
        await self.start()
        if on_ready is not None:
            outcome = on_ready(self.url)
            if outcome is not None:
                await outcome
        if self._task is not None:
            await self._task

    async def start(self) -> None:
        """Start serving in a background task and wait until connections are accepted."""
        self._task = asyncio.create_task(self.uvicorn.serve(sockets=[self.socket]))
        while not self.uvicorn.started:
            if self._task.done():
                await self._task
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.uvicorn.should_exit = True
        if self._task is not None:
            await self._task
