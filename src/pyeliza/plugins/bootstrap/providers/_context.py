"""ANXIETY, TIME and ATTACHMENTS: situational hints for the model — §7.4."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from ....prompts import add_header
from ....prompts._random import SHARED
from ....types import ChannelType, Media, Memory, Provider, ProviderResult, State
from .._support import adapter_of

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

_GROUP = (
    "In a group, speak only when you add something; silence is a fine answer.",
    "If the message is not for you, choose IGNORE.",
    "Keep replies to one or two sentences in group chats.",
    "Do not answer messages addressed to someone else.",
    "When the conversation moved on without you, stay quiet.",
    "Do not repeat what others already said.",
)
_DM = (
    "Answer the question that was asked, briefly.",
    "Skip pleasantries and filler; get to the point.",
    "One short paragraph is usually enough.",
    "Do not ask several questions at once.",
    "If you are unsure what the user means, ask one short question.",
)
_VOICE = (
    "Replies are spoken: keep them short and plain.",
    "Avoid lists, markup and long numbers in spoken replies.",
    "One or two spoken sentences are plenty.",
)
_OTHER = (
    "Be concise.",
    "When unsure whether to reply, prefer IGNORE.",
    "Say one thing well rather than many things loosely.",
    "Avoid long explanations nobody asked for.",
)


def _pool(channel_type: str) -> tuple[str, ...]:
    if channel_type == ChannelType.GROUP.value:
        return _GROUP
    if channel_type == ChannelType.DM.value:
        return _DM
    if channel_type in (ChannelType.VOICE_DM.value, ChannelType.VOICE_GROUP.value):
        return _VOICE
    return _OTHER


async def _anxiety(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    directions = SHARED.sample(_pool(str(message.content.channel_type or "").upper()), 3)
    text = add_header(
        f"# {runtime.character.name} tends to be verbose and over-eager; keep these directions in mind:",
        "\n".join(f"- {line}" for line in directions),
    )
    return ProviderResult(text=text, values={"anxiety": text})


@lru_cache(maxsize=2)
def _time_of_second(second: int) -> tuple[str, str]:
    """The provider text and the stamp of one second (every composition asks; formatting costs 5 µs)."""
    stamp = datetime.fromtimestamp(second, UTC).strftime("%A, %B %-d, %Y at %-I:%M:%S %p UTC")
    return add_header(
        "# Current Time", f"The current date and time is {stamp}. Use it as the reference for now."
    ), stamp


async def _time(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    text, stamp = _time_of_second(int(time.time()))
    return ProviderResult(text=text, values={"time": stamp})


def _render_attachment(media: Media) -> str:
    lines = [f"ID: {media.id}", f"Name: {media.title or ''}", f"URL: {media.url}"]
    kind = media.content_type.value if media.content_type else "unknown"
    lines.append(f"Type: {kind} ({media.source or 'unknown source'})")
    if media.description:
        lines.append(f"Description: {media.description}")
    if media.text:
        lines.append(f"Text: {media.text}")
    return "\n".join(lines)


async def _attachments(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    recent = await adapter_of(runtime).get_memories(
        "messages", room_id=message.room_id, count=runtime.get_conversation_length()
    )
    seen: dict[str, tuple[Media, int]] = {}
    for memory in [message, *recent]:
        for media in memory.content.attachments or []:
            seen.setdefault(media.id, (media, memory.created_at or 0))
    if not seen:
        return ProviderResult(text="", values={"attachments": ""}, data={"attachments": []})
    newest = max(created for _, created in seen.values())
    shown: list[Media] = []
    for media, created in seen.values():
        shown.append(media.model_copy(update={"text": "[Hidden]"}) if newest - created > 3_600_000 else media)
    text = add_header("# Attachments", "\n\n".join(_render_attachment(m) for m in shown))
    return ProviderResult(text=text, values={"attachments": text}, data={"attachments": shown})


anxiety_provider = Provider(name="ANXIETY", description="Directions that keep replies short and relevant", get=_anxiety)
time_provider = Provider(name="TIME", description="The current date and time (UTC)", get=_time)
attachments_provider = Provider(
    name="ATTACHMENTS",
    description="Attachments of the current and recent messages",
    get=_attachments,
    dynamic=True,
)
