"""Secrets for one character from environment variables named after it (reference §3.7.2).

``CHARACTER.<NAME>.<KEY>``, ``<NAME>_<KEY>`` and ``CHARACTER.<ID>.<KEY>`` (NAME upper-cased with every
non-alphanumeric character turned into ``_``, ID with ``-`` turned into ``_``) become ``secrets[KEY]``. Precedence:
the file's ``secrets`` < ``settings.secrets`` < the environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..types import Character

_NON_ALNUM = re.compile(r"[^A-Za-z0-9]")


def env_prefixes(character: Character) -> list[str]:
    """The variable-name prefixes that address ``character``."""
    name = _NON_ALNUM.sub("_", character.name).upper()
    prefixes = [f"CHARACTER.{name}.", f"{name}_"]
    if character.id:
        prefixes.append(f"CHARACTER.{character.id.replace('-', '_')}.")
    return prefixes


def env_secrets(character: Character, env: Mapping[str, str]) -> dict[str, str]:
    """The secrets the environment holds for ``character``, keyed without their prefix."""
    found: dict[str, str] = {}
    prefixes = env_prefixes(character)
    for variable, value in env.items():
        for prefix in prefixes:
            if variable.startswith(prefix) and len(variable) > len(prefix):
                found[variable[len(prefix) :]] = value
                break
    return found


def with_env_secrets(character: Character, env: Mapping[str, str]) -> Character:
    """``character`` with its environment-prefixed secrets merged into ``secrets`` (unchanged when there are none)."""
    from_env = env_secrets(character, env)
    if not from_env:
        return character
    settings_secrets = (character.settings or {}).get("secrets")
    merged: dict[str, str | int | float | bool] = dict(character.secrets or {})
    if isinstance(settings_secrets, Mapping):
        merged.update({str(k): v for k, v in settings_secrets.items() if isinstance(v, str | int | float | bool)})
    merged.update(from_env)
    return character.model_copy(update={"secrets": merged})
