"""Streaming: only the reply text reaches ``on_stream_chunk``, keyed by the response id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pyeliza.messaging import DefaultMessageService, response_id_for
from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_reply, xml_response
from pyeliza.types import ModelType, TextStreamResult

from .conftest import CHARACTER


def _streaming(answers: list[str]) -> Any:
    async def handler(runtime: AgentRuntime, params: Any) -> TextStreamResult:
        answer = answers.pop(0)

        async def chunks() -> AsyncIterator[str]:
            for start in range(0, len(answer), 7):
                yield answer[start : start + 7]

        return TextStreamResult(text_stream=chunks())

    return handler


async def _run(answers: list[str]) -> tuple[list[tuple[str, str | None]], str | None, str]:
    streamed: list[tuple[str, str | None]] = []

    async def on_chunk(chunk: str, message_id: str | None) -> None:
        streamed.append((chunk, message_id))

    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin],
        models={ModelType.TEXT_LARGE: _streaming(answers), ModelType.TEXT_SMALL: ScriptedModel([])},
        settings={"PYELIZA_RECOVER_ON_START": "false"},
    ) as runtime:
        conv = await Conversation.start(runtime)
        message = conv.message("stream please")
        service = runtime.message_service
        assert isinstance(service, DefaultMessageService)
        result = await service.handle_message(message, conv.collect, on_stream_chunk=on_chunk)
        reply = result.response_messages[0].content.text if result.response_messages else None
        return streamed, reply, response_id_for(runtime.agent_id, message.id or "")


async def test_simple_reply_streams_its_text() -> None:
    streamed, reply, response_id = await _run([xml_reply("Streaming works, one chunk at a time.")])
    assert "".join(chunk for chunk, _ in streamed) == "Streaming works, one chunk at a time."
    assert reply == "Streaming works, one chunk at a time."
    assert {message_id for _, message_id in streamed} == {response_id}


async def test_reply_action_streams_its_own_text() -> None:
    answers = [xml_reply("plan text", actions=["REPLY", "NONE"]), xml_response(thought="t", text="From the action.")]
    streamed, reply, _ = await _run(answers)
    assert reply == "From the action."
    assert "".join(chunk for chunk, _ in streamed) == "From the action."
