"""ElizaOS registry completeness: environment secrets, encryption, live updates, events, async and batch messages."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyeliza import Character, Content, ElizaOS, Memory, Plugin
from pyeliza.errors import CharacterError, InvalidInputError
from pyeliza.runtime import AgentConfig, decrypt_string_value
from pyeliza.runtime._secrets import is_encrypted
from pyeliza.testing import stub_embedding
from pyeliza.types import HandlerCallback, ModelType

EMBEDDING = Plugin(name="embedding", models={ModelType.TEXT_EMBEDDING: stub_embedding})
USER = "00000000-0000-0000-0000-0000000000e1"
ROOM = "00000000-0000-0000-0000-0000000000e2"
ENVIRONMENT = {
    "OPENAI_API_KEY": "sk-from-env",
    "WEATHER_TOKEN": "weather-from-env",
    "DATABASE_PASSWORD": "must-not-leak",
    "HOME": "/home/someone",
}


def nested_secrets(character: Character) -> dict[str, Any]:
    secrets = (character.settings or {}).get("secrets")
    assert isinstance(secrets, dict)
    return secrets


async def test_add_agents_merges_only_named_environment_variables_and_encrypts(database_url: str) -> None:
    original = Character.model_validate(
        {
            "name": "Env",
            "bio": "e",
            "settings": {"secrets": {"OPENAI_API_KEY": "sk-character"}},
            "secrets": {"OWN": "x"},
        }
    )
    weather = Plugin(name="weather", required_settings=["WEATHER_TOKEN"])
    async with ElizaOS(database_url, environment=ENVIRONMENT) as eliza:
        [agent_id] = await eliza.add_agents([AgentConfig(original, plugins=[weather, EMBEDDING])], auto_start=True)
        runtime = eliza.get_agent(agent_id)
        assert runtime is not None
        secrets = nested_secrets(runtime.character)
        assert set(secrets) == {"OPENAI_API_KEY", "WEATHER_TOKEN", "OWN"}  # initialize() folds `secrets` in
        assert all(is_encrypted(value) for value in secrets.values())
        assert runtime.get_setting("OPENAI_API_KEY") == "sk-character"
        assert runtime.get_setting("WEATHER_TOKEN") == "weather-from-env"
        assert runtime.get_setting("OWN") == "x"
        assert is_encrypted((runtime.character.secrets or {})["OWN"])
        stored = await runtime.get_agent(agent_id)
        assert stored is not None
        stored_text = stored.model_dump_json()
        assert "must-not-leak" not in stored_text and "sk-character" not in stored_text
        assert "weather-from-env" not in stored_text
        assert decrypt_string_value((stored.settings or {})["secrets"]["WEATHER_TOKEN"]) == "weather-from-env"
    # the caller's character is a deep copy's source, never changed
    assert original.settings == {"secrets": {"OPENAI_API_KEY": "sk-character"}}
    assert original.secrets == {"OWN": "x"}


async def test_custom_allow_list(database_url: str) -> None:
    async with ElizaOS(database_url, environment=ENVIRONMENT, env_allow_list=["HOME"]) as eliza:
        [agent_id] = await eliza.add_agents([Character(name="Home", bio="h")])
        runtime = eliza.get_agent(agent_id)
        assert runtime is not None
        assert set(nested_secrets(runtime.character)) == {"HOME"}


async def test_update_agent_changes_the_live_character_and_the_row(database_url: str) -> None:
    async with ElizaOS(database_url, environment={}) as eliza:
        [agent_id] = await eliza.add_agents(
            [
                AgentConfig(
                    Character.model_validate(
                        {"name": "Live", "bio": "old", "settings": {"KEEP": "1", "DROP": "2", "secrets": {"S": "s"}}}
                    ),
                    plugins=[EMBEDDING],
                )
            ],
            auto_start=True,
        )
        runtime = eliza.get_agent(agent_id)
        assert runtime is not None
        live = runtime.character
        updated = await eliza.update_agent(
            agent_id,
            {
                "bio": ["new bio"],
                "postExamples": ["a post"],
                "settings": {"DROP": None, "ADDED": "3", "secrets": {"T": "t"}},
            },
        )
        assert updated is live and runtime.character is live
        assert live.bio == ["new bio"] and live.post_examples == ["a post"]
        assert runtime.get_setting("KEEP") == "1" and runtime.get_setting("ADDED") == "3"
        assert runtime.get_setting("DROP") is None
        assert runtime.get_setting("S") == "s" and runtime.get_setting("T") == "t"
        assert is_encrypted(nested_secrets(live)["T"])
        stored = await runtime.get_agent(agent_id)
        assert stored is not None and stored.bio == ["new bio"]
        assert set(stored.settings or {}) == {"KEEP", "ADDED", "secrets"}

        with pytest.raises(CharacterError, match="bio"):
            await eliza.update_agent(agent_id, {"bio": 5})
        with pytest.raises(InvalidInputError, match="id cannot be changed"):
            await eliza.update_agent(agent_id, {"id": "00000000-0000-0000-0000-000000000001"})
        with pytest.raises(InvalidInputError, match="no agent"):
            await eliza.update_agent("00000000-0000-0000-0000-000000000002", {"bio": "x"})
        assert live.bio == ["new bio"]


async def test_registry_events_reach_listeners_and_a_failing_one_is_isolated(database_url: str) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        async def listener(detail: dict[str, Any]) -> None:
            seen.append((name, detail))

        return listener

    async def broken(detail: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    eliza = ElizaOS(database_url, environment={})
    eliza.register_listener("agent:added", broken)
    for name in ("agent:added", "agent:started", "agents:stopped", "agent:deleted", "agent:updated"):
        eliza.register_listener(name, recorder(name))
    with pytest.raises(InvalidInputError, match="unknown registry event"):
        eliza.register_listener("agent:exploded", recorder("x"))
    async with eliza:
        [agent_id] = await eliza.add_agents([AgentConfig(Character(name="Evented", bio="e"), plugins=[EMBEDDING])])
        await eliza.start_agents()
        await eliza.update_agent(agent_id, {"bio": "changed"})
        await eliza.stop_agents([agent_id])
        await eliza.delete_agents([agent_id])
    assert seen[:5] == [
        ("agent:added", {"agent_id": agent_id, "name": "Evented"}),
        ("agent:started", {"agent_id": agent_id, "name": "Evented"}),
        ("agent:updated", {"agent_id": agent_id, "name": "Evented"}),
        ("agents:stopped", {"agent_ids": [agent_id]}),
        ("agent:deleted", {"agent_id": agent_id, "name": "Evented"}),
    ]
    assert seen[5:] == [("agents:stopped", {"agent_ids": []})]


class GatedMessageService:
    """Stands in for the messaging package's service: replies only once the test opens the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()

    async def handle_message(self, message: Memory, callback: HandlerCallback | None = None, **options: Any) -> str:
        if message.content.text == "boom":
            raise RuntimeError("the model broke")
        await self.gate.wait()
        if callback is not None:
            await callback(Content(text=f"re: {message.content.text}"))
        return f"handled {message.content.text}"


