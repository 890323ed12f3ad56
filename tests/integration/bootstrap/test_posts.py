"""POST_GENERATED: a post delivered to the feed; repeats and refusals are rewritten a bounded number of times."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.plugins.bootstrap._posts import clean_post, is_refusal
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import ScriptedModel, runtime_for_test, xml_response
from pyeliza.types import (
    ChannelType,
    Character,
    Content,
    EventType,
    Memory,
    ModelType,
    create_unique_uuid,
    string_to_uuid,
)

USER_ID = string_to_uuid("feed-user")
CHARACTER = Character(name="Poster", username="poster_bot", bio=["Posts about gardens."], topics=["gardening"])


@pytest.fixture
async def poster() -> AsyncIterator[tuple[AgentRuntime, ScriptedModel]]:
    large = ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        models={ModelType.TEXT_SMALL: ScriptedModel([]), ModelType.TEXT_LARGE: large},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        yield runtime, large


async def _post(runtime: AgentRuntime, user_id: str = USER_ID) -> list[Content]:
    delivered: list[Content] = []

    async def callback(content: Content) -> list[Memory]:
        delivered.append(content)
        return []

    await runtime.emit_event(EventType.POST_GENERATED, {"userId": user_id, "callback": callback, "source": "test"})
    return delivered


async def test_post_is_delivered_to_the_feed(poster: tuple[AgentRuntime, ScriptedModel]) -> None:
    runtime, large = poster
    large.add(xml_response(thought="spring", post='"Tomatoes love sun.\\nWater them early."'))

    (post,) = await _post(runtime)

    assert post.text == "Tomatoes love sun.\n\nWater them early."
    assert post.channel_type == ChannelType.FEED and post.type == "post" and post.thought == "spring"
    assert "@poster_bot" in large.prompts[0]
    room = await runtime.get_room(create_unique_uuid(runtime.agent_id, f"{USER_ID}-home"))
    assert room is not None and room.type == ChannelType.FEED


async def test_refusals_and_repeats_are_retried_a_bounded_number_of_times(
    poster: tuple[AgentRuntime, ScriptedModel],
) -> None:
    runtime, large = poster
    room_id = create_unique_uuid(runtime.agent_id, f"{USER_ID}-home")
    large.add(xml_response(post="Compost is gold."))
    assert [p.text for p in await _post(runtime)] == ["Compost is gold."]
    adapter = runtime.adapter
    assert adapter is not None
    await adapter.create_memory(
        Memory(
            entity_id=runtime.agent_id,
            agent_id=runtime.agent_id,
            room_id=room_id,
            content=Content(text="Compost is gold."),
        ),
        "messages",
    )
    large.add(
        xml_response(post="I'm sorry, but I can't help with that."),
        xml_response(post="Compost is gold."),
        xml_response(post="Mulch keeps roots cool."),
    )
    assert [p.text for p in await _post(runtime)] == ["Mulch keeps roots cool."]

    large.add(*[xml_response(post="As an AI language model I cannot post.") for _ in range(3)], "spare")
    assert await _post(runtime) == []
    assert large.remaining == 1  # three attempts, then it gave up


def test_clean_post_and_refusal_patterns() -> None:
    assert clean_post("'one\\ntwo'") == "one\n\ntwo"
    assert clean_post("a\nb\n\nc") == "a\n\nb\n\nc"
    assert is_refusal("I cannot help with that request") and not is_refusal("I can help your garden grow")
