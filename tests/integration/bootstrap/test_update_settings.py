"""UPDATE_SETTINGS on a real database: secret values stored encrypted, the answer written by the model."""

from __future__ import annotations

from typing import Any

from pyeliza.runtime import decrypt_string_value
from pyeliza.runtime._secrets import is_encrypted
from pyeliza.testing import Conversation, xml_reply, xml_response
from pyeliza.types import World

from .conftest import Agent

SETTINGS: dict[str, dict[str, Any]] = {
    "SERVER_NAME": {"name": "Server name", "description": "What to call the server", "required": True},
    "API_KEY": {"name": "API key", "description": "Key of the moderation service", "required": True, "secret": True},
    "GREETING": {"name": "Greeting", "description": "How to greet newcomers", "required": False},
}


async def _owner_dm(agent: Agent, settings: dict[str, dict[str, Any]] | None = None) -> Conversation:
    runtime = agent.runtime
    conv = await Conversation.start(runtime, user_name="Owner")
    world = await runtime.get_world(conv.world_id)
    assert world is not None
    await runtime.update_world(
        World(
            id=world.id,
            name=world.name,
            agent_id=runtime.agent_id,
            metadata={"ownership": {"ownerId": conv.user_id}, "settings": settings or SETTINGS},
        )
    )
    return conv


async def _stored(agent: Agent, conv: Conversation) -> dict[str, dict[str, Any]]:
    world = await agent.runtime.get_world(conv.world_id)
    assert world is not None
    settings: dict[str, dict[str, Any]] = (world.metadata or {})["settings"]
    return settings


def _extracted(**values: str) -> str:
    return xml_response(settings={"setting": [{"key": k, "value": v} for k, v in values.items()]})


def _section(prompt: str, tag: str) -> str:
    return prompt.split(f"<{tag}>")[1].split(f"</{tag}>")[0]


async def test_a_secret_value_is_stored_encrypted_and_the_model_writes_the_confirmation(agent: Agent) -> None:
    conv = await _owner_dm(agent)
    before = await agent.runtime.compose_state(conv.message("hi"), ["SETTINGS"], only_include=True)
    assert "PRIORITY TASK: Onboarding" in before.text and "API_KEY: Not set (Required)" in before.text
    agent.large.add(
        xml_reply("", actions=["UPDATE_SETTINGS"]),
        _extracted(API_KEY="sk-moon-123"),
        xml_response(text="Got the key. What should I call the server?"),
    )

    reply = await conv.say("the api key is sk-moon-123")

    assert reply == "Got the key. What should I call the server?"
    assert conv.replies[-1].actions == ["SETTING_UPDATED"]
    stored = (await _stored(agent, conv))["API_KEY"]["value"]
    assert stored != "sk-moon-123" and is_encrypted(stored)
    assert decrypt_string_value(stored) == "sk-moon-123"
    after = await agent.runtime.compose_state(conv.message("hi"), ["SETTINGS"], only_include=True)
    assert "API_KEY: **** (Required)" in after.text and "sk-moon" not in after.text
    prompt = agent.large.prompts[-1]
    assert "Confirm the settings" in prompt
    assert _section(prompt, "saved_settings").strip() == "- API_KEY (API key): (secret, value hidden)"
    assert "SERVER_NAME (required)" in _section(prompt, "settings_still_needed")
    assert "ask for the next setting still needed: SERVER_NAME" in prompt


async def test_secrets_are_read_decrypted_and_never_encrypted_twice(agent: Agent) -> None:
    conv = await _owner_dm(agent)
    agent.large.add(
        xml_reply("", actions=["UPDATE_SETTINGS"]),
        _extracted(API_KEY="sk-first"),
        xml_response(text="Saved the key."),
        xml_reply("", actions=["UPDATE_SETTINGS"]),
        _extracted(SERVER_NAME="Moon Base"),
        xml_response(text="All set, Moon Base is configured."),
    )

    await conv.say("key: sk-first")
    first = (await _stored(agent, conv))["API_KEY"]["value"]
    reply = await conv.say("call it Moon Base")

    stored = await _stored(agent, conv)
    assert reply == "All set, Moon Base is configured."
    assert conv.replies[-1].actions == ["ONBOARDING_COMPLETE"]
    assert stored["API_KEY"]["value"] == first and decrypt_string_value(first) == "sk-first"
    assert stored["SERVER_NAME"]["value"] == "Moon Base"
    prompt = agent.large.prompts[-1]
    assert "onboarding is complete" in prompt
    assert _section(prompt, "saved_settings").strip() == "- SERVER_NAME (Server name): Moon Base"


async def test_a_secret_stored_in_plain_text_is_encrypted_on_the_next_save(agent: Agent) -> None:
    legacy = {**SETTINGS, "API_KEY": {**SETTINGS["API_KEY"], "value": "sk-plain"}}
    conv = await _owner_dm(agent, legacy)
    agent.large.add(
        xml_reply("", actions=["UPDATE_SETTINGS"]),
        _extracted(SERVER_NAME="Moon Base"),
        xml_response(text="Done."),
    )

    await conv.say("call it Moon Base")

    stored = (await _stored(agent, conv))["API_KEY"]["value"]
    assert is_encrypted(stored) and decrypt_string_value(stored) == "sk-plain"


async def test_nothing_extracted_gives_the_failure_message_from_the_model(agent: Agent) -> None:
    conv = await _owner_dm(agent)
    agent.large.add(
        xml_reply("", actions=["UPDATE_SETTINGS"]),
        xml_response(settings=""),
        xml_response(text="I did not catch a value. What should the server be called?"),
    )

    reply = await conv.say("hello there")

    assert reply == "I did not catch a value. What should the server be called?"
    assert conv.replies[-1].actions == ["SETTING_UPDATE_FAILED"]
    prompt = agent.large.prompts[-1]
    assert "could not find a setting value" in prompt
    assert _section(prompt, "saved_settings").strip() == "(nothing saved)"
    assert "for example SERVER_NAME" in prompt
    assert "value" not in (await _stored(agent, conv))["SERVER_NAME"]


async def test_a_failing_model_gives_the_fixed_text(agent: Agent) -> None:
    conv = await _owner_dm(agent)
    agent.large.add(xml_reply("", actions=["UPDATE_SETTINGS"]), _extracted(SERVER_NAME="Moon Base"))

    reply = await conv.say("call the server Moon Base")

    assert reply == "Saved SERVER_NAME. Next I need API_KEY."
    assert (await _stored(agent, conv))["SERVER_NAME"]["value"] == "Moon Base"


async def test_an_answer_without_text_gives_the_fixed_text(agent: Agent) -> None:
    conv = await _owner_dm(agent)
    agent.large.add(
        xml_reply("", actions=["UPDATE_SETTINGS"]),
        _extracted(SERVER_NAME="Moon Base", API_KEY="sk-1"),
        "<response><thought>no text</thought></response>",
    )

    reply = await conv.say("Moon Base, key sk-1")

    assert reply == "Saved SERVER_NAME, API_KEY. All required settings are configured."
