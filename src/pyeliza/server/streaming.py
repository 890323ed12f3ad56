"""Server-sent events: a reply streamed token by token (``transport: "sse"``).

Events: ``user_message`` (the stored message), ``chunk`` ``{messageId, chunk, index}``, ``done`` (the reply
content; the reply is already stored and broadcast once) or ``error`` ``{error}``. The reply runs as a server
task, so a client that disconnects early does not lose it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from fastapi.responses import StreamingResponse

from ..errors import PyElizaError
from .dispatch import UserMessage, accept, reply_directly
from .wire import message_json

if TYPE_CHECKING:
    from .agent_server import AgentServer

logger = logging.getLogger("pyeliza.server.sse")

_END = object()


def sse_event(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


async def _events(server: AgentServer, message: UserMessage, agent_id: str) -> AsyncIterator[str]:
    queue: asyncio.Queue[object] = asyncio.Queue()

    async def on_chunk(chunk: str, message_id: str, index: int) -> None:
        await queue.put(sse_event("chunk", {"messageId": message_id, "chunk": chunk, "index": index}))

    try:
        stored = await accept(server, message)
    except PyElizaError as exc:
        yield sse_event("error", {"error": str(exc)})
        return
    yield sse_event("user_message", message_json(stored))

    async def run() -> None:
        try:
            replies = await reply_directly(server, stored, message, agent_id, on_chunk)
            content = replies[-1].to_json_dict() if replies else {"text": "", "actions": ["IGNORE"]}
            await queue.put(sse_event("done", content))
        except Exception as exc:
            logger.exception("streaming reply in channel %s failed", message.channel_id)
            await queue.put(sse_event("error", {"error": str(exc)}))
        finally:
            await queue.put(_END)

    server.spawn(run())
    while True:
        item = await queue.get()
        if item is _END:
            break
        yield str(item)


def sse_reply(server: AgentServer, message: UserMessage, agent_id: str) -> StreamingResponse:
    return StreamingResponse(
        _events(server, message, agent_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
