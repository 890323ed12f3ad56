"""Secret values: the reference's AES-256-CBC format, round trips and the never-raise decryption."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from pyeliza.runtime import (
    decrypt_object_values,
    decrypt_string_value,
    encrypt_object_values,
    encrypt_string_value,
)


def test_round_trip_with_default_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_SALT", raising=False)
    stored = encrypt_string_value("sk-test-123")
    assert stored != "sk-test-123"
    iv_hex, cipher_hex = stored.split(":")
    assert len(bytes.fromhex(iv_hex)) == 16
    assert len(bytes.fromhex(cipher_hex)) % 16 == 0
    assert decrypt_string_value(stored) == "sk-test-123"


def test_format_matches_reference_key_derivation() -> None:
    """Decrypt by hand with key = sha256(salt): the stored form is iv-hex ':' ciphertext-hex of PKCS#7 data."""
    stored = encrypt_string_value("héllo wörld", salt="pepper")
    iv_hex, cipher_hex = stored.split(":")
    key = hashlib.sha256(b"pepper").digest()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(bytes.fromhex(iv_hex))).decryptor()
    padded = decryptor.update(bytes.fromhex(cipher_hex)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    assert (unpadder.update(padded) + unpadder.finalize()).decode() == "héllo wörld"


def test_salt_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_SALT", "env-salt")
    stored = encrypt_string_value("value")
    assert decrypt_string_value(stored, salt="env-salt") == "value"
    monkeypatch.setenv("SECRET_SALT", "other-salt")
    assert decrypt_string_value(stored) == stored


def test_encrypting_twice_keeps_the_first_form() -> None:
    stored = encrypt_string_value("secret")
    assert encrypt_string_value(stored) == stored


@pytest.mark.parametrize(
    "value",
    ["plain text", "a:b:c", "zz:00", "00112233:deadbeef", "", "00112233445566778899aabbccddeeff:0011"],
)
def test_decrypt_returns_anything_else_unchanged(value: str) -> None:
    assert decrypt_string_value(value) == value


def test_object_helpers_only_touch_strings() -> None:
    encrypted = encrypt_object_values({"KEY": "v", "N": 3, "B": True})
    assert encrypted["N"] == 3
    assert encrypted["B"] is True
    assert encrypted["KEY"] != "v"
    assert decrypt_object_values(encrypted) == {"KEY": "v", "N": 3, "B": True}
