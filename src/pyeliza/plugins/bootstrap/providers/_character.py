"""CHARACTER: who the agent is (bio, adjectives, topics, directions, examples, system prompt) — §7.4.1."""

from __future__ import annotations

import random
import re
import string
from typing import TYPE_CHECKING

from ....prompts._random import SHARED
from ....prompts.names import NAME_PLACEHOLDER
from ....types import ChannelType, Character, Memory, Provider, ProviderResult, State
from .._support import room_by_id

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

_POST_ROOMS = frozenset({ChannelType.FEED.value, ChannelType.THREAD.value})


def _message_examples(character: Character, rng: random.Random) -> str:
    """Up to five example conversations in random order; each ``{{nameN}}`` becomes a random 6-letter token, the
    same one within a conversation (made only for the placeholders a conversation uses)."""
    conversations = list(character.message_examples or [])
    rng.shuffle(conversations)
    rendered: list[str] = []
    for conversation in conversations[:5]:
        tokens: dict[str, str] = {}

        def token(match: re.Match[str], tokens: dict[str, str] = tokens) -> str:
            found = tokens.get(match.group(1))
            if found is None:
                found = tokens[match.group(1)] = "".join(rng.choices(string.ascii_letters, k=6))
            return found

        lines: list[str] = []
        for example in conversation:
            name = NAME_PLACEHOLDER.sub(token, example.name) if "{{" in example.name else example.name
            text = example.content.text or ""
            if "{{" in text:
                text = NAME_PLACEHOLDER.sub(token, text)
            actions = example.content.actions or []
            lines.append(f"{name}: {text}" + (f" (actions: {', '.join(actions)})" if actions else ""))
        rendered.append("\n".join(lines))
    return "\n\n".join(rendered)


def character_values(character: Character, post_format: bool, rng: random.Random) -> dict[str, str]:
    """The template values of the CHARACTER provider."""
    name = character.name
    bio_lines = character.bio_lines()
    if isinstance(character.bio, str):
        bio = character.bio
    else:
        picked = list(bio_lines)
        rng.shuffle(picked)
        bio = " ".join(picked[:10])
    topics = list(character.topics or [])
    topic = rng.choice(topics) if topics else ""
    others = [t for t in topics if t != topic]
    rng.shuffle(others)
    others = others[:5]
    if len(others) > 1:
        topics_text = f"{name} is also interested in {', '.join(others[:-1])} and {others[-1]}"
    elif others:
        topics_text = f"{name} is also interested in {others[0]}"
    else:
        topics_text = ""
    style = character.style
    all_style = list(style.all or []) if style else []
    message_directions = all_style + (list(style.chat or []) if style else [])
    post_directions = all_style + (list(style.post or []) if style else [])
    posts = list(character.post_examples or [])
    rng.shuffle(posts)
    post_examples = "\n".join(posts[:50])
    message_examples = _message_examples(character, rng)
    values = {
        "agentName": name,
        "bio": f"# About {name}\n{bio}" if bio else "",
        "system": character.system or "",
        "topic": topic,
        "topics": topics_text,
        "adjective": rng.choice(character.adjectives) if character.adjectives else "",
        "messageDirections": f"# Message Directions for {name}\n" + "\n".join(message_directions)
        if message_directions
        else "",
        "postDirections": f"# Post Directions for {name}\n" + "\n".join(post_directions) if post_directions else "",
        "characterPostExamples": f"# Example Posts for {name}\n{post_examples}" if post_examples else "",
        "characterMessageExamples": f"# Example Conversations for {name}\n{message_examples}"
        if message_examples
        else "",
    }
    values["directions"] = values["postDirections"] if post_format else values["messageDirections"]
    values["examples"] = values["characterPostExamples"] if post_format else values["characterMessageExamples"]
    return values


async def _get(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    room = await room_by_id(runtime, message.room_id)
    post_format = room is not None and str(room.type) in _POST_ROOMS
    values = character_values(runtime.character, post_format, SHARED)
    name = values["agentName"]
    parts = [
        values["bio"],
        f"{name} is {values['adjective']}" if values["adjective"] else "",
        f"{name} is currently interested in {values['topic']}" if values["topic"] else "",
        values["topics"],
        values["directions"],
        values["examples"],
        values["system"],
    ]
    return ProviderResult(text="\n\n".join(part for part in parts if part), values=values)


character_provider = Provider(
    name="CHARACTER",
    description="The agent's character: bio, adjectives, interests, style directions and examples",
    get=_get,
)
