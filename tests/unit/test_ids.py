import os
import uuid

import pytest

from pyeliza.types import as_uuid, create_unique_uuid, lower_uuid, new_uuid, string_to_uuid, validate_uuid
from pyeliza.types.ids import _encode_uri_component

ELIZA = "b850bc30-45f8-0041-a00a-83df46d8555d"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eliza", ELIZA),
        ("hello world", "f0355dd5-2823-054c-ae66-a0b12842c215"),
        ("ÄÖü", "557534d4-883f-0a6c-b77c-a34215694aad"),
        ("", "da39a3ee-5e6b-0b0d-b255-bfef95601890"),
        ("Default Server", "3042a8f5-2da6-0c73-a9d7-a4fa1c070fcd"),
    ],
)
def test_string_to_uuid_matches_reference_vectors(text: str, expected: str) -> None:
    assert string_to_uuid(text) == expected


def test_uuid_input_is_returned_unchanged() -> None:
    upper = ELIZA.upper()
    assert string_to_uuid(upper) == upper


def test_numbers_use_their_decimal_string() -> None:
    assert string_to_uuid(42) == string_to_uuid("42")
    assert string_to_uuid(42.0) == string_to_uuid("42")


def test_non_string_is_rejected() -> None:
    with pytest.raises(TypeError):
        string_to_uuid(None)  # type: ignore[arg-type]


def test_create_unique_uuid_reference_vectors() -> None:
    assert create_unique_uuid(ELIZA, "00000000-0000-0000-0000-000000000000") == "740de269-82a9-0d4f-9889-c87fb8884f7f"
    assert create_unique_uuid(ELIZA, "some-channel") == "0e2a58eb-1298-001f-8fca-f3125e608be3"
    assert create_unique_uuid(ELIZA, ELIZA) == ELIZA


def test_as_uuid_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="invalid UUID"):
        as_uuid("not-a-uuid")


def test_ordered_uuids_sort_in_creation_order() -> None:
    from pyeliza.types.ids import new_ordered_uuid

    ids = [new_ordered_uuid() for _ in range(2000)]
    assert ids == sorted(ids)
    assert all(as_uuid(value) == value for value in ids)
    assert len(set(ids)) == len(ids)


def test_uuid_checks_give_the_same_answer_the_first_and_the_second_time() -> None:
    mixed = "A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D"
    for _ in range(2):  # the second round is answered from the recently-valid table
        assert lower_uuid(mixed) == mixed.lower()
        assert validate_uuid(mixed) == mixed
        assert lower_uuid("not-a-uuid") is None
        assert validate_uuid("a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4") is None
        assert lower_uuid(12345) is None


def test_every_ascii_character_is_encoded_like_encode_uri_component() -> None:
    every_ascii = "".join(chr(code) for code in range(128))
    escaped = {"!", "'", "(", ")", "*", "-", ".", "_", "~"}
    expected = "".join(c if c.isalnum() or c in escaped else f"%{ord(c):02X}" for c in every_ascii)
    assert _encode_uri_component(every_ascii) == expected
    assert _encode_uri_component("a b/ü€") == "a%20b%2F%C3%BC%E2%82%AC"


def test_random_ids_are_version_4_and_distinct() -> None:
    ids = [new_uuid() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    for text in ids[:100]:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text
    assert {i[14] for i in ids} == {"4"} and len({i[0] for i in ids}) == 16


def test_a_forked_child_draws_other_random_ids_than_its_parent() -> None:
    new_uuid()  # the parent now holds unused random bytes
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, new_uuid().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    assert child != new_uuid()
