"""The REFLECTION evaluator: learn facts and relationships from the conversation — §7.5 with §10.29 fixed.

It runs once more than a quarter of the conversation length is new since the last reflection (the marker holds
the reflected message's id and the room's message count at that time), parses the nested ``<facts>`` and
``<relationships>`` elements, stores new facts in ``facts`` (found later by the FACTS provider) and counts
interactions between entities.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from typing import TYPE_CHECKING, Any

from ...prompts import REFLECTION_TEMPLATE, compose_prompt_from_state, parse_xml_tree
from ...runtime._eager import gather_eagerly
from ...types import (
    ActionResult,
    Content,
    Entity,
    Evaluator,
    EvaluatorExample,
    HandlerCallback,
    HandlerOptions,
    Memory,
    MemoryMetadata,
    MemoryType,
    ModelType,
    State,
    now_ms,
    validate_uuid,
)
from ._support import adapter_of, nested_items

if TYPE_CHECKING:
    from ...runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")

KNOWN_FACTS = 30
"""How many of the room's newest unique facts the prompt lists (reference §7.5)."""
FACTS_READ = 60
"""How many newest facts are read to find them: a read the SQLite backend answers from memory (its window of a
room's newest memories holds 64), where asking for unique ones only was a query for every reflection."""


def marker_key(room_id: str) -> str:
    return f"{room_id}-reflection-last-processed"


def _is_false(value: Any) -> bool:
    return str(value).strip().lower() in ("false", "no", "0", "")


async def _validate(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    """Run once more than a quarter of the conversation length arrived after the last reflection.

    The marker stores how many room messages existed at the last reflection, so the check is one cache read
    and one COUNT query, issued together (one trip to the database thread, none when both are remembered).
    """
    adapter = adapter_of(runtime)
    threshold = math.ceil(runtime.get_conversation_length() / 4)
    marker, total = await gather_eagerly(
        [adapter.get_cache(marker_key(message.room_id)), adapter.count_memories(message.room_id, False, "messages")]
    )
    seen = int(marker.get("count") or 0) if isinstance(marker, dict) else 0
    return int(total or 0) - seen > threshold


def _resolve(reference: Any, entities: list[Entity]) -> str | None:
    text = str(reference or "").strip()
    if not text:
        return None
    for entity in entities:
        if entity.id and (entity.id == text or (len(text) >= 8 and entity.id.startswith(text))):
            return entity.id
    lowered = text.lower()
    for entity in entities:
        if any(lowered in name.lower() for name in entity.names):
            return entity.id
    return validate_uuid(text)


async def _store_facts(runtime: AgentRuntime, message: Memory, facts: list[dict[str, Any]]) -> int:
    stored = 0
    for fact in facts:
        claim = str(fact.get("claim") or fact.get("text") or "").strip()
        if not claim or not _is_false(fact.get("already_known")) or not _is_false(fact.get("in_bio")):
            continue
        await runtime.create_memory(
            Memory(
                entity_id=message.entity_id,
                agent_id=runtime.agent_id,
                room_id=message.room_id,
                world_id=message.world_id,
                content=Content(text=claim, type=str(fact.get("type") or "fact")),
                created_at=now_ms(),
                metadata=MemoryMetadata(type=MemoryType.CUSTOM, source="reflection", timestamp=now_ms()),
            ),
            "facts",
            unique=True,
        )
        stored += 1
    return stored


async def _store_relationships(
    runtime: AgentRuntime, entities: list[Entity], relationships: list[dict[str, Any]]
) -> int:
    adapter = adapter_of(runtime)
    changed = 0
    for item in relationships:
        source = _resolve(item.get("sourceEntityId"), entities)
        target = _resolve(item.get("targetEntityId"), entities)
        if not source or not target or source == target:
            continue
        raw_tags: Any = item.get("tags")
        if isinstance(raw_tags, dict):
            raw_tags = raw_tags.get("tag", list(raw_tags.values()))
        tags = [t.strip() for t in (raw_tags if isinstance(raw_tags, list) else str(raw_tags or "").split(","))]
        tags = [t for t in tags if t]
        existing = await adapter.get_relationship(source, target)
        if existing is not None:
            interactions = existing.metadata.get("interactions")
            existing.metadata = {
                **existing.metadata,
                "interactions": (interactions if isinstance(interactions, int) else 0) + 1,
            }
            existing.tags = sorted(set(existing.tags) | set(tags))
            await adapter.update_relationship(existing)
        else:
            await adapter.create_relationship(source, target, tags, {"interactions": 1})
        changed += 1
    return changed


async def _handler(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    adapter = adapter_of(runtime)
    relationships, entities, newest_facts = await asyncio.gather(
        adapter.get_relationships(message.entity_id),
        adapter.get_entities_for_room(message.room_id, True, shared=True),
        adapter.get_memories_by_room_ids("facts", [message.room_id], FACTS_READ, shared=True),
    )
    known = [fact for fact in newest_facts if fact.unique][:KNOWN_FACTS]
    state = state or await runtime.compose_state(message, ["RECENT_MESSAGES"])
    values = {
        **state.values,
        "knownFacts": "\n".join(f"- {f.content.text}" for f in known if f.content.text),
        "roomType": message.content.channel_type or "",
        "entitiesInRoom": json.dumps([{"id": e.id, "names": e.names} for e in entities]),
        "existingRelationships": json.dumps(
            [{"source": r.source_entity_id, "target": r.target_entity_id, "tags": r.tags} for r in relationships]
        ),
        "senderId": message.entity_id,
    }
    template = (runtime.character.templates or {}).get("reflectionTemplate") or REFLECTION_TEMPLATE
    answer = await runtime.use_model(
        ModelType.TEXT_SMALL,
        {"prompt": compose_prompt_from_state(state.model_copy(update={"values": values}), template)},
    )
    parsed = parse_xml_tree(answer) if isinstance(answer, str) else None
    if not parsed:
        logger.warning("REFLECTION: unparsable model answer for message %s", message.id)
        return ActionResult(success=False, error="unparsable reflection", data={"actionName": "REFLECTION"})
    facts = await _store_facts(runtime, message, nested_items(parsed, "facts", "fact"))
    links = await _store_relationships(runtime, entities, nested_items(parsed, "relationships", "relationship"))
    if message.id:
        count = await adapter.count_memories(message.room_id, False, "messages")
        await adapter.set_cache(marker_key(message.room_id), {"messageId": message.id, "count": count})
    return ActionResult(
        success=True,
        text=f"Reflected: {facts} new facts, {links} relationships",
        values={"newFacts": facts, "relationshipsUpdated": links},
        data={"actionName": "REFLECTION", "thought": str(parsed.get("thought") or "")},
    )


reflection_evaluator = Evaluator(
    name="REFLECTION",
    description="Reflect on the conversation: store new facts about people and update relationships.",
    handler=_handler,
    validate=_validate,
    similes=["REFLECT", "SELF_REFLECT", "EVALUATE_INTERACTION", "ASSESS_SITUATION"],
    examples=[
        EvaluatorExample(
            prompt="{{name1}} tells {{name2}} where they live.",
            messages=[],
            outcome="<facts><fact><claim>{{name1}} lives in Lisbon</claim><type>fact</type>"
            "<in_bio>false</in_bio><already_known>false</already_known></fact></facts>",
        )
    ],
)
