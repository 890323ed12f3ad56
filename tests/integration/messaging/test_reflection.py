"""REFLECTION stores nested facts and relationships; a later message's prompt retrieves the facts."""

from __future__ import annotations

from pyeliza.testing import Conversation, xml_reflection, xml_reply, xml_response

from .conftest import Agent


async def test_reflection_facts_are_found_by_a_later_message(agent: Agent) -> None:
    runtime = agent.runtime
    runtime.conversation_length = 8  # reflect once more than 2 messages are new
    conv = await Conversation.start(runtime, user_name="Bob")
    agent.large.add(xml_reply("Lisbon is lovely."), xml_reply("Nursing is hard work."))
    agent.small.add(
        xml_reflection(
            facts=["Bob lives in Lisbon", "Bob has a cat named Pixel"],
            relationships=[(conv.user_id, runtime.agent_id, ["acquaintance", "student"])],
        )
    )

    await conv.say("I live in Lisbon and I have a cat named Pixel.")
    assert agent.small.calls == []  # two messages only: nothing to reflect on yet
    await conv.say("Also, I work as a nurse.")

    assert len(agent.small.calls) == 1
    assert "I live in Lisbon" in agent.small.prompts[0]
    adapter = runtime.adapter
    assert adapter is not None
    facts = await adapter.get_memories("facts", room_id=conv.room_id)
    assert sorted(f.content.text or "" for f in facts) == ["Bob has a cat named Pixel", "Bob lives in Lisbon"]
    assert all(f.embedding is not None for f in facts)
    relationship = await adapter.get_relationship(conv.user_id, runtime.agent_id)
    assert relationship is not None
    assert relationship.metadata["interactions"] == 1 and set(relationship.tags) == {"acquaintance", "student"}

    agent.large.add(
        xml_reply("", actions=["REPLY"], providers=["FACTS"]),
        xml_response(thought="I remember", text="Your cat Pixel, right?"),
    )
    agent.small.add(xml_reflection())
    assert await conv.say("Do you remember my pet's name?") == "Your cat Pixel, right?"
    reply_prompt = agent.large.prompts[-1]
    assert "Bob has a cat named Pixel" in reply_prompt and "Bob lives in Lisbon" in reply_prompt


async def test_facts_provider_skips_the_embedding_call_without_facts(agent: Agent) -> None:
    calls: list[str] = []
    original = agent.runtime.use_model

    async def counting(model_type: str, params: object = None, provider: str | None = None) -> object:
        calls.append(str(model_type))
        return await original(model_type, params, provider)

    agent.runtime.use_model = counting  # type: ignore[method-assign]
    conv = await Conversation.start(agent.runtime)
    state = await agent.runtime.compose_state(conv.message("anything"), ["FACTS"], only_include=True)
    assert state.values.get("facts") == ""
    assert "TEXT_EMBEDDING" not in calls
