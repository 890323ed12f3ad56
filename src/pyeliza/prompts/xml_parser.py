"""Parsers for the XML blocks models answer with.

``parse_key_value_xml`` is the reference's flat parser, kept exactly (nested children stay raw XML strings).
``parse_xml_tree`` is the fix of reference weak spot §10.27: nested elements become dicts, repeated siblings
become lists, so reflection facts, role assignments and target identifiers can actually be read.
``parse_response`` accepts either XML or a JSON object and normalises the keys the pipeline reads.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any, NamedTuple

from .parsing import parse_json_object

_OPEN_TAG = re.compile(r"<([A-Za-z0-9_-]+)((?:\s[^<>]*)?)>")
_THINK_BLOCK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FLAT_ELEMENT = re.compile(r"\s*<([A-Za-z0-9_-]+)>([^<]*)</\1>")
_LIST_KEYS = frozenset({"actions", "providers", "evaluators"})
DEFAULT_RAW_KEYS: frozenset[str] = frozenset({"text", "thought", "reasoning", "post", "message", "description"})
"""Keys whose content is prose: kept as text even when it contains markup."""


class _Element(NamedTuple):
    name: str
    start: int
    inner_start: int
    inner_end: int
    end: int


@lru_cache(maxsize=256)
def _same_name_tags(name: str) -> re.Pattern[str]:
    return re.compile(r"<(/?)" + re.escape(name) + r"(?:\s[^<>]*)?>")


def _next_element(text: str, position: int) -> _Element | None:
    """The next balanced element at or after ``position``; self-closing and unbalanced tags are skipped."""
    while True:
        opening = _OPEN_TAG.search(text, position)
        if opening is None:
            return None
        if opening.group(2).rstrip().endswith("/"):
            position = opening.end()
            continue
        depth = 1
        for tag in _same_name_tags(opening.group(1)).finditer(text, opening.end()):
            if tag.group(1):
                depth -= 1
                if depth == 0:
                    return _Element(opening.group(1), opening.start(), opening.end(), tag.start(), tag.end())
            elif not tag.group(0).endswith("/>"):
                depth += 1
        position = opening.end()


def _children(text: str) -> list[_Element]:
    found: list[_Element] = []
    position = 0
    while (element := _next_element(text, position)) is not None:
        found.append(element)
        position = element.end
    return found


def unescape_xml(text: str) -> str:
    """Undo the five predefined XML entities (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    if "&" not in text:
        return text
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _response_body(text: str) -> str | None:
    start = text.find("<response>")
    if start != -1:
        end = text.find("</response>", start)
        if end != -1:
            return text[start + len("<response>") : end]
    first = _next_element(text, 0)
    return None if first is None else text[first.inner_start : first.inner_end]


def parse_key_value_xml(text: str | None) -> dict[str, Any] | None:
    """The reference response parser: direct children of ``<response>`` (or the first element) as strings.

    ``actions``/``providers``/``evaluators`` become lists split on commas, ``simple`` a boolean; nested
    children stay raw XML strings; ``None`` when there is no element with children.
    """
    if not text:
        return None
    body = _response_body(text)
    if body is None:
        return None
    result: dict[str, Any] = {}
    for child in _children(body):
        value = unescape_xml(body[child.inner_start : child.inner_end]).strip()
        if child.name in _LIST_KEYS:
            result[child.name] = [item.strip() for item in value.split(",")] if value else []
        elif child.name == "simple":
            result[child.name] = value.lower() == "true"
        else:
            result[child.name] = value
    return result or None


def _element_value(inner: str, raw: bool, raw_keys: frozenset[str]) -> Any:
    elements = [] if raw or "<" not in inner else _children(inner)
    if not elements:
        return unescape_xml(inner).strip()
    gaps = [inner[: elements[0].start], inner[elements[-1].end :]]
    gaps += [inner[before.end : after.start] for before, after in itertools.pairwise(elements)]
    if any(gap.strip() for gap in gaps):
        return unescape_xml(inner).strip()
    return _tree_of(inner, elements, raw_keys)


def _tree_of(text: str, elements: list[_Element], raw_keys: frozenset[str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    repeated: set[str] = set()
    for element in elements:
        value = _element_value(text[element.inner_start : element.inner_end], element.name in raw_keys, raw_keys)
        if element.name not in tree:
            tree[element.name] = value
        elif element.name in repeated:
            tree[element.name].append(value)
        else:
            tree[element.name] = [tree[element.name], value]
            repeated.add(element.name)
    return tree


def _flat_tree(text: str) -> dict[str, Any] | None:
    """The tree of ``text`` when it is only distinct leaf elements without attributes, separated by whitespace
    (the usual model answer), read in one pass; ``None`` for anything else (the general parser decides)."""
    tree: dict[str, Any] = {}
    position = 0
    while (element := _FLAT_ELEMENT.match(text, position)) is not None:
        name = element.group(1)
        if name in tree:
            return None
        tree[name] = unescape_xml(element.group(2)).strip()
        position = element.end()
    if not tree or text[position:].strip():
        return None
    return tree


def parse_xml_tree(text: str | None, *, raw_keys: frozenset[str] = DEFAULT_RAW_KEYS) -> dict[str, Any] | None:
    """Parse a model's XML answer into nested dicts; repeated sibling tags become lists.

    Tolerates leading prose, code fences, ``<think>`` blocks, attributes and a missing ``<response>``
    wrapper. Leaf text is unescaped and trimmed; elements in ``raw_keys`` or with mixed content stay text.
    Returns ``None`` when no element is found.
    """
    if not text:
        return None
    cleaned = _THINK_BLOCK.sub("", text) if "<think" in text.lower() else text
    if "<!--" in cleaned:
        cleaned = _COMMENT.sub("", cleaned)
    start = cleaned.find("<response>")
    end = cleaned.rfind("</response>")
    if start != -1 and end > start:
        cleaned = cleaned[start + len("<response>") : end]
    flat = _flat_tree(cleaned)
    if flat is not None:
        return flat
    elements = _children(cleaned)
    if not elements:
        return None
    if len(elements) == 1 and elements[0].name not in raw_keys:
        only = elements[0]
        inner = cleaned[only.inner_start : only.inner_end]
        nested = _children(inner)
        if nested:
            value = _element_value(inner, False, raw_keys)
            if isinstance(value, dict):
                return value
    return _tree_of(cleaned, elements, raw_keys)


def as_list(value: Any) -> list[Any]:
    """A tree value as a list: ``None`` → ``[]``, a single dict or string → ``[value]``, a list unchanged.

    Handy for ``tree["facts"]["fact"]``, which is a dict for one fact and a list for several.
    """
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


def _name_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, dict):
        return [name for item in value.values() for name in _name_list(item)]
    if isinstance(value, list):
        return [name for item in value for name in _name_list(item)]
    return []


def normalise_response(fields: dict[str, Any]) -> dict[str, Any]:
    """Apply the pipeline's conventions: name lists for actions/providers/evaluators, ``simple`` as bool."""
    result = dict(fields)
    for key in _LIST_KEYS & result.keys():
        result[key] = _name_list(result[key])
    if "simple" in result and not isinstance(result["simple"], bool):
        result["simple"] = str(result["simple"]).strip().lower() == "true"
    return result


def parse_response(text: str | None) -> dict[str, Any] | None:
    """A model answer as a dict: the XML tree if there is one, else a JSON object; ``None`` for garbage."""
    if not text:
        return None
    tree = parse_xml_tree(text)
    if tree is None:
        tree = parse_json_object(text)
    return None if tree is None else normalise_response(tree)
