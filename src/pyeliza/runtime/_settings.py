"""Settings lookup: character secrets, character settings, settings.secrets, runtime settings, environment."""

from __future__ import annotations

import os
from typing import Any

from ._core import RuntimeCore, logger
from ._secrets import decrypt_string_value

SettingValue = str | bool | int | float | None

_MISSING = object()


class SettingsMixin(RuntimeCore):
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
        logger.debug("agent %s: setting %s updated (secret=%s)", self.character.name, key, secret)

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
