"""The rule layer of the should-respond decision (reference §6.3, with FOLLOWED rooms and the agent's name)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..types import ChannelType, Memory, Room

ALWAYS_RESPOND_ROOM_TYPES = frozenset({"dm", "voice_dm", "self", "api"})
ALWAYS_RESPOND_SOURCES = frozenset({"client_chat"})


@dataclass(frozen=True)
class RuleDecision:
    """``final`` decisions skip the model; otherwise the TEXT_SMALL should-respond prompt decides."""

    should_respond: bool
    final: bool
    reason: str


def parse_list_setting(value: object) -> set[str]:
    """Read ``a,b,c`` or ``[a, b, c]`` (or a real list) as a set of lowercased, trimmed entries."""
    if value is None or isinstance(value, bool):
        return set()
    items: Iterable[object]
    items = value if isinstance(value, list | tuple | set) else str(value).strip().strip("[]").split(",")
    return {str(item).strip().strip("'\"").lower() for item in items if str(item).strip().strip("'\"")}


def name_in_text(name: str, text: str | None) -> bool:
    """True when ``name`` appears in ``text`` as a word (case-insensitive)."""
    if not text or not name.strip():
        return False
    return re.search(rf"(?<!\w){re.escape(name.strip())}(?!\w)", text, re.IGNORECASE) is not None


def decide_by_rules(
    message: Memory,
    room: Room | None,
    *,
    agent_names: Iterable[str],
    followed: bool,
    extra_room_types: set[str],
    extra_sources: set[str],
) -> RuleDecision:
    """Apply the rules in order; the first that matches is final."""
    if room is None:
        return RuleDecision(False, True, "no room context")
    room_type = (room.type.value if isinstance(room.type, ChannelType) else str(room.type)).lower()
    if room_type in ALWAYS_RESPOND_ROOM_TYPES | extra_room_types:
        return RuleDecision(True, True, f"room type {room_type}")
    source = (message.content.source or "").lower()
    if source and any(entry in source for entry in ALWAYS_RESPOND_SOURCES | extra_sources):
        return RuleDecision(True, True, f"source {source}")
    mention = message.content.mention_context
    if mention is not None and (mention.is_mention or mention.is_reply):
        return RuleDecision(True, True, "mentioned" if mention.is_mention else "reply to the agent")
    if any(name_in_text(name, message.content.text) for name in agent_names):
        return RuleDecision(True, True, "agent named in the text")
    if followed:
        return RuleDecision(True, True, "room followed")
    return RuleDecision(False, False, "needs the model's decision")


NON_RESPONSES = frozenset({"IGNORE", "NONE", "STOP"})


def respond_from_model_answer(parsed: dict[str, object] | None) -> bool:
    """The model's should-respond answer: respond unless ``<action>`` is IGNORE, NONE or STOP (or missing)."""
    if not parsed:
        return False
    action = parsed.get("action")
    if isinstance(action, list):
        action = action[0] if action else None
    if not isinstance(action, str) or not action.strip():
        return False
    return action.strip().upper() not in NON_RESPONSES
