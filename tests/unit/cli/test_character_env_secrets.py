"""Environment-prefixed secrets are merged into a character when it is loaded; URLs are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyeliza.characters import env_secrets, is_url, load_character, with_env_secrets
from pyeliza.cli._common import load_characters
from pyeliza.errors import CharacterError
from pyeliza.types import Character, string_to_uuid


def test_every_prefix_form_is_recognised_and_stripped() -> None:
    character = Character(name="Dr. Who", id="0a1b2c3d-0000-4000-8000-000000000001", bio=["x"])
    env = {
        "CHARACTER.DR__WHO.OPENAI_API_KEY": "from-dotted",
        "DR__WHO_DISCORD_TOKEN": "from-underscore",
        "CHARACTER.0a1b2c3d_0000_4000_8000_000000000001.SLACK_TOKEN": "from-id",
        "OTHER_TOKEN": "not mine",
        "DR__WHO_": "empty key ignored",
    }
    assert env_secrets(character, env) == {
        "OPENAI_API_KEY": "from-dotted",
        "DISCORD_TOKEN": "from-underscore",
        "SLACK_TOKEN": "from-id",
    }


def test_environment_wins_over_settings_secrets_which_win_over_file_secrets() -> None:
    character = Character(
        name="Sage",
        bio=["x"],
        secrets={"A": "file", "B": "file", "C": "file"},
        settings={"secrets": {"B": "settings", "C": "settings"}},
    )
    merged = with_env_secrets(character, {"SAGE_C": "env", "CHARACTER.SAGE.D": "env"})
    assert merged.secrets == {"A": "file", "B": "settings", "C": "env", "D": "env"}
    assert with_env_secrets(character, {"UNRELATED": "1"}) is character


def test_the_cli_loader_merges_secrets_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "sage.json"
    path.write_text(json.dumps({"name": "Sage", "bio": ["wise"]}), encoding="utf-8")
    (character,) = load_characters([path], env={"SAGE_API_TOKEN": "t0k3n"})
    assert character.secrets == {"API_TOKEN": "t0k3n"}
    assert character.id == string_to_uuid("Sage")


@pytest.mark.parametrize("url", ["http://example.com/a.json", "https://x/y", "file:///etc/passwd", "ftp://h/c.json"])
def test_urls_are_refused_with_a_clear_error(url: str) -> None:
    assert is_url(url)
    with pytest.raises(CharacterError, match="local files only, not URLs"):
        load_character(url)


def test_plain_paths_are_not_urls() -> None:
    assert not is_url("characters/eliza.json")
    assert not is_url("C:\\chars\\eliza.json")
