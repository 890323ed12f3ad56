"""Renderings of actions and evaluators for prompts (reference §4.7).

Action lists are shuffled on purpose (the reference does it to avoid position bias); pass ``rng`` for a
reproducible order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from ..types import Action, ActionExample, Evaluator
from ._random import SHARED
from .names import replace_name_placeholders

_T = TypeVar("_T")


def _shuffled(items: Sequence[_T], rng: random.Random | None) -> list[_T]:
    result = list(items)
    (rng or SHARED).shuffle(result)
    return result


def format_action_names(actions: Sequence[Action], *, rng: random.Random | None = None) -> str:
    """Action names in random order, comma-separated."""
    return ", ".join(action.name for action in _shuffled(actions, rng))


def format_actions(actions: Sequence[Action], *, rng: random.Random | None = None) -> str:
    """One ``- **NAME**: description`` line per action, in random order."""
    return "\n".join(f"- **{action.name}**: {action.description}" for action in _shuffled(actions, rng))


def format_actions_with_params(actions: Sequence[Action]) -> str:
    """Markdown per action with a Parameters section for actions that declare parameters."""
    blocks: list[str] = []
    for action in actions:
        lines = [f"## {action.name}", action.description]
        if action.parameters:
            lines.append("**Parameters:**")
            for name, parameter in action.parameters.items():
                required = " (required)" if parameter.required else ""
                lines.append(f"- `{name}` ({parameter.type}){required}: {parameter.description}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_example_conversation(conversation: Sequence[ActionExample]) -> str:
    """Lines ``name: text`` with `` (actions: A, B)`` when the message names actions."""
    lines: list[str] = []
    for message in conversation:
        actions = message.content.actions or []
        suffix = f" (actions: {', '.join(actions)})" if actions else ""
        lines.append(f"{message.name}: {message.content.text or ''}{suffix}")
    return "\n".join(lines)


def compose_action_examples(actions: Sequence[Action], count: int, *, rng: random.Random | None = None) -> str:
    """Up to ``count`` example conversations drawn at random across actions, with random names filled in."""
    chooser = rng or SHARED
    pool = [example for action in actions for example in action.examples]
    if not pool or count <= 0:
        return ""
    picked = chooser.sample(pool, min(count, len(pool)))
    rendered = [replace_name_placeholders(format_example_conversation(example), chooser) for example in picked]
    return "\n\n".join(rendered)


def format_evaluator_names(evaluators: Sequence[Evaluator]) -> str:
    return ", ".join(f"'{evaluator.name}'" for evaluator in evaluators)


def format_evaluators(evaluators: Sequence[Evaluator]) -> str:
    """One ``'NAME: description'`` line per evaluator."""
    return "\n".join(f"'{evaluator.name}: {evaluator.description}'" for evaluator in evaluators)


def format_evaluator_examples(evaluators: Sequence[Evaluator], *, rng: random.Random | None = None) -> str:
    """Each example as Prompt / Messages / Outcome, with random names filled in."""
    chooser = rng or SHARED
    blocks: list[str] = []
    for evaluator in evaluators:
        for example in evaluator.examples:
            text = (
                f"Prompt:\n{example.prompt}\n\nMessages:\n{format_example_conversation(example.messages)}"
                f"\n\nOutcome:\n{example.outcome}"
            )
            blocks.append(replace_name_placeholders(text, chooser))
    return "\n\n".join(blocks)
