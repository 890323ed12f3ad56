"""RECENT_MESSAGES: the conversation so far, the received message and a focus paragraph — §7.4.2."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ....prompts import add_header, format_messages, format_posts
from ....types import ChannelType, Entity, Memory, Provider, ProviderResult, State
from .._support import adapter_of, room_by_id, room_entities, sender_name, without_embeddings

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")

_POST_ROOMS = frozenset({ChannelType.FEED.value, ChannelType.THREAD.value})


def is_action_result(memory: Memory) -> bool:
    meta_type = memory.metadata.type if memory.metadata is not None else None
    return memory.content.type == "action_result" or meta_type == "action_result"


def _action_results_text(results: list[Memory]) -> str:
    runs: dict[str, list[Memory]] = {}
    for memory in reversed(results):  # oldest first
        extra = memory.content.model_extra or {}
        meta_extra = (memory.metadata.model_extra or {}) if memory.metadata is not None else {}
        run_id = str(extra.get("runId") or meta_extra.get("runId") or "unknown")
        runs.setdefault(run_id, []).append(memory)
    blocks: list[str] = []
    for run_id, memories in list(runs.items())[-3:]:
        lines = [f"**Action Run {run_id[:8]}**"]
        for index, memory in enumerate(memories, start=1):
            extra = memory.content.model_extra or {}
            name = memory.content.action_name or extra.get("actionName") or "UNKNOWN"
            status = extra.get("actionStatus") or "completed"
            error = extra.get("error")
            detail = f"Error - {error}" if error else (memory.content.text or "")
            lines.append(f"- {name} ({status}) [{index}/{len(memories)}]: {detail}")
        blocks.append("\n".join(lines))
    return add_header("# Recent Action Executions", "\n\n".join(blocks)) if blocks else ""


async def _get(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    adapter = adapter_of(runtime)
    entities, room, recent = await asyncio.gather(
        room_entities(runtime, message.room_id),
        room_by_id(runtime, message.room_id),
        adapter.get_memories_by_room_ids("messages", [message.room_id], runtime.get_conversation_length()),
    )
    recent = without_embeddings(recent)
    dialogue = [m for m in recent if not is_action_result(m)]
    action_results = [m for m in recent if is_action_result(m)]
    post_format = room is not None and str(room.type) in _POST_ROOMS
    names: dict[str, str] = {e.id: e.names[0] for e in entities if e.id and e.names}
    names.setdefault(runtime.agent_id, runtime.character.name)
    known: list[Entity] = [*entities]
    if runtime.agent_id not in {e.id for e in entities}:
        known.append(Entity(id=runtime.agent_id, names=[runtime.character.name]))
    messages_text = format_messages(dialogue, known)
    posts_text = format_posts(dialogue, known, conversation_header=False) if post_format else ""
    interactions = "\n".join(
        f"{names.get(m.entity_id, 'unknown')}: {m.content.text}" for m in reversed(dialogue) if m.content.text
    )
    sender = sender_name(message, names)
    received = f"{sender}: {message.content.text}" if message.content.text else ""
    values = {
        "recentMessages": add_header("# Conversation Messages", messages_text),
        "recentPosts": add_header("# Posts in Thread", posts_text),
        "recentActionResults": _action_results_text(action_results),
        "recentMessage": format_messages(dialogue[:1], known) if dialogue else "",
        "recentMessageInteractions": interactions,
        "recentPostInteractions": interactions if post_format else "",
        "recentInteractions": interactions,
    }
    if not dialogue and not message.content.text:
        return ProviderResult(text="No recent messages available", values=values, data={"recentMessages": []})
    parts = [
        values["recentPosts"] if post_format else values["recentMessages"],
        values["recentActionResults"],
        add_header("# Received Message", received),
        add_header(
            "# Focus your response",
            f"You are replying to the message above from {sender}. Answer that message; do not repeat what "
            f"{runtime.character.name} already said.",
        )
        if received
        else "",
    ]
    return ProviderResult(
        text="\n".join(part for part in parts if part),
        values=values,
        data={"recentMessages": dialogue, "actionResults": action_results},
    )


recent_messages_provider = Provider(
    name="RECENT_MESSAGES",
    description="Recent messages of the conversation, the received message and recent action executions",
    get=_get,
    position=100,
)
