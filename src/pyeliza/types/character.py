"""Character (agent definition) and Agent, compatible with elizaOS character JSON."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, ValidationError, field_validator

from ..errors import CharacterError
from ._base import ElizaModel, OpenElizaModel
from .content import Content
from .ids import UUID


class MessageExample(OpenElizaModel):
    name: str
    content: Content


class KnowledgePath(ElizaModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    shared: bool | None = None


class KnowledgeDirectory(ElizaModel):
    model_config = ConfigDict(extra="forbid")
    directory: str
    shared: bool | None = None


class Style(ElizaModel):
    model_config = ConfigDict(extra="forbid")
    all: list[str] | None = None
    chat: list[str] | None = None
    post: list[str] | None = None


class Character(ElizaModel):
    """An agent definition. Unknown top-level keys are rejected, as elizaOS does."""

    model_config = ConfigDict(extra="forbid")

    id: UUID | None = None
    name: str = Field(min_length=1)
    username: str | None = None
    system: str | None = None
    templates: dict[str, str] | None = None
    bio: str | list[str]
    message_examples: list[list[MessageExample]] | None = None
    post_examples: list[str] | None = None
    topics: list[str] | None = None
    adjectives: list[str] | None = None
    knowledge: list[str | KnowledgePath | KnowledgeDirectory] | None = None
    plugins: list[str] | None = None
    settings: dict[str, Any] | None = None
    secrets: dict[str, str | int | float | bool] | None = None
    style: Style | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    def bio_lines(self) -> list[str]:
        return [self.bio] if isinstance(self.bio, str) else list(self.bio)


class Agent(Character):
    """A persisted agent: a character plus status and timestamps (ms)."""

    enabled: bool = True
    status: str | None = None
    created_at: int | None = None
    updated_at: int | None = None


def _format_location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<root>"


def _short_reason(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "string_type":
        return "expected string"
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        return "unknown field"
    return str(error.get("msg", kind))


def character_error(exc: ValidationError, source: str) -> CharacterError:
    """Turn a validation error into one readable message naming the source and each field path."""
    seen: dict[str, str] = {}
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("str", "list["))))
        key = _format_location(loc)
        seen.setdefault(key, _short_reason(dict(err)))
    deepest = {
        path: reason
        for path, reason in seen.items()
        if not any(other != path and other.startswith((path + "[", path + ".")) for other in seen)
    }
    lines = "; ".join(f"{path}: {reason}" for path, reason in deepest.items())
    return CharacterError(f"{source}: invalid character: {lines}")


def parse_character(data: object, source: str = "<character>") -> Character:
    """Validate a character object; errors name ``source`` and the field path (``bio[2]: expected string``)."""
    if not isinstance(data, dict):
        raise CharacterError(f"{source}: a character must be a JSON object, got {type(data).__name__}")
    try:
        return Character.model_validate(data)
    except ValidationError as exc:
        raise character_error(exc, source) from exc
