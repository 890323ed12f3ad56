"""The should-respond rule layer and the model's answer."""

from __future__ import annotations

import pytest

from pyeliza.messaging._rules import decide_by_rules, name_in_text, parse_list_setting, respond_from_model_answer
from pyeliza.types import ChannelType, Content, Memory, MentionContext, Room, new_uuid


def _message(text: str = "hello", **content: object) -> Memory:
    return Memory(entity_id=new_uuid(), room_id=new_uuid(), content=Content(text=text, **content))


def _room(kind: ChannelType) -> Room:
    return Room(id=new_uuid(), type=kind)


def _decide(
    message: Memory, room: Room | None, *, followed: bool = False, types: set[str] | None = None
) -> bool | None:
    decision = decide_by_rules(
        message, room, agent_names=["Ada"], followed=followed, extra_room_types=types or set(), extra_sources=set()
    )
    return decision.should_respond if decision.final else None


@pytest.mark.parametrize("kind", [ChannelType.DM, ChannelType.VOICE_DM, ChannelType.SELF, ChannelType.API])
def test_direct_rooms_always_respond(kind: ChannelType) -> None:
    assert _decide(_message(), _room(kind)) is True


def test_no_room_means_no_response() -> None:
    assert _decide(_message(), None) is False


def test_group_needs_the_model() -> None:
    assert _decide(_message("general chatter"), _room(ChannelType.GROUP)) is None


def test_group_mention_reply_name_and_followed() -> None:
    group = _room(ChannelType.GROUP)
    assert _decide(_message(mention_context=MentionContext(is_mention=True)), group) is True
    assert _decide(_message(mention_context=MentionContext(is_reply=True)), group) is True
    assert _decide(_message("what do you think, ada?"), group) is True
    assert _decide(_message("adamant people"), group) is None
    assert _decide(_message("chatter"), group, followed=True) is True


def test_configured_room_types_and_sources() -> None:
    assert _decide(_message(), _room(ChannelType.GROUP), types={"group"}) is True
    message = _message(source="client_chat:web")
    assert _decide(message, _room(ChannelType.GROUP)) is True


def test_list_settings() -> None:
    assert parse_list_setting("[Group, FEED ]") == {"group", "feed"}
    assert parse_list_setting(None) == set() and parse_list_setting(True) == set()
    assert parse_list_setting(["A"]) == {"a"}


def test_name_in_text() -> None:
    assert name_in_text("Ada", "Hi Ada!") and not name_in_text("Ada", "Canada") and not name_in_text("", "x")


@pytest.mark.parametrize(
    ("answer", "respond"),
    [
        ({"action": "RESPOND"}, True),
        ({"action": "respond"}, True),
        ({"action": "IGNORE"}, False),
        ({"action": "none"}, False),
        ({"action": "STOP"}, False),
        ({"action": ""}, False),
        ({}, False),
        (None, False),
    ],
)
def test_model_answer(answer: dict[str, object] | None, respond: bool) -> None:
    assert respond_from_model_answer(answer) is respond
