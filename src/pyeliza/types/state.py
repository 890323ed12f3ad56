"""State passed to providers, actions and templates, and the results they return."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import ElizaModel, OpenElizaModel


class State(OpenElizaModel):
    """``values`` feed templates, ``data`` holds structured provider results, ``text`` is the provider text."""

    values: dict[str, Any] = Field(default_factory=dict)
    data: dict[str, Any] = Field(default_factory=dict)
    text: str = ""


class ProviderResult(ElizaModel):
    """What a provider returns."""

    text: str | None = None
    values: dict[str, Any] | None = None
    data: dict[str, Any] | None = None


class ActionResult(ElizaModel):
    """What an action returns; ``values`` are merged into the state of later actions."""

    success: bool = True
    text: str | None = None
    values: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    error: str | None = None
