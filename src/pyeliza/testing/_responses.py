"""Model answers in the formats the message pipeline parses, for scripting models in tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape


def _element(name: str, value: object, indent: str = "") -> str:
    if isinstance(value, Mapping):
        inner = "\n".join(_element(k, v, indent + "  ") for k, v in value.items())
        return f"{indent}<{name}>\n{inner}\n{indent}</{name}>"
    if isinstance(value, list | tuple):
        return "\n".join(_element(name, item, indent) for item in value)
    return f"{indent}<{name}>{escape(str(value))}</{name}>"


def xml_response(**fields: object) -> str:
    """A ``<response>`` block with one element per field; dicts nest and lists repeat the element."""
    body = "\n".join(_element(key, value, "  ") for key, value in fields.items())
    return f"<response>\n{body}\n</response>"


def xml_reply(
    text: str = "",
    *,
    actions: Sequence[str] = ("REPLY",),
    thought: str = "Replying to the user.",
    providers: Sequence[str] = (),
) -> str:
    """A message-handler answer: ``xml_reply("ok")`` is a simple REPLY; pass ``actions`` for a plan."""
    return xml_response(thought=thought, actions=",".join(actions), providers=",".join(providers), text=text)


def xml_should_respond(action: str = "RESPOND", reasoning: str = "Decided by the test script.") -> str:
    """A should-respond answer: RESPOND, IGNORE or STOP."""
    return xml_response(name="agent", reasoning=reasoning, action=action)


def xml_reflection(
    facts: Sequence[str] = (),
    relationships: Sequence[tuple[str, str, Sequence[str]]] = (),
    thought: str = "Reflecting on the conversation.",
) -> str:
    """A REFLECTION answer with new facts and ``(source id, target id, tags)`` relationships (nested XML)."""
    return xml_response(
        thought=thought,
        facts={
            "fact": [{"claim": claim, "type": "fact", "in_bio": "false", "already_known": "false"} for claim in facts]
        },
        relationships={
            "relationship": [
                {"sourceEntityId": source, "targetEntityId": target, "tags": ",".join(tags)}
                for source, target, tags in relationships
            ]
        },
    )
