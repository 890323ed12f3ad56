"""Action, provider and evaluator registration and find_action's matching rules."""

from __future__ import annotations

from pyeliza import Action, ActionResult, AgentRuntime, Character


async def noop(*args: object) -> ActionResult:
    return ActionResult()


def action(name: str, *similes: str) -> Action:
    return Action(name=name, description=name, handler=noop, similes=list(similes))


def make(*actions: Action) -> AgentRuntime:
    rt = AgentRuntime(Character(name="Finder", bio="test"))
    for a in actions:
        rt.register_action(a)
    return rt


def test_exact_match_ignores_case_and_underscores() -> None:
    rt = make(action("SEND_MESSAGE"), action("REPLY"))
    assert rt.find_action("send_message") is rt.actions[0]
    assert rt.find_action("SENDMESSAGE") is rt.actions[0]
    assert rt.find_action("Reply") is rt.actions[1]


def test_similes_before_partial_matches() -> None:
    rt = make(action("MUTE_ROOM"), action("REPLY", "RESPOND"))
    assert rt.find_action("respond") is rt.actions[1]


def test_partial_matches_only_for_long_names() -> None:
    rt = make(action("FOLLOW_ROOM"), action("UNFOLLOW_ROOM"), action("NONE"))
    assert rt.find_action("FOLLOW") is rt.actions[0]
    assert rt.find_action("NO") is None
    assert rt.find_action("ROO") is None
    assert rt.find_action("") is None
    assert rt.find_action("SOMETHING_ELSE") is None


def test_duplicate_action_names_are_ignored() -> None:
    first = action("REPLY")
    rt = make(first, action("REPLY"))
    assert rt.actions == [first]
