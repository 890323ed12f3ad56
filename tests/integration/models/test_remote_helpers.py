"""The provider-neutral pieces: back-off, Retry-After, redaction, the retry loop and JSON output checks."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from pyeliza.errors import ModelError, ModelResponseError, ModelTimeoutError
from pyeliza.plugins._remote import (
    REDACTED,
    Failure,
    FailureKind,
    InvalidModelOutput,
    Redactor,
    RemoteCall,
    RetryPolicy,
    extract_json,
    parse_object_output,
    parse_retry_after,
    schema_problems,
)
from pyeliza.types import ObjectGenerationParams


def test_retry_after_in_seconds_milliseconds_and_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after({"Retry-After": "7"}) == 7.0
    assert parse_retry_after({"retry-after-ms": "250", "Retry-After": "7"}) == 0.25
    assert parse_retry_after({"Retry-After": "Thu, 01 Jan 2026 12:00:30 GMT"}, now=now) == 30.0
    assert parse_retry_after({"Retry-After": "Thu, 01 Jan 2026 11:00:00 GMT"}, now=now) == 0.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_is_full_jitter_below_an_exponential_ceiling_and_retry_after_is_capped() -> None:
    policy = RetryPolicy(base_delay_seconds=1.0, max_delay_seconds=5.0)
    rng = random.Random(7)
    for retry, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)):
        delays = [policy.delay_before_retry(retry, None, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spreads over the whole range
    assert policy.delay_before_retry(1, 3.0, rng) == 3.0
    assert policy.delay_before_retry(1, 120.0, rng) == 5.0


def test_redactor_hides_known_secrets_and_key_shaped_strings() -> None:
    redact = Redactor(["my-secret-value", None, ""])
    text = redact("key my-secret-value, other sk-abcdefghijklmnop, header Bearer abcdefghijk123, x-api-key: zzzzzzzzzz")
    assert "my-secret-value" not in text
    assert "sk-abcdefghijklmnop" not in text
    assert "abcdefghijk123" not in text
    assert "zzzzzzzzzz" not in text
    assert text.count(REDACTED) == 4


def _call(retries: int = 2, timeout: float = 5.0) -> RemoteCall:
    def by_message(exc: Exception) -> Failure | None:
        kinds = {"busy": FailureKind.SERVER, "denied": FailureKind.REJECTED, "garbled": FailureKind.RESPONSE}
        kind = kinds.get(str(exc))
        return Failure(kind, str(exc)) if kind else None

    policy = RetryPolicy(max_retries=retries, timeout_seconds=timeout, base_delay_seconds=0.001)
    return RemoteCall("acme", "model-x", "completion", policy, by_message, Redactor(["topsecret"]))


async def test_retry_loop_retries_transient_failures_then_succeeds() -> None:
    outcomes: list[Exception | str] = [RuntimeError("busy"), RuntimeError("busy"), "done"]

    async def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert await _call().run(attempt) == "done"
    assert outcomes == []


async def test_retry_loop_gives_up_with_an_error_naming_provider_model_and_cause() -> None:
    attempts = 0

    async def attempt() -> str:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("busy")

    with pytest.raises(ModelError) as caught:
        await _call(retries=2).run(attempt)
    assert attempts == 3
    assert str(caught.value) == "acme completion with model 'model-x' failed after 3 attempts (server error): busy"
    assert isinstance(caught.value.__cause__, RuntimeError)


async def test_retry_loop_does_not_retry_rejections_and_passes_foreign_errors_through() -> None:
    attempts = 0

    async def rejected() -> str:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("denied")

    with pytest.raises(ModelError, match="after 1 attempt \\(request rejected\\)"):
        await _call().run(rejected)
    assert attempts == 1

    async def bug() -> str:
        raise KeyError("not a provider failure")

    with pytest.raises(KeyError):
        await _call().run(bug)


async def test_retry_loop_error_types_for_timeouts_and_unusable_answers() -> None:
    async def slow() -> str:
        await asyncio.sleep(5)
        return "late"

    with pytest.raises(ModelTimeoutError, match=r"no answer within 0\.05 s"):
        await _call(retries=1, timeout=0.05).run(slow)

    async def garbled() -> str:
        raise RuntimeError("garbled")

    with pytest.raises(ModelResponseError):
        await _call(retries=0).run(garbled)


async def test_retry_loop_redacts_secrets_in_the_error_and_its_cause() -> None:
    call = replace(_call(), classify=lambda exc: Failure(FailureKind.REJECTED, str(exc)))

    async def leaks_key() -> str:
        raise RuntimeError("invalid key topsecret")

    with pytest.raises(ModelError) as caught:
        await call.run(leaks_key)
    assert "topsecret" not in str(caught.value)
    assert "topsecret" not in str(caught.value.__cause__)


def test_extract_json_from_plain_fenced_and_embedded_text() -> None:
    assert extract_json('{"a": 1}') == {"a": 1}
    assert extract_json('Here you go:\n```json\n{"a": [1, 2]}\n```\nThanks') == {"a": [1, 2]}
    assert extract_json('Sure! {"a": {"b": true}} hope that helps') == {"a": {"b": True}}
    assert extract_json("[1, 2, 3]") == [1, 2, 3]
    with pytest.raises(InvalidModelOutput, match="no valid JSON"):
        extract_json("{not json at all")


def test_schema_problems_name_the_path() -> None:
    schema = {
        "type": "object",
        "required": ["name", "tags"],
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "mood": {"enum": ["happy", "sad"]},
        },
    }
    assert schema_problems({"name": "a", "tags": ["x"], "age": 3, "mood": "sad"}, schema) == []
    problems = schema_problems({"name": 5, "tags": ["x", 2], "age": True, "mood": "meh"}, schema)
    assert "$.name should be string, got int" in problems
    assert "$.tags[1] should be string, got int" in problems
    assert "$.age should be integer, got bool" in problems
    assert any(p.startswith("$.mood should be one of") for p in problems)
    assert schema_problems({"name": "a"}, schema) == ["$.tags is required"]


def test_parse_object_output_for_object_array_and_enum() -> None:
    assert parse_object_output('{"x": 1}', ObjectGenerationParams(prompt="p")) == {"x": 1}
    with pytest.raises(InvalidModelOutput, match="expected a JSON object"):
        parse_object_output("[1]", ObjectGenerationParams(prompt="p"))
    assert parse_object_output("[1, 2]", ObjectGenerationParams(prompt="p", output="array")) == [1, 2]
    enum = ObjectGenerationParams(prompt="p", output="enum", enum_values=["yes", "no"])
    assert parse_object_output(' "yes" ', enum) == "yes"
    with pytest.raises(InvalidModelOutput, match="not one of"):
        parse_object_output("maybe", enum)
