"""Streaming extractors fed one character at a time and in odd splits."""

from __future__ import annotations

import pytest

from pyeliza.errors import InvalidInputError
from pyeliza.prompts import ActionStreamFilter, ResponseStreamExtractor, XmlTagExtractor
from pyeliza.prompts.streaming import MAX_CHUNK_CHARS

HANDLER_OUTPUT = (
    "<response><thought>hmm</thought><actions>REPLY</actions><providers></providers>"
    "<text>Hello &amp; welcome, friend!</text></response>"
)


def _feed(extractor: XmlTagExtractor | ResponseStreamExtractor | ActionStreamFilter, text: str, step: int) -> str:
    return "".join(extractor.push(text[i : i + step]) for i in range(0, len(text), step))


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1000])
def test_xml_tag_extractor_never_leaks_the_closing_tag(step: int) -> None:
    extractor = XmlTagExtractor("text")
    assert _feed(extractor, HANDLER_OUTPUT, step) == "Hello & welcome, friend!"
    assert extractor.done


def test_xml_tag_extractor_streams_before_the_end_and_flushes() -> None:
    extractor = XmlTagExtractor("text")
    assert extractor.push('<text lang="en">' + "a" * 50) == "a" * 40
    assert extractor.flush() == "a" * 10
    assert extractor.done


@pytest.mark.parametrize("step", [1, 5, 1000])
def test_response_extractor_streams_text_for_reply(step: int) -> None:
    extractor = ResponseStreamExtractor()
    assert _feed(extractor, HANDLER_OUTPUT, step) == "Hello & welcome, friend!"
    assert extractor.done and extractor.streams_text


def test_response_extractor_waits_for_actions_even_when_text_comes_first() -> None:
    extractor = ResponseStreamExtractor()
    assert extractor.push("<response><text>early words here</text>") == ""
    assert extractor.push("<actions>REPLY</actions></response>") == "early words here"


def test_response_extractor_is_silent_for_other_actions() -> None:
    extractor = ResponseStreamExtractor()
    assert _feed(extractor, HANDLER_OUTPUT.replace(">REPLY<", ">REPLY,SEND_MESSAGE<"), 4) == ""
    assert extractor.done and not extractor.streams_text


def test_action_filter_modes() -> None:
    stream_filter = ActionStreamFilter()
    assert _feed(stream_filter, '  {"a": 1}', 2) == ""
    stream_filter.reset()
    assert _feed(stream_filter, "\n<response><text>shown</text></response>", 3) == "shown"
    stream_filter.reset()
    assert _feed(stream_filter, "  plain words", 4) == "plain words"


def test_oversized_chunk_is_rejected() -> None:
    with pytest.raises(InvalidInputError):
        XmlTagExtractor("text").push("x" * (MAX_CHUNK_CHARS + 1))
