"""Base classes for the data model: snake_case fields that also accept elizaOS camelCase JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ElizaModel(BaseModel):
    """A data model that reads and writes the camelCase JSON of elizaOS and exposes snake_case fields."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        validate_assignment=False,
        arbitrary_types_allowed=False,
    )

    def to_json_dict(self) -> dict[str, Any]:
        """The elizaOS wire form: camelCase keys, unset optional fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class OpenElizaModel(ElizaModel):
    """A model that keeps keys it does not know (elizaOS content and metadata are open objects)."""

    model_config = ConfigDict(extra="allow")
