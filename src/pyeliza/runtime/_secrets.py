"""Secret values in the elizaOS format: AES-256-CBC, key = SHA-256(salt), stored as ``<iv hex>:<cipher hex>``.

The salt is the ``SECRET_SALT`` environment variable, or the literal ``secretsalt`` (the reference default).
Decryption never raises: a value that is not in the stored form, or does not decrypt, is returned unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

logger = logging.getLogger("pyeliza.runtime")

DEFAULT_SALT = "secretsalt"
_IV_BYTES = 16


def secret_salt() -> str:
    """The salt in use: ``SECRET_SALT`` from the environment, else the reference default."""
    return os.environ.get("SECRET_SALT") or DEFAULT_SALT


def _key(salt: str | None) -> bytes:
    return hashlib.sha256((salt if salt is not None else secret_salt()).encode("utf-8")).digest()


def _split(value: str) -> tuple[bytes, bytes] | None:
    parts = value.split(":")
    if len(parts) != 2:
        return None
    try:
        iv = bytes.fromhex(parts[0])
        cipher = bytes.fromhex(parts[1])
    except ValueError:
        return None
    if len(iv) != _IV_BYTES:
        return None
    return iv, cipher


def is_encrypted(value: object) -> bool:
    """True when ``value`` already has the stored form (two hex parts, a 16-byte IV first)."""
    return isinstance(value, str) and _split(value) is not None


def encrypt_string_value(value: str, salt: str | None = None) -> str:
    """Encrypt one string; an already-encrypted value is returned unchanged."""
    if is_encrypted(value):
        return value
    iv = os.urandom(_IV_BYTES)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(value.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_key(salt)), modes.CBC(iv)).encryptor()
    cipher = encryptor.update(padded) + encryptor.finalize()
    return f"{iv.hex()}:{cipher.hex()}"


def decrypt_string_value(value: str, salt: str | None = None) -> str:
    """Decrypt one stored value; anything that does not decrypt is returned unchanged."""
    parts = _split(value)
    if parts is None:
        return value
    iv, cipher = parts
    try:
        decryptor = Cipher(algorithms.AES(_key(salt)), modes.CBC(iv)).decryptor()
        padded = decryptor.update(cipher) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except ValueError:
        logger.warning("a value that looks encrypted did not decrypt with the current SECRET_SALT; kept as is")
        return value


def encrypt_object_values(values: Mapping[str, Any], salt: str | None = None) -> dict[str, Any]:
    """Encrypt every string value of a mapping (other values are copied unchanged)."""
    return {k: encrypt_string_value(v, salt) if isinstance(v, str) else v for k, v in values.items()}


def decrypt_object_values(values: Mapping[str, Any], salt: str | None = None) -> dict[str, Any]:
    """Decrypt every string value of a mapping (other values are copied unchanged)."""
    return {k: decrypt_string_value(v, salt) if isinstance(v, str) else v for k, v in values.items()}
