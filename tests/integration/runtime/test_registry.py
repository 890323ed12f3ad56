"""ElizaOS: several agents on one shared SQLite database."""

from __future__ import annotations

from typing import Any

import pytest

from pyeliza import AgentRuntime, Character, Content, ElizaOS, Memory, Plugin
from pyeliza.errors import InvalidInputError, StateError
from pyeliza.runtime import AgentConfig
from pyeliza.testing import stub_embedding
from pyeliza.types import HandlerCallback, ModelType

EMBEDDING = Plugin(name="embedding", models={ModelType.TEXT_EMBEDDING: stub_embedding})
USER = "00000000-0000-0000-0000-0000000000f1"
ROOM = "00000000-0000-0000-0000-0000000000f2"


class RecordingMessageService:
    """Stands in for the messaging package's service: records what the registry hands over."""

    def __init__(self) -> None:
        self.received: list[tuple[Memory, HandlerCallback | None]] = []

    async def handle_message(self, message: Memory, callback: HandlerCallback | None = None, **options: Any) -> str:
        self.received.append((message, callback))
        if callback is not None:
            await callback(Content(text="reply"))
        return "handled"


async def test_agents_share_one_database(database_url: str) -> None:
    inits: list[str] = []

    async def after_start(runtime: AgentRuntime) -> None:
        inits.append(runtime.character.name)

    async with ElizaOS(database_url) as eliza:
        ids = await eliza.add_agents(
            [
                AgentConfig(Character(name="Alpha", bio="a"), plugins=[EMBEDDING], init=after_start),
                Character(name="Beta", bio="b"),
                {"name": "Gamma", "bio": "c", "settings": {"MODE": "x"}},
            ]
        )
        assert len(set(ids)) == 3
        assert all(not r.is_initialized for r in eliza.get_agents())
        await eliza.start_agents()
        assert inits == ["Alpha"]
        assert all(r.is_initialized for r in eliza.get_agents())
        alpha = eliza.get_agent_by_name("ALPHA")
        assert alpha is not None and alpha.agent_id == ids[0]
        gamma = eliza.get_agent(ids[2])
        assert gamma is not None and gamma.get_setting("MODE") == "x"
        assert eliza.get_agent_by_name("nobody") is None
        stored = await alpha.get_agents()
        assert {a.name for a in stored} >= {"Alpha", "Beta", "Gamma"}
        with pytest.raises(InvalidInputError, match="already exists"):
            await eliza.add_agents([Character(name="Alpha", bio="again")])
        await eliza.stop_agents([ids[1]])
        beta = eliza.get_agent(ids[1])
        assert beta is not None and not beta.is_initialized
        await eliza.delete_agents([ids[1]])
        assert eliza.get_agent(ids[1]) is None
        with pytest.raises(InvalidInputError, match="no agent"):
            await eliza.start_agents([ids[1]])
        # the shared database stays open for the others
        assert await alpha.get_agent(ids[0]) is not None
    assert not alpha.is_initialized


async def test_handle_message_connects_and_delegates(database_url: str) -> None:
    async with ElizaOS(database_url) as eliza:
        [agent_id] = await eliza.add_agents([Character(name="Delta", bio="d")], auto_start=True)
        runtime = eliza.get_agent(agent_id)
        assert runtime is not None
        service = RecordingMessageService()
        runtime.message_service = service
        replies: list[Content] = []

        async def on_response(content: Content) -> None:
            replies.append(content)

        message = Memory(entity_id=USER, room_id=ROOM, content=Content(text="hi", source="api"))
        handle = await eliza.handle_message(agent_id, message, on_response)
        assert await handle.processing == "handled"
        handed, _ = service.received[0]
        assert handed.id is not None and handed.agent_id == agent_id and handed.created_at
        assert [r.text for r in replies] == ["reply"]
        room = await runtime.get_room(ROOM)
        assert room is not None and room.source == "api"
        assert USER in await runtime.get_participants_for_room(ROOM)


async def test_handle_message_needs_a_started_agent(database_url: str) -> None:
    async with ElizaOS(database_url) as eliza:
        [agent_id] = await eliza.add_agents([Character(name="Idle", bio="i")])
        message = Memory(entity_id=USER, room_id=ROOM, content=Content(text="hi"))
        with pytest.raises(StateError, match="message service"):
            await eliza.handle_message(agent_id, message)
        with pytest.raises(InvalidInputError):
            await eliza.handle_message("00000000-0000-0000-0000-000000000000", message)


async def test_registry_must_be_open() -> None:
    with pytest.raises(StateError, match="not open"):
        await ElizaOS().add_agents([Character(name="X", bio="x")])


async def test_offline_agent_answers_through_the_real_pipeline(database_url: str) -> None:
    from pyeliza.plugins.bootstrap import bootstrap_plugin
    from pyeliza.plugins.classic import classic_plugin
    from pyeliza.plugins.local import local_plugin

    async with ElizaOS(database_url) as eliza:
        [agent_id] = await eliza.add_agents(
            [AgentConfig(Character(name="Eliza", bio="b"), plugins=[bootstrap_plugin, classic_plugin, local_plugin])],
            auto_start=True,
        )
        replies: list[Content] = []

        async def on_response(content: Content) -> None:
            replies.append(content)

        message = Memory(entity_id=USER, room_id=ROOM, content=Content(text="I feel sad today", source="api"))
        handle = await eliza.handle_message(agent_id, message, on_response)
        outcome = await handle.processing
        assert outcome.did_respond
        assert len(replies) == 1 and replies[0].text
        runtime = eliza.get_agent(agent_id)
        assert runtime is not None
        stored = await runtime.get_memories("messages", room_id=ROOM, count=10)
        assert {m.content.text for m in stored} >= {"I feel sad today", replies[0].text}
