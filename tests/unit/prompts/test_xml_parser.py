"""Response parsing: the reference flat parser, the nested tree parser and XML/JSON responses."""

from __future__ import annotations

import pytest

from pyeliza.prompts import as_list, parse_key_value_xml, parse_response, parse_xml_tree

REFERENCE_EXAMPLE = (
    "<response><thought>hi</thought><facts><fact><claim>a</claim></fact></facts><actions>REPLY,"
    " SEND_MESSAGE</actions><simple>true</simple></response>"
)


def test_reference_example() -> None:
    assert parse_key_value_xml(REFERENCE_EXAMPLE) == {
        "thought": "hi",
        "facts": "<fact><claim>a</claim></fact>",
        "actions": ["REPLY", "SEND_MESSAGE"],
        "simple": True,
    }


def test_flat_parser_details() -> None:
    text = 'prose <response><text a="1">a &lt;b&gt; &amp;amp;</text><br/><providers></providers>'
    text += "<actions>A,,B</actions><x>1</x><x>2</x><open>never closed</response>"
    assert parse_key_value_xml(text) == {"text": "a <b> &amp;", "providers": [], "actions": ["A", "", "B"], "x": "2"}


def test_flat_parser_without_wrapper_uses_first_element() -> None:
    assert parse_key_value_xml("<out><a>1</a></out>") == {"a": "1"}
    assert parse_key_value_xml("<thought>x</thought><text>y</text>") is None


@pytest.mark.parametrize("garbage", ["", "no xml here", "<<>>", "<a>unclosed", "</a>"])
def test_garbage_gives_none(garbage: str) -> None:
    assert parse_key_value_xml(garbage) is None
    assert parse_xml_tree(garbage) is None
    assert parse_response(garbage) is None


def test_tree_parses_nested_facts_and_relationships() -> None:
    text = """Sure! ```xml
<think>I should <b>not</b> appear</think>
<response>
  <thought>ok</thought>
  <facts>
    <fact><claim>likes tea</claim><type>fact</type></fact>
    <fact><claim>is tired</claim><type>status</type></fact>
  </facts>
  <relationships><relationship type="x"><tags>friend, colleague</tags></relationship></relationships>
</response>
```"""
    tree = parse_xml_tree(text)
    assert tree is not None
    assert tree["thought"] == "ok"
    assert [fact["claim"] for fact in tree["facts"]["fact"]] == ["likes tea", "is tired"]
    assert as_list(tree["relationships"]["relationship"]) == [{"tags": "friend, colleague"}]
    assert "think" not in tree


def test_tree_keeps_prose_with_markup_as_text() -> None:
    tree = parse_xml_tree("<response><text>Use <b>bold</b> &amp; a < b</text><note>x <i>y</i></note></response>")
    assert tree == {"text": "Use <b>bold</b> & a < b", "note": "x <i>y</i>"}


def test_tree_without_wrapper() -> None:
    assert parse_xml_tree("<thought>x</thought>\n<text>y</text>") == {"thought": "x", "text": "y"}
    assert parse_xml_tree("<output><a>1</a><a>2</a></output>") == {"a": ["1", "2"]}
    assert parse_xml_tree("<text>only</text>") == {"text": "only"}


def test_as_list() -> None:
    assert as_list(None) == []
    assert as_list({"a": 1}) == [{"a": 1}]
    assert as_list([1, 2]) == [1, 2]


def test_parse_response_xml_normalises_keys() -> None:
    parsed = parse_response("<response><actions>REPLY, MUTE_ROOM</actions><simple>TRUE</simple></response>")
    assert parsed == {"actions": ["REPLY", "MUTE_ROOM"], "simple": True}


def test_parse_response_accepts_json() -> None:
    text = 'Here you go:\n```json\n{"thought": "t", "actions": "REPLY", "text": "hi", "simple": "false"}\n```'
    assert parse_response(text) == {"thought": "t", "actions": ["REPLY"], "text": "hi", "simple": False}
    assert parse_response('{"actions": ["A", "B"], "providers": []}') == {"actions": ["A", "B"], "providers": []}
