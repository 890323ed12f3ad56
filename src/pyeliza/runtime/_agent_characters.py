"""How the ``ElizaOS`` registry prepares a character: environment secrets, encryption and live updates.

The reference merges the *whole* process environment into every character's secrets (and so into the agents
table). We merge only the variables a plugin names in ``required_settings`` plus :data:`ENV_SECRET_ALLOW_LIST`,
never overwrite what the character itself says, and store every secret encrypted (``_secrets.py`` format).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import InvalidInputError
from ..types import Character, Plugin, parse_character
from ._secrets import encrypt_object_values

ENV_SECRET_ALLOW_LIST: tuple[str, ...] = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "OLLAMA_BASE_URL",
    "OLLAMA_API_ENDPOINT",
    "EMBEDDING_URL",
    "EMBEDDING_API_KEY",
)
"""Environment variables merged into every agent's secrets (model-provider credentials and endpoints)."""


def environment_names(plugins: Sequence[Plugin], allow_list: Iterable[str]) -> list[str]:
    """The variable names to take from the environment: the allow-list, then each plugin's required settings."""
    names = dict.fromkeys(allow_list)
    for plugin in plugins:
        names.update(dict.fromkeys(plugin.required_settings))
    return list(names)


def _present(value: object) -> bool:
    return value is not None and value != ""


def prepare_character(
    character: Character, plugins: Sequence[Plugin], environment: Mapping[str, str], allow_list: Iterable[str]
) -> Character:
    """A deep copy of ``character`` with the named environment variables under ``settings["secrets"]`` (values
    the character already has win) and every secret (``secrets`` and ``settings["secrets"]``) encrypted."""
    prepared = character.model_copy(deep=True)
    settings = dict(prepared.settings or {})
    nested = settings.get("secrets")
    secrets: dict[str, Any] = dict(nested) if isinstance(nested, dict) else {}
    own = prepared.secrets or {}
    for name in environment_names(plugins, allow_list):
        value = environment.get(name)
        if _present(value) and not _present(secrets.get(name)) and not _present(own.get(name)):
            secrets[name] = value
    if secrets:
        settings["secrets"] = encrypt_object_values(secrets)
        prepared.settings = settings
    if prepared.secrets:
        prepared.secrets = encrypt_object_values(prepared.secrets)
    return prepared


def updated_character(current: Character, changes: Mapping[str, Any]) -> Character:
    """``current`` with ``changes`` applied (snake_case or camelCase keys): ``settings`` and ``secrets`` merge
    key by key (``None`` deletes a key), other fields are replaced. Secrets are encrypted. The id cannot
    change (:class:`InvalidInputError`); a change that makes the character invalid raises
    :class:`CharacterError` naming the field."""
    if not isinstance(changes, Mapping):
        raise InvalidInputError(f"character changes must be a mapping, got {type(changes).__name__}")
    base = current.model_dump(exclude_none=True)
    patch = {_field_name(key): value for key, value in changes.items()}
    if "id" in patch and patch["id"] != current.id:
        raise InvalidInputError("the character id cannot be changed by update_agent")
    for key in ("settings", "secrets"):
        if key in patch and isinstance(patch[key], Mapping):
            patch[key] = _merged(base.get(key) or {}, patch[key], key == "settings")
    updated = parse_character({**base, **patch}, source="update_agent")
    if updated.secrets:
        updated.secrets = encrypt_object_values(updated.secrets)
    nested = (updated.settings or {}).get("secrets")
    if isinstance(nested, dict) and updated.settings is not None:
        updated.settings = {**updated.settings, "secrets": encrypt_object_values(nested)}
    return updated


def _merged(old: Mapping[str, Any], new: Mapping[str, Any], nested_secrets: bool) -> dict[str, Any]:
    out = dict(old)
    for key, value in new.items():
        if value is None:
            out.pop(key, None)
        elif nested_secrets and key == "secrets" and isinstance(value, Mapping):
            out[key] = _merged(out.get(key) or {}, value, False)
        else:
            out[key] = value
    return out


def settings_deletions(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Keys of ``old`` that ``new`` no longer has, as ``None`` (nested dicts recursively): what a deep-merging
    ``update_agent`` needs to delete them from the stored row."""
    out: dict[str, Any] = {}
    for key, value in old.items():
        if key not in new:
            out[key] = None
        elif isinstance(value, Mapping) and isinstance(new[key], Mapping):
            nested = settings_deletions(value, new[key])
            if nested:
                out[key] = nested
    return out


def _field_name(key: str) -> str:
    """``messageExamples`` -> ``message_examples``: the Character field a camelCase key names."""
    for name, info in Character.model_fields.items():
        if key == name or key == info.alias:
            return name
    return key
