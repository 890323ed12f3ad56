"""Find the stored user messages a crash left without a reply or ignore marker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import StateError
from ..types import Memory
from ._ids import response_id_for

if TYPE_CHECKING:
    from ..runtime import AgentRuntime


def _is_user_message(memory: Memory, agent_id: str) -> bool:
    content = memory.content
    return (
        memory.id is not None
        and memory.entity_id != agent_id
        and content.type != "action_result"
        and (memory.metadata is None or memory.metadata.type in (None, "message"))
    )


async def find_unanswered(runtime: AgentRuntime, per_room: int, since_ms: int) -> list[Memory]:
    """Per room of the agent: the user messages newer than the newest handled one, oldest first.

    A message is handled when the memory with its response id exists (the reply or the ignore marker).
    Older unanswered messages are left alone: a newer message of the room was answered after them. Messages
    created before ``since_ms`` are never answered (a restart does not reply to old history).
    """
    adapter = runtime.adapter
    if adapter is None:
        raise StateError("recovering unanswered messages needs a database adapter: initialize() the runtime first")
    agent_id = runtime.agent_id
    pending: list[Memory] = []
    for room_id in await adapter.get_rooms_for_participant(agent_id):
        recent = await adapter.get_memories("messages", room_id=room_id, count=per_room, start=since_ms)
        candidates = [m for m in recent if _is_user_message(m, agent_id)]
        if not candidates:
            continue
        reply_ids = {response_id_for(agent_id, m.id or ""): m for m in candidates}
        handled = {m.id for m in await adapter.get_memories_by_ids(list(reply_ids), "messages")}
        room_pending: list[Memory] = []
        for message in candidates:  # newest first
            if response_id_for(agent_id, message.id or "") in handled:
                break
            room_pending.append(message)
        pending.extend(reversed(room_pending))
    pending.sort(key=lambda m: m.created_at or 0)
    return pending
