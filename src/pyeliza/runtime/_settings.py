"""Settings lookup: character secrets, character settings, settings.secrets, runtime settings, environment."""

from __future__ import annotations

import os
from typing import Any

from ._core import RuntimeCore, logger
from ._model_params import text_model_settings
from ._secrets import decrypt_string_value

SettingValue = str | bool | int | float | None

_MISSING = object()


class SettingsMixin(RuntimeCore):
    _text_settings: tuple[tuple[object, ...], dict[str, dict[str, Any]]] | None = None
    """The sources the text-model settings were read from and the settings per model type (see
    ``text_model_settings``); ``None`` until the first text model call and after ``set_setting``."""

    def _raw_setting(self, key: str) -> Any:
        character = self.character
        settings = character.settings or {}
        nested = settings.get("secrets")
        sources: tuple[Any, ...] = (
            character.secrets or {},
            settings,
            nested if isinstance(nested, dict) else {},
            self.settings,
            os.environ,
        )
        for source in sources:
            value = source.get(key, _MISSING)
            if value is not _MISSING and value is not None:
                return value
        return None

    def get_setting(self, key: str) -> SettingValue:
        """The first present (not ``None``) value of ``key``; strings are decrypted, "true"/"false" become bools.

        Order: ``character.secrets``, ``character.settings``, ``character.settings["secrets"]``, the runtime's
        ``settings``, then the process environment. Objects and lists give ``None``.
        """
        value = self._raw_setting(key)
        if isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            text = decrypt_string_value(value)
            lowered = text.lower()
            if lowered == "true":
                return True
            if lowered == "false":
                return False
            return text
        return None

    def set_setting(self, key: str, value: SettingValue, secret: bool = False) -> None:
        """Set a character setting (or secret) in memory; ``None`` is ignored. Not persisted."""
        if value is None:
            return
        if secret:
            secrets = dict(self.character.secrets or {})
            secrets[key] = value
            self.character.secrets = secrets
        else:
            settings = dict(self.character.settings or {})
            settings[key] = value
            self.character.settings = settings
        self._text_settings = None
        logger.debug("agent %s: setting %s updated (secret=%s)", self.character.name, key, secret)

    def text_model_settings(self, model_key: str) -> dict[str, Any]:
        """The configured parameters of text model ``model_key`` (``<MODEL>_<PARAM>``, ``DEFAULT_<PARAM>``, legacy
        names), read once and kept: a text model call would otherwise read ~22 settings.

        The kept values are read again after ``set_setting``, when the character or one of the settings dicts is
        replaced, or when one of them gains or loses keys. The process environment is read when the values are
        first needed (the first text model call after construction or a change above): later changes to the
        environment, and in-place changes of an existing key's value, are not seen for this purpose.
        """
        character = self.character
        settings = character.settings
        secrets = character.secrets
        sources = (
            character,
            settings,
            secrets,
            self.settings,
            len(settings or ()),
            len(secrets or ()),
            len(self.settings),
        )
        kept = self._text_settings
        if kept is None or not all(a is b or a == b for a, b in zip(kept[0], sources, strict=True)):
            kept = (sources, {})
            self._text_settings = kept
        per_model = kept[1]
        found = per_model.get(model_key)
        if found is None:
            found = per_model[model_key] = text_model_settings(model_key, self._number_setting)
        return found

    def get_conversation_length(self) -> int:
        """How many recent messages the conversation providers show (32 by default)."""
        return self.conversation_length

    def _number_setting(self, key: str) -> float | None:
        value = self.get_setting(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return None
