"""RECENT_MESSAGES: the conversation so far, the received message and a focus paragraph — §7.4.2.

Its ``recent*Interactions`` values hold up to 20 recent messages from the *other* rooms the sender shares with
the agent (none, and no query, when the agent itself is the sender); they are values only, never part of the
provider text, so a DM does not leak into a group prompt unless a template asks for them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ....prompts import add_header, format_messages, format_posts
from ....runtime._eager import gather_eagerly
from ....types import ChannelType, Entity, Memory, Provider, ProviderResult, Room, State
from .._support import adapter_of, room_by_id, room_entities, sender_name, shared, without_embeddings

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")

_POST_ROOMS = frozenset({ChannelType.FEED.value, ChannelType.THREAD.value})
INTERACTIONS_LIMIT = 20


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


async def recent_interactions(runtime: AgentRuntime, message: Memory) -> list[Memory]:
    """Up to 20 messages (newest first) from the other rooms both the sender and the agent take part in."""
    if message.entity_id == runtime.agent_id:
        return []
    adapter = adapter_of(runtime)
    agent_id = runtime.agent_id
    agent_rooms, sender_rooms = await gather_eagerly(
        [
            shared(runtime, ("rooms-of", agent_id), lambda: adapter.get_rooms_for_participant(agent_id)),
            adapter.get_rooms_for_participant(message.entity_id),
        ]
    )
    joined = set(agent_rooms)
    rooms = [room_id for room_id in sender_rooms if room_id in joined and room_id != message.room_id]
    if not rooms:
        return []
    memories = await adapter.get_memories_by_room_ids("messages", rooms, INTERACTIONS_LIMIT)
    return [m for m in without_embeddings(memories) if not is_action_result(m)]


async def _with_senders_of(runtime: AgentRuntime, memories: list[Memory], known: list[Entity]) -> list[Entity]:
    """``known`` plus the entities of senders in ``memories`` that are not in it yet (one query, only if needed)."""
    known_ids = {e.id for e in known}
    missing = [entity_id for entity_id in dict.fromkeys(m.entity_id for m in memories) if entity_id not in known_ids]
    if not missing:
        return known
    return [*known, *await adapter_of(runtime).get_entities_by_ids(missing)]


async def _get(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    adapter = adapter_of(runtime)
    reads: list[Any] = await gather_eagerly(
        [
            room_entities(runtime, message.room_id),
            room_by_id(runtime, message.room_id),
            adapter.get_memories_by_room_ids(
                "messages", [message.room_id], runtime.get_conversation_length(), shared=True
            ),
            recent_interactions(runtime, message),
        ]
    )
    entities: list[Entity] = reads[0]
    room: Room | None = reads[1]
    recent: list[Memory] = reads[2]
    elsewhere: list[Memory] = reads[3]
    dialogue: list[Memory] = []
    action_results: list[Memory] = []
    for memory in without_embeddings(recent):
        (action_results if is_action_result(memory) else dialogue).append(memory)
    post_format = room is not None and str(room.type) in _POST_ROOMS
    names: dict[str, str] = {e.id: e.names[0] for e in entities if e.id and e.names}
    names.setdefault(runtime.agent_id, runtime.character.name)
    known: list[Entity] = [*entities]
    if runtime.agent_id not in {e.id for e in entities}:
        known.append(Entity(id=runtime.agent_id, names=[runtime.character.name]))
    messages_text = format_messages(dialogue, known)
    posts_text = format_posts(dialogue, known, conversation_header=False) if post_format else ""
    everyone = await _with_senders_of(runtime, elsewhere, known)
    all_names = {e.id: e.names[0] for e in everyone if e.id and e.names}
    message_interactions = "\n".join(
        f"{all_names.get(m.entity_id, 'unknown')}: {m.content.text}" for m in reversed(elsewhere) if m.content.text
    )
    post_interactions = format_posts(elsewhere, everyone, conversation_header=False) if elsewhere else ""
    sender = sender_name(message, names)
    received = f"{sender}: {message.content.text}" if message.content.text else ""
    values = {
        "recentMessages": add_header("# Conversation Messages", messages_text),
        "recentPosts": add_header("# Posts in Thread", posts_text),
        "recentActionResults": _action_results_text(action_results),
        "recentMessage": format_messages(dialogue[:1], known) if dialogue else "",
        "recentMessageInteractions": message_interactions,
        "recentPostInteractions": post_interactions,
        "recentInteractions": post_interactions if post_format else message_interactions,
    }
    if not dialogue and not message.content.text:
        return ProviderResult(
            text="No recent messages available",
            values=values,
            data={"recentMessages": [], "recentInteractions": elsewhere},
        )
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
        data={"recentMessages": dialogue, "actionResults": action_results, "recentInteractions": elsewhere},
    )


recent_messages_provider = Provider(
    name="RECENT_MESSAGES",
    description="Recent messages of the conversation, the received message and recent action executions",
    get=_get,
    position=100,
)
