"""``pyeliza start``: the server with the given characters (or the default one) on embedded SQLite."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from rich.table import Table

from ..server import AgentServer, RunningServer, ServerConfig, bind_socket
from ._common import console, load_characters, model_routing


async def start_server(
    characters: list[Path] | None, host: str | None, port: int | None, data_dir: Path | None
) -> None:
    config = ServerConfig.from_env()
    config = replace(
        config,
        host=host or config.host,
        port=config.port if port is None else port,
        data_dir=data_dir or config.data_dir,
    )
    loaded = load_characters(characters)
    sock = bind_socket(config.host, config.port)
    async with AgentServer(config, env=dict(os.environ)) as server:
        table = Table(title="agents", show_lines=False)
        table.add_column("agent")
        table.add_column("id")
        for column in ("TEXT_SMALL", "TEXT_LARGE", "TEXT_EMBEDDING"):
            table.add_column(column)
        for character in loaded:
            runtime = await server.start_agent(character)
            routing = model_routing(runtime)
            table.add_row(
                character.name,
                runtime.agent_id,
                routing["TEXT_SMALL"],
                routing["TEXT_LARGE"],
                routing["TEXT_EMBEDDING"],
            )
        running = RunningServer(server, sock)

        def ready(url: str) -> None:
            console.print(table)
            console.print(f"pyeliza server listening on [bold]{url}[/]", soft_wrap=True)
            console.print(f"web chat: {url}/  API docs: {url}/docs", soft_wrap=True)
            if config.auth_token:
                console.print("API key required: send it as X-API-KEY (PYELIZA_SERVER_AUTH_TOKEN is set)")
            console.print("press Ctrl+C to stop")

        await running.serve(on_ready=ready)
