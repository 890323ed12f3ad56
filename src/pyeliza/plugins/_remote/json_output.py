"""Structured output of the OBJECT models: find the JSON in a model's text and check it against the request.

The schema check covers the JSON Schema keywords model prompts use in practice (``type``, ``properties``,
``required``, ``items``, ``enum``); it is a guard against malformed answers, not a full validator.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pyeliza.types import ObjectGenerationParams


class InvalidModelOutput(ValueError):
    """The model's answer is not the JSON that was asked for; the message says why."""


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)

_TYPE_CHECKS: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
    "null": type(None),
}


def extract_json(text: str) -> Any:
    """Parse the JSON value in ``text``: the whole text, a fenced block, or the outermost ``{...}``/``[...]``."""
    stripped = text.strip()
    candidates = [stripped]
    candidates.extend(match.group(1).strip() for match in _FENCE.finditer(text))
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = stripped.find(opener), stripped.rfind(closer)
        if 0 <= start < end:
            candidates.append(stripped[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    preview = stripped[:80] + ("..." if len(stripped) > 80 else "")
    raise InvalidModelOutput(f"no valid JSON found in the model's answer {preview!r}")


def schema_problems(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema``, as readable strings (empty when it conforms)."""
    problems: list[str] = []
    expected = schema.get("type")
    if expected is not None:
        names = expected if isinstance(expected, list) else [expected]
        if not any(_is_type(value, name) for name in names):
            return [f"{path} should be {' or '.join(names)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path} should be one of {schema['enum']!r}, got {value!r}")
    if isinstance(value, dict):
        problems.extend(f"{path}.{key} is required" for key in schema.get("required", []) if key not in value)
        for key, sub_schema in (schema.get("properties") or {}).items():
            if key in value and isinstance(sub_schema, dict):
                problems.extend(schema_problems(value[key], sub_schema, f"{path}.{key}"))
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            problems.extend(schema_problems(item, schema["items"], f"{path}[{index}]"))
    return problems


def _is_type(value: Any, name: str) -> bool:
    check = _TYPE_CHECKS.get(name)
    if check is None:
        return True
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, check)


def parse_object_output(text: str, params: ObjectGenerationParams) -> Any:
    """The validated value of an OBJECT model answer for ``params`` (object, array or enum string)."""
    if params.output == "enum":
        choice = text.strip().strip("\"'`").strip()
        if params.enum_values and choice not in params.enum_values:
            raise InvalidModelOutput(f"answer {choice!r} is not one of {params.enum_values!r}")
        return choice
    value = extract_json(text)
    if params.output == "array":
        if not isinstance(value, list):
            raise InvalidModelOutput(f"expected a JSON array, got {type(value).__name__}")
        if params.schema_:
            item_schema = (
                params.schema_.get("items", params.schema_) if params.schema_.get("type") == "array" else params.schema_
            )
            problems = [p for i, item in enumerate(value) for p in schema_problems(item, item_schema, f"$[{i}]")]
            _raise_if(problems)
        return value
    if not isinstance(value, dict):
        raise InvalidModelOutput(f"expected a JSON object, got {type(value).__name__}")
    if params.schema_:
        _raise_if(schema_problems(value, params.schema_))
    return value


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise InvalidModelOutput("the answer does not match the schema: " + "; ".join(problems[:5]))


def object_instructions(params: ObjectGenerationParams) -> str:
    """The instruction added to the prompt so the model answers in the requested shape."""
    if params.output == "enum":
        return "Answer with exactly one of these values and nothing else: " + ", ".join(params.enum_values or [])
    shape = "a JSON array" if params.output == "array" else "a single JSON object"
    text = f"Respond with {shape} only, without explanations or code fences."
    if params.schema_:
        text += " It must conform to this JSON schema: " + json.dumps(params.schema_, separators=(",", ":"))
    return text
