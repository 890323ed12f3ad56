"""``pyeliza chat``: talk to an agent in the terminal, in-process (no server needed)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StateError
from ..server.agent_factory import agent_id_for, build_runtime
from ..storage import open_database
from ..types import ChannelType, Content, Memory, create_message_memory, create_unique_uuid, string_to_uuid
from ._common import console, database_url, load_characters, model_routing

if TYPE_CHECKING:
    from ..runtime import AgentRuntime

USER_NAME = "user"
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit"})


async def _read_line(prompt: str) -> str | None:
    """One line from stdin on a worker thread (never blocks the loop); ``None`` at end of input."""
    if sys.stdin.isatty():
        console.print(prompt, end="")
    line = await asyncio.to_thread(sys.stdin.readline)
    return None if line == "" else line.rstrip("\n")


async def chat(character_path: Path | None, data_dir: Path, db_url: str | None) -> None:
    character = load_characters([character_path] if character_path else None)[0]
    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    agent_id = agent_id_for(character)
    user_id = string_to_uuid(f"cli-user:{agent_id}")
    room_id = create_unique_uuid(agent_id, "cli-room")
    async with open_database(database_url(data_dir, db_url)) as database:
        runtime = build_runtime(character, database.adapter(agent_id), dict(os.environ))
        await runtime.initialize()
        try:
            routing = ", ".join(f"{k}={v}" for k, v in model_routing(runtime).items())
            console.print(f"chatting with [bold]{character.name}[/] ({routing}); type /quit to leave")
            await runtime.ensure_connection(
                user_id,
                room_id,
                world_id=create_unique_uuid(agent_id, "cli-world"),
                world_name="Terminal",
                user_name=USER_NAME,
                name=USER_NAME,
                source="cli",
                type=ChannelType.DM,
                channel_id="cli",
            )
            await _loop(runtime, user_id, room_id, character.name)
        finally:
            await runtime.stop()


async def _loop(runtime: AgentRuntime, user_id: str, room_id: str, name: str) -> None:
    service = runtime.message_service
    if service is None:
        raise StateError("the agent has no message service: is the bootstrap plugin loaded?")
    while True:
        line = await _read_line("you> ")
        if line is None or line.strip().lower() in QUIT_WORDS:
            return
        if not line.strip():
            continue
        message = create_message_memory(
            entity_id=user_id,
            room_id=room_id,
            agent_id=runtime.agent_id,
            content={"text": line, "source": "cli", "channelType": "DM"},
        )

        async def show(content: Content) -> list[Memory]:
            if content.text:
                console.print(f"[bold cyan]{name}>[/] {content.text}", highlight=False)
            return []

        await service.handle_message(message, show)
