"""Turning model answers into response content: XML, JSON, fences, missing tags, garbage."""

from __future__ import annotations

import pytest

from pyeliza.messaging._plan import is_ignore, parse_plan
from pyeliza.testing import xml_reply


def test_simple_reply() -> None:
    plan = parse_plan(xml_reply("hello"))
    assert plan is not None
    assert plan.actions == ["REPLY"] and plan.text == "hello" and plan.simple is True


def test_missing_actions_with_text_means_reply() -> None:
    plan = parse_plan("<response><text>just this</text></response>")
    assert plan is not None and plan.actions == ["REPLY"] and plan.simple is True


def test_missing_actions_without_text_means_ignore() -> None:
    plan = parse_plan("<response><thought>nothing to say</thought></response>")
    assert plan is not None and plan.actions == ["IGNORE"] and is_ignore(plan)


def test_ignore_next_to_reply_is_dropped_when_there_is_text() -> None:
    plan = parse_plan(xml_reply("I will answer", actions=["IGNORE", "REPLY"]))
    assert plan is not None and plan.actions == ["REPLY"]


def test_ignore_wins_without_text() -> None:
    plan = parse_plan(xml_reply("", actions=["REPLY", "IGNORE"]))
    assert plan is not None and plan.actions == ["IGNORE"]


def test_providers_make_a_plan_not_simple() -> None:
    plan = parse_plan(xml_reply("text", providers=["FACTS"]))
    assert plan is not None and plan.simple is False and plan.providers == ["FACTS"]


def test_json_in_a_fence() -> None:
    plan = parse_plan('```json\n{"thought": "t", "actions": "REPLY, NONE", "text": "x"}\n```')
    assert plan is not None and plan.actions == ["REPLY", "NONE"] and plan.simple is False


def test_extra_keys_are_kept() -> None:
    plan = parse_plan("<response><text>hi</text><mood>happy</mood></response>")
    assert plan is not None and (plan.model_extra or {}).get("mood") == "happy"


@pytest.mark.parametrize("answer", ["", "   ", "no tags at all", "<response></response>", None, 42])
def test_garbage_is_none(answer: object) -> None:
    assert parse_plan(answer) is None