def user_message(text: str) -> Memory:
    return Memory(entity_id=USER, room_id=ROOM, content=Content(text=text, source="api"))


async def test_async_mode_returns_before_the_reply(database_url: str) -> None:
    async with ElizaOS(database_url, environment={}) as eliza:
        [agent_id] = await eliza.add_agents([AgentConfig(Character(name="Async", bio="a"), plugins=[EMBEDDING])])
        await eliza.start_agents()
        runtime = eliza.get_agent(agent_id)
        assert runtime is not None
        service = GatedMessageService()
        runtime.message_service = service
        replies: list[str] = []

        async def on_response(content: Content) -> None:
            replies.append(content.text or "")

        handle = await eliza.handle_message(agent_id, user_message("hello"), on_response)
        assert not handle.processing.done()
        assert replies == []
        assert handle.user_message.id == handle.message_id and handle.user_message.agent_id == agent_id
        service.gate.set()
        assert await handle.processing == "handled hello"
        assert replies == ["re: hello"]


async def test_close_cancels_background_processing(database_url: str) -> None:
    async with ElizaOS(database_url, environment={}) as eliza:
        [agent_id] = await eliza.add_agents([AgentConfig(Character(name="Slow", bio="s"), plugins=[EMBEDDING])])
        await eliza.start_agents()
        runtime = eliza.get_agent(agent_id)
        assert runtime is not None
        runtime.message_service = GatedMessageService()

        async def on_response(content: Content) -> None:
            return None

        handle = await eliza.handle_message(agent_id, user_message("never answered"), on_response)
    assert handle.processing.cancelled()


async def test_handle_messages_runs_concurrently_and_captures_errors(database_url: str) -> None:
    async with ElizaOS(database_url, environment={}) as eliza:
        ids = await eliza.add_agents(
            [
                AgentConfig(Character(name="One", bio="1"), plugins=[EMBEDDING]),
                AgentConfig(Character(name="Two", bio="2"), plugins=[EMBEDDING]),
            ],
            auto_start=True,
        )
        service = GatedMessageService()
        for agent_id in ids:
            runtime = eliza.get_agent(agent_id)
            assert runtime is not None
            runtime.message_service = service
        unknown = "00000000-0000-0000-0000-0000000000ff"
        batch = asyncio.ensure_future(
            eliza.handle_messages(
                [(ids[0], user_message("a")), (ids[1], user_message("boom")), (unknown, user_message("c"))]
            )
        )
        await asyncio.sleep(0)
        service.gate.set()
        outcomes = await batch
        assert [o.agent_id for o in outcomes] == [ids[0], ids[1], unknown]
        assert outcomes[0].result == "handled a" and outcomes[0].error is None
        assert isinstance(outcomes[1].error, RuntimeError) and outcomes[1].result is None
        assert isinstance(outcomes[2].error, InvalidInputError)
