"""Turn the message-handler model output into the response content (reference §6.4, §10.20 fixed)."""

from __future__ import annotations

from typing import Any

from ..prompts import parse_response
from ..types import Content

_KNOWN_KEYS = frozenset({"thought", "actions", "providers", "text", "simple"})


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_as_list(item) if isinstance(item, str) else [str(item)])
        return out
    if isinstance(value, dict):
        return _as_list(list(value.values()))
    return [str(value)]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in {"true", "yes", "1"}


def content_from_plan(parsed: dict[str, Any]) -> Content | None:
    """Normalise parsed output; ``None`` when it holds none of thought, actions and text.

    Missing ``<actions>`` with text means REPLY (not IGNORE as in the reference); IGNORE next to other actions
    is dropped when there is text and wins when there is none.
    """
    thought = _as_text(parsed.get("thought"))
    text = _as_text(parsed.get("text"))
    actions = _as_list(parsed.get("actions", parsed.get("action")))
    if not thought and not text and not actions:
        return None
    if not actions:
        actions = ["REPLY"] if text else ["IGNORE"]
    upper = [action.upper() for action in actions]
    if len(actions) > 1 and "IGNORE" in upper:
        actions = ["IGNORE"] if not text else [action for action in actions if action.upper() != "IGNORE"] or ["REPLY"]
    providers = _as_list(parsed.get("providers"))
    extra = {key: value for key, value in parsed.items() if key not in _KNOWN_KEYS and key != "action"}
    simple = len(actions) == 1 and actions[0].upper() == "REPLY" and not providers
    return Content.model_validate(
        {**extra, "thought": thought, "actions": actions, "providers": providers, "text": text, "simple": simple}
    )


def parse_plan(raw: Any) -> Content | None:
    """Parse a model answer given as XML, JSON (fenced or not) or an already-parsed dict."""
    if isinstance(raw, dict):
        return content_from_plan(raw)
    if not isinstance(raw, str) or not raw.strip():
        return None
    parsed = parse_response(raw)
    if not parsed:
        return None
    return content_from_plan(parsed)


def is_ignore(content: Content) -> bool:
    """True when the plan says not to answer: only IGNORE/NONE/STOP actions and no text."""
    actions = [action.upper() for action in content.actions or []]
    return bool(actions) and all(action in {"IGNORE", "NONE", "STOP"} for action in actions) and not content.text
