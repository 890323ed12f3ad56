"""Rendering prompt templates from a state or a flat mapping of values."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from ..types import State
from .names import replace_name_placeholders
from .template import compile_template

TemplateSource = str | Callable[[State], str]
_STATE_OWN_KEYS = frozenset({"text", "values", "data"})


def state_template_context(state: State | Mapping[str, Any]) -> dict[str, Any]:
    """Top-level state keys other than text/values/data, with ``state.values`` spread over them."""
    if isinstance(state, State):
        context = {key: value for key, value in (state.model_extra or {}).items() if key not in _STATE_OWN_KEYS}
        context.update(state.values)
        return context
    context = {key: value for key, value in state.items() if key not in _STATE_OWN_KEYS}
    values = state.get("values")
    if isinstance(values, Mapping):
        context.update(values)
    return context


def compose_prompt(values: Mapping[str, Any], template: str, *, rng: random.Random | None = None) -> str:
    """Render ``template`` with ``values`` as the context; surviving ``{{nameN}}`` become random names."""
    return replace_name_placeholders(compile_template(template).render(values), rng)


def compose_prompt_from_state(
    state: State | Mapping[str, Any], template: TemplateSource, *, rng: random.Random | None = None
) -> str:
    """Render ``template`` (a string, or a function of the state) with the state's template context."""
    if callable(template):
        source = template(state if isinstance(state, State) else State.model_validate(state))
    else:
        source = template
    return compose_prompt(state_template_context(state), source, rng=rng)
