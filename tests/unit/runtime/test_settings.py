"""get_setting lookup order, present-but-falsy values, decryption and set_setting."""

from __future__ import annotations

import pytest

from pyeliza import AgentRuntime, Character
from pyeliza.runtime import encrypt_string_value


def make(**character: object) -> Character:
    return Character.model_validate({"name": "Ada", "bio": "test", **character})


def test_lookup_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K1", "env")
    monkeypatch.setenv("K5", "env")
    runtime = AgentRuntime(
        make(secrets={"K1": "secrets"}, settings={"K1": "settings", "K2": "settings", "secrets": {"K3": "nested"}}),
        settings={"K1": "runtime", "K4": "runtime"},
    )
    assert runtime.get_setting("K1") == "secrets"
    assert runtime.get_setting("K2") == "settings"
    assert runtime.get_setting("K3") == "nested"
    assert runtime.get_setting("K4") == "runtime"
    assert runtime.get_setting("K5") == "env"
    assert runtime.get_setting("MISSING_FOR_SURE_123") is None


def test_present_falsy_values_do_not_fall_through() -> None:
    runtime = AgentRuntime(
        make(secrets={"FLAG": False, "ZERO": 0, "EMPTY": ""}), settings={"FLAG": "true", "ZERO": "5", "EMPTY": "x"}
    )
    assert runtime.get_setting("FLAG") is False
    assert runtime.get_setting("ZERO") == 0
    assert runtime.get_setting("EMPTY") == ""


def test_none_falls_through_and_objects_are_none() -> None:
    runtime = AgentRuntime(make(settings={"A": None, "OBJ": {"x": 1}, "LIST": [1]}), settings={"A": "runtime"})
    assert runtime.get_setting("A") == "runtime"
    assert runtime.get_setting("OBJ") is None
    assert runtime.get_setting("LIST") is None


def test_booleans_and_decryption() -> None:
    runtime = AgentRuntime(make(settings={"T": "true", "F": "FALSE", "S": encrypt_string_value("hidden")}))
    assert runtime.get_setting("T") is True
    assert runtime.get_setting("F") is False
    assert runtime.get_setting("S") == "hidden"


def test_set_setting() -> None:
    runtime = AgentRuntime(make())
    runtime.set_setting("PUBLIC", "1")
    runtime.set_setting("TOKEN", "abc", secret=True)
    runtime.set_setting("IGNORED", None)
    assert runtime.character.settings == {"PUBLIC": "1"}
    assert runtime.character.secrets == {"TOKEN": "abc"}
    assert runtime.get_setting("TOKEN") == "abc"
    assert runtime.get_setting("IGNORED") is None


def test_constructor_copies_the_character_and_picks_the_agent_id() -> None:
    character = make()
    runtime = AgentRuntime(character)
    runtime.set_setting("X", "1")
    assert character.settings is None
    assert runtime.agent_id == "5c3cb098-d52d-0b3f-a7e9-7b7fba960c4c"  # string_to_uuid("Ada")
    explicit = AgentRuntime(character, agent_id="00000000-0000-0000-0000-000000000001")
    assert explicit.agent_id == "00000000-0000-0000-0000-000000000001"
    with_id = AgentRuntime(make(id="00000000-0000-0000-0000-000000000002"), agent_id=explicit.agent_id)
    assert with_id.agent_id == "00000000-0000-0000-0000-000000000002"
    assert runtime.get_conversation_length() == 32
