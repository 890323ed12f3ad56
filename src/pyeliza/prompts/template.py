"""A small Handlebars-compatible renderer for prompt templates (no HTML escaping).

Supported: ``{{path}}`` and ``{{{path}}}``, ``{{#if x}}…{{else}}…{{/if}}``, ``{{#unless x}}``,
``{{#each list}}…{{this}}…{{@index}}…{{else}}…{{/each}}``, dotted paths, ``{{! comments }}``.
Compiled templates are cached by their source string because every message renders the same few templates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import InvalidInputError

_TAG = re.compile(r"\{\{(\{?)(.*?)\}?\}\}", re.DOTALL)
_NAME_PLACEHOLDER = re.compile(r"^name(?:10|[1-9])$")


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Var:
    path: str


@dataclass
class _Block:
    kind: str
    path: str
    body: list[_Node] = field(default_factory=list)
    alternative: list[_Node] = field(default_factory=list)
    in_alternative: bool = False

    def append(self, node: _Node) -> None:
        (self.alternative if self.in_alternative else self.body).append(node)


_Node = _Text | _Var | _Block
_BLOCK_KINDS = ("if", "unless", "each", "with")


class CompiledTemplate:
    """A parsed template; ``render(context)`` is cheap and thread-safe (the tree is never mutated)."""

    def __init__(self, nodes: list[_Node]) -> None:
        self._nodes = nodes

    def render(self, context: Mapping[str, Any]) -> str:
        parts: list[str] = []
        _render_nodes(self._nodes, [context], parts)
        return "".join(parts)


@lru_cache(maxsize=512)
def compile_template(source: str) -> CompiledTemplate:
    """Parse ``source`` once; raises :class:`InvalidInputError` naming an unbalanced or unknown block."""
    root = _Block(kind="root", path="")
    stack: list[_Block] = [root]
    position = 0
    for match in _TAG.finditer(source):
        if match.start() > position:
            stack[-1].append(_Text(source[position : match.start()]))
        position = match.end()
        expression = match.group(2).strip()
        _compile_tag(expression, stack, match.start())
    if position < len(source):
        stack[-1].append(_Text(source[position:]))
    if len(stack) > 1:
        raise InvalidInputError(f"template block {{{{#{stack[-1].kind} {stack[-1].path}}}}} is never closed")
    return CompiledTemplate(root.body)


def _compile_tag(expression: str, stack: list[_Block], offset: int) -> None:
    if expression.startswith("!"):
        return
    if expression.startswith("#"):
        kind, _, path = expression[1:].partition(" ")
        if kind not in _BLOCK_KINDS:
            raise InvalidInputError(f"unknown template block {{{{#{kind}}}}} at character {offset}")
        block = _Block(kind=kind, path=path.strip())
        stack[-1].append(block)
        stack.append(block)
        return
    if expression.startswith("/"):
        kind = expression[1:].strip()
        if len(stack) == 1 or stack[-1].kind != kind:
            raise InvalidInputError(f"template closes {{{{/{kind}}}}} at character {offset} without a matching open")
        stack.pop()
        return
    if expression == "else" and len(stack) > 1:
        stack[-1].in_alternative = True
        return
    stack[-1].append(_Var(expression))


def _lookup(path: str, scopes: list[Any]) -> tuple[bool, Any]:
    """Resolve ``path`` against the scopes, innermost first; returns ``(found, value)``."""
    if path in ("this", "."):
        return True, scopes[-1]
    if path.startswith("this."):
        return _walk(scopes[-1], path[5:].split("."))
    parts = path.split(".")
    for scope in reversed(scopes):
        found, value = _walk(scope, parts)
        if found:
            return True, value
    return False, None


def _walk(value: Any, parts: Sequence[str]) -> tuple[bool, Any]:
    for part in parts:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif hasattr(value, "__dict__") and not isinstance(value, type) and part in vars(value):
            value = vars(value)[part]
        else:
            return False, None
    return True, value


def _truthy(value: Any) -> bool:
    return value is not None and value is not False and value != "" and value != 0 and value != [] and value != ()


def to_template_string(value: Any) -> str:
    """JavaScript-like string conversion: lists comma-joined, integral floats without ``.0``, objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ",".join(to_template_string(item) for item in value)
    if isinstance(value, Mapping):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def _render_nodes(nodes: list[_Node], scopes: list[Any], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Var):
            found, value = _lookup(node.path, scopes)
            if found:
                out.append(to_template_string(value))
            elif _NAME_PLACEHOLDER.match(node.path):
                out.append("{{" + node.path + "}}")
        else:
            _render_block(node, scopes, out)


def _render_block(block: _Block, scopes: list[Any], out: list[str]) -> None:
    _, value = _lookup(block.path, scopes)
    if block.kind == "if":
        _render_nodes(block.body if _truthy(value) else block.alternative, scopes, out)
    elif block.kind == "unless":
        _render_nodes(block.alternative if _truthy(value) else block.body, scopes, out)
    elif block.kind == "with":
        if _truthy(value):
            _render_nodes(block.body, [*scopes, value], out)
        else:
            _render_nodes(block.alternative, scopes, out)
    else:
        items = list(value.values()) if isinstance(value, Mapping) else value
        if not isinstance(items, list | tuple) or not items:
            _render_nodes(block.alternative, scopes, out)
            return
        last = len(items) - 1
        for index, item in enumerate(items):
            meta = {"@index": index, "@first": index == 0, "@last": index == last}
            _render_nodes(block.body, [*scopes, meta, item], out)
