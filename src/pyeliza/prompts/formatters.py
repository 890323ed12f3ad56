"""Text renderings of messages, posts, entities and times for prompts (reference §4.2–4.5, §4.7)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from ..types import Entity, Media, Memory, now_ms

UNKNOWN_USER = "Unknown User"


def add_header(header: str, body: str) -> str:
    """``header\\nbody\\n``; an empty body gives ``""`` and an empty header is left out."""
    if not body:
        return ""
    return f"{header}\n{body}\n" if header else f"{body}\n"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def format_timestamp(timestamp_ms: int, now: int | None = None) -> str:
    """``just now`` / ``N minutes ago`` / ``N hours ago`` / ``N days ago`` (absolute difference)."""
    seconds = abs((now if now is not None else now_ms()) - timestamp_ms) // 1000
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return _plural(seconds // 60, "minute")
    if seconds < 86400:
        return _plural(seconds // 3600, "hour")
    return _plural(seconds // 86400, "day")


def _names_by_id(entities: Sequence[Entity]) -> dict[str, str]:
    return {entity.id: entity.names[0] for entity in entities if entity.id and entity.names}


def _clock(timestamp_ms: int) -> str:
    """``HH:MM`` in local time."""
    return _clock_of_minute(timestamp_ms // 60_000)


@lru_cache(maxsize=4096)
def _clock_of_minute(minute: int) -> str:
    """The local ``HH:MM`` of a minute since the epoch; every composition renders the same 32 messages again."""
    moment = datetime.fromtimestamp(minute * 60)
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _attachment_text(attachments: Sequence[Media]) -> str:
    detailed = any(item.text or item.description for item in attachments)
    rendered: list[str] = []
    for item in attachments:
        lines = [f"[{item.id} - {item.title or ''} ({item.url})]"]
        if item.text:
            lines.append(f"Text: {item.text}")
        if item.description:
            lines.append(f"Description: {item.description}")
        rendered.append("\n".join(lines))
    separator = "\n" if detailed else ", "
    return f" (Attachments: {separator.join(rendered)})"


_MAX_RENDERED = 1024
_rendered: dict[int, tuple[Memory, str, str, str]] = {}
"""Renderings of frozen memories (the shared snapshots of a room's conversation) by ``id(memory)``: the memory,
the sender name, the relative time and the text. Each entry holds its memory, so the id cannot be reused."""


def format_message(message: Memory, names: dict[str, str], now: int | None = None) -> str:
    """One message as up to four lines: text, internal thought, actions, attachments.

    A frozen memory renders the same way for the same name and relative time, and every composition renders the
    same conversation again: those renderings are remembered.
    """
    name = names.get(message.entity_id, UNKNOWN_USER)
    created = message.created_at
    if created is None:
        created = now if now is not None else now_ms()
        return _render(message, name, created, format_timestamp(created, now))
    ago = format_timestamp(created, now)
    kept = _rendered.get(id(message))
    if kept is not None and kept[0] is message and kept[1] == name and kept[2] == ago:
        return kept[3]
    text = _render(message, name, created, ago)
    if message.model_config.get("frozen"):
        if len(_rendered) >= _MAX_RENDERED:
            _rendered.clear()
        _rendered[id(message)] = (message, name, ago, text)
    return text


def _render(message: Memory, name: str, created: int, ago: str) -> str:
    stamp = f"{_clock(created)} ({ago}) [{message.entity_id}]"
    content = message.content
    lines: list[str] = []
    if content.text:
        lines.append(f"{stamp} {name}: {content.text}")
    if content.thought:
        lines.append(f"({name}'s internal thought: {content.thought})")
    if content.actions:
        actions = f"({name}'s actions: {', '.join(content.actions)})"
        lines.append(actions if content.text else f"{stamp} {actions}")
    if content.attachments:
        lines.append(_attachment_text(content.attachments))
    return "\n".join(lines)


def format_messages(messages: Sequence[Memory], entities: Sequence[Entity], *, now: int | None = None) -> str:
    """Messages given newest-first, rendered oldest-first, one block per message (the input is not mutated)."""
    names = _names_by_id(entities)
    now = now if now is not None else now_ms()
    blocks = [format_message(message, names, now) for message in reversed(messages) if message.entity_id]
    return "\n".join([block for block in blocks if block])


def format_posts(
    messages: Sequence[Memory],
    entities: Sequence[Entity],
    *,
    conversation_header: bool = True,
    now: int | None = None,
) -> str:
    """Posts grouped by room (newest room first), each room oldest-first, blocks separated by blank lines."""
    names = _names_by_id(entities)
    rooms: dict[str, list[Memory]] = {}
    for message in messages:
        rooms.setdefault(message.room_id, []).append(message)
    ordered = sorted(rooms.items(), key=lambda item: max(m.created_at or 0 for m in item[1]), reverse=True)
    sections: list[str] = []
    for room_id, room_messages in ordered:
        posts = [_format_post(m, names, now) for m in sorted(room_messages, key=lambda m: m.created_at or 0)]
        body = "\n\n".join(posts)
        sections.append(f"Conversation: {room_id[-5:]}\n{body}" if conversation_header else body)
    return "\n\n".join(sections)


def _format_post(message: Memory, names: dict[str, str], now: int | None) -> str:
    name = names.get(message.entity_id, UNKNOWN_USER)
    lines = [f"Name: {name} (@{name} EntityID:{message.entity_id})", f"MessageID: {message.id}"]
    if message.content.in_reply_to:
        lines.append(f"In reply to: {message.content.in_reply_to}")
    created = message.created_at if message.created_at is not None else now_ms()
    lines += [
        f"Source: {message.content.source or ''}",
        f"Date: {format_timestamp(created, now)}",
        "Text:",
        message.content.text or "",
    ]
    return "\n".join(lines)


def format_entities(entities: Sequence[Entity]) -> str:
    """Per entity ``"Name" aka "Other"``, ``ID: <id>`` and ``Data: <json>`` when it has metadata."""
    blocks: list[str] = []
    for entity in entities:
        lines = [" aka ".join(f'"{name}"' for name in entity.names), f"ID: {entity.id}"]
        if entity.metadata:
            lines.append(f"Data: {json.dumps(entity.metadata, default=str, ensure_ascii=False)}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
