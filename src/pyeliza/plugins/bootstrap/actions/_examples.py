"""The examples the bootstrap actions show the model: one user line, then the agent's answer with its actions."""

from __future__ import annotations

from ....types import ActionExample, Content


def exchange(user: str, agent: str, actions: list[str]) -> list[ActionExample]:
    """``{{name1}}`` says ``user``; ``{{name2}}`` answers ``agent`` and takes ``actions``."""
    return [
        ActionExample(name="{{name1}}", content=Content(text=user)),
        ActionExample(name="{{name2}}", content=Content(text=agent, actions=actions)),
    ]
