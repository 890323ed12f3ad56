"""Lenient conversion of handler parameters: typed models, plain dicts (snake or camel case) or a bare string."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pyeliza.errors import InvalidInputError

M = TypeVar("M", bound=BaseModel)


def coerce_params(params: Any, model: type[M], model_type: str, *, string_field: str | None = None) -> M:
    """Return ``params`` as ``model``; a bare string fills ``string_field``. Bad input names the model type."""
    if isinstance(params, model):
        return params
    if isinstance(params, BaseModel):
        params = params.model_dump(by_alias=False)
    if isinstance(params, str) and string_field is not None:
        params = {string_field: params}
    if not isinstance(params, Mapping):
        raise InvalidInputError(f"{model_type} expects {model.__name__} or a dict, got {type(params).__name__}")
    try:
        return model.model_validate(dict(params))
    except ValidationError as exc:
        raise InvalidInputError(f"invalid parameters for {model_type}: {exc}") from exc
