"""World settings marked secret: encrypted for storage, decrypted when read."""

from __future__ import annotations

from typing import Any

from pyeliza.plugins.bootstrap.actions._settings import decrypted_settings, encrypted_settings
from pyeliza.runtime import decrypt_string_value, encrypt_string_value
from pyeliza.runtime._secrets import is_encrypted

SETTINGS: dict[str, dict[str, Any]] = {
    "TOKEN": {"secret": True, "value": "tok-1"},
    "EMPTY_SECRET": {"secret": True, "value": ""},
    "UNSET_SECRET": {"secret": True},
    "NUMBER_SECRET": {"secret": True, "value": 42},
    "NAME": {"value": "Moon Base"},
}


def test_only_non_empty_string_values_of_secret_settings_are_encrypted() -> None:
    stored = encrypted_settings(SETTINGS)

    assert is_encrypted(stored["TOKEN"]["value"]) and decrypt_string_value(stored["TOKEN"]["value"]) == "tok-1"
    assert stored["TOKEN"]["secret"] is True
    assert stored["EMPTY_SECRET"] == {"secret": True, "value": ""}
    assert stored["UNSET_SECRET"] == {"secret": True}
    assert stored["NUMBER_SECRET"] == {"secret": True, "value": 42}
    assert stored["NAME"] == {"value": "Moon Base"}
    assert SETTINGS["TOKEN"]["value"] == "tok-1"  # the input is not changed


def test_encrypting_twice_keeps_the_stored_value() -> None:
    once = encrypted_settings(SETTINGS)

    assert encrypted_settings(once)["TOKEN"]["value"] == once["TOKEN"]["value"]


def test_reading_decrypts_secrets_and_leaves_plain_and_non_secret_values() -> None:
    stored: dict[str, dict[str, Any]] = {
        "TOKEN": {"secret": True, "value": encrypt_string_value("tok-2")},
        "LEGACY": {"secret": True, "value": "written before encryption"},
        "LOOKS_ENCRYPTED": {"value": encrypt_string_value("not a secret setting")},
    }

    read = decrypted_settings(stored)

    assert read["TOKEN"]["value"] == "tok-2"
    assert read["LEGACY"]["value"] == "written before encryption"
    assert read["LOOKS_ENCRYPTED"] == stored["LOOKS_ENCRYPTED"]
