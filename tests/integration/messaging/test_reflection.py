"""REFLECTION stores nested facts and relationships; a later message's prompt retrieves the facts."""

from __future__ import annotations

from pyeliza.testing import Conversation, xml_reflection, xml_reply, xml_response
from pyeliza.types import Evaluator, Memory, Provider, ProviderResult, State

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


async def test_a_later_reflection_lists_the_facts_already_known(agent: Agent) -> None:
    runtime = agent.runtime
    runtime.conversation_length = 4  # reflect once more than one message is new
    conv = await Conversation.start(runtime, user_name="Bob")
    agent.large.add(xml_reply("Nice."), xml_reply("Sure."))
    agent.small.add(xml_reflection(facts=["Bob lives in Lisbon"]), xml_reflection())

    await conv.say("I live in Lisbon.")
    await conv.say("Tell me more.")

    assert len(agent.small.calls) == 2
    assert "- Bob lives in Lisbon" not in agent.small.prompts[0]
    assert "- Bob lives in Lisbon" in agent.small.prompts[1]


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


async def test_evaluators_after_a_simple_reply_keep_the_runs_provider_results(agent: Agent) -> None:
    """The evaluators' composition reads the conversation again but keeps what the other providers gave the plan;
    after an action ran, everything is composed again."""
    runtime = agent.runtime
    runs: list[str] = []
    seen: list[State] = []

    async def counted(_runtime: object, message: Memory, _state: State) -> ProviderResult:
        runs.append(message.content.text or "")
        return ProviderResult(text=f"# Counted\nrun {len(runs)}")

    async def probe(_runtime: object, _message: Memory, state: State | None, *_: object) -> None:
        assert state is not None
        seen.append(state)

    runtime.register_provider(Provider(name="COUNTED", description="counts its runs", get=counted))
    runtime.register_evaluator(Evaluator(name="PROBE", description="looks at the state", handler=probe))
    conv = await Conversation.start(runtime, user_name="Bob")

    agent.large.add(xml_reply("Lisbon is lovely."))
    await conv.say("I live in Lisbon.")
    assert runs == ["I live in Lisbon."]  # the plan's composition only
    assert "run 1" in seen[-1].text and "Lisbon is lovely." in seen[-1].values["recentMessages"]

    agent.large.add(xml_reply("", actions=["REPLY"], providers=["FACTS"]), xml_response(text="Nurses rock."))
    await conv.say("I work as a nurse.")
    assert len(runs) > 2 and f"run {len(runs)}" in seen[-1].text  # composed again after the REPLY action
    assert "Nurses rock." in seen[-1].values["recentMessages"]
