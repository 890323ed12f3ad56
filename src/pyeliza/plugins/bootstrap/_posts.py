"""POST_GENERATED: write an autonomous post into the agent's feed — §7.7 with bounded retries.

A post that is empty, repeats a recent post or reads like a model refusal is written again, at most
``BOOTSTRAP_POST_MAX_ATTEMPTS`` times (default 3) instead of the reference's unbounded recursion; when every
attempt is rejected the handler logs a warning and delivers nothing.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from ...prompts import POST_CREATION_TEMPLATE, compose_prompt_from_state, parse_response
from ...types import ChannelType, Content, EventPayload, Memory, ModelType, create_unique_uuid, new_uuid, now_ms
from ._support import adapter_of

if TYPE_CHECKING:
    from ...runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")

DEFAULT_MAX_ATTEMPTS = 3
POST_PROVIDERS = ["PROVIDERS", "CHARACTER", "RECENT_MESSAGES", "ENTITIES"]
_REFUSALS = re.compile(
    r"\b(i (?:can(?:'|no)?t|cannot|am unable to|won't) (?:help|assist|create|write|comply|do that)"
    r"|as an ai(?: language model)?|i'm sorry, but|i apologi[sz]e, but|against (?:my|the) (?:guidelines|policies)"
    r"|content policy|i'm not able to)\b",
    re.IGNORECASE,
)


def clean_post(raw: str) -> str:
    """Strip surrounding quotes, turn literal ``\\n`` into blank lines and single newlines into double ones."""
    text = raw.strip().strip("\"'").strip()
    text = text.replace("\\n", "\n\n")
    return re.sub(r"(?<!\n)\n(?!\n)", "\n\n", text).strip()


def is_refusal(text: str) -> bool:
    return bool(_REFUSALS.search(text))


def _max_attempts(runtime: AgentRuntime) -> int:
    raw = runtime.get_setting("BOOTSTRAP_POST_MAX_ATTEMPTS")
    try:
        return max(1, int(str(raw))) if raw is not None and not isinstance(raw, bool) else DEFAULT_MAX_ATTEMPTS
    except ValueError:
        return DEFAULT_MAX_ATTEMPTS


async def on_post_generated(payload: EventPayload) -> None:
    runtime: AgentRuntime = payload["runtime"]
    user_id = str(payload.get("userId") or runtime.agent_id)
    callback = payload.get("callback")
    source = str(payload.get("source") or "feed")
    channel_id = f"{user_id}-home"
    room_id = create_unique_uuid(runtime.agent_id, channel_id)
    await runtime.ensure_connection(
        runtime.agent_id,
        room_id,
        world_id=create_unique_uuid(runtime.agent_id, user_id),
        world_name=f"{runtime.character.name}'s Feed",
        name=runtime.character.name,
        source=source,
        type=ChannelType.FEED,
        channel_id=channel_id,
        message_server_id=user_id,
    )
    post = await write_post(runtime, room_id)
    if post is None:
        return
    text, thought = post
    if callable(callback):
        await callback(Content(text=text, source=source, channel_type=ChannelType.FEED, thought=thought, type="post"))


async def write_post(runtime: AgentRuntime, room_id: str) -> tuple[str, str] | None:
    """(post, thought), or None when every attempt was empty, a repeat or a refusal."""
    message = Memory(
        id=create_unique_uuid(runtime.agent_id, f"tweet-{now_ms()}-{new_uuid()}"),
        entity_id=runtime.agent_id,
        agent_id=runtime.agent_id,
        room_id=room_id,
        content=Content(),
        created_at=now_ms(),
    )
    state = await runtime.compose_state(message, POST_PROVIDERS, skip_cache=True)
    state.values["twitterUserName"] = await _user_name(runtime)
    template = (runtime.character.templates or {}).get("postCreationTemplate") or POST_CREATION_TEMPLATE
    prompt = compose_prompt_from_state(state, template)
    recent = {
        (m.content.text or "").strip()
        for m in await adapter_of(runtime).get_memories("messages", room_id=room_id, count=20)
    }
    attempts = _max_attempts(runtime)
    for attempt in range(1, attempts + 1):
        answer: Any = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": prompt})
        parsed = parse_response(answer) if isinstance(answer, str) else None
        text = clean_post(str((parsed or {}).get("post") or ""))
        why = "empty" if not text else "a repeat" if text in recent else "a refusal" if is_refusal(text) else None
        if why is None:
            return text, str((parsed or {}).get("thought") or "")
        logger.info("post attempt %d of %d rejected: %s", attempt, attempts, why)
    logger.warning("no post written: %d attempts were empty, repeats or refusals", attempts)
    return None


async def _user_name(runtime: AgentRuntime) -> str:
    entity = await runtime.get_entity_by_id(runtime.agent_id)
    metadata = entity.metadata if entity is not None else {}
    twitter = metadata.get("twitter") if isinstance(metadata, dict) else None
    if isinstance(twitter, dict) and twitter.get("userName"):
        return str(twitter["userName"])
    return runtime.character.username or runtime.character.name
