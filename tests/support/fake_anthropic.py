"""A real HTTP server on 127.0.0.1 that speaks the Anthropic Messages API (plain and SSE), with scripted faults."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.support.fake_openai import CutStream, ScriptedServer, Status, count_tokens, send_sse, sse_event, words_of

_ERROR_TYPES = {429: "rate_limit_error", 500: "api_error", 529: "overloaded_error", 401: "authentication_error"}


class FakeAnthropic(ScriptedServer):
    """``POST /v1/messages``: a message, or its event stream (message_start ... message_stop)."""

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/messages", self.messages)]

    def error_body(self, fault: Status) -> dict[str, Any]:
        kind = _ERROR_TYPES.get(fault.status, "invalid_request_error")
        return {"type": "error", "error": {"type": kind, "message": fault.message}}

    async def messages(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record(request)
        fault = await self.next_fault()
        failure = self.fault_response(fault)
        if failure is not None:
            return failure
        body = recorded.json
        text = self.reply_text(fault)
        input_tokens = count_tokens(_system_text(body.get("system"))) + sum(
            count_tokens(_content_text(m.get("content"))) for m in body["messages"]
        )
        output_tokens = count_tokens(text)
        message = {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "stop_sequence": None,
        }
        if not body.get("stream"):
            return web.json_response(
                {
                    **message,
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": "end_turn",
                    "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
                }
            )
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": 1},
        }
        events = [
            sse_event({"type": "message_start", "message": start}, "message_start"),
            sse_event(
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                "content_block_start",
            ),
            sse_event({"type": "ping"}, "ping"),
        ]
        events.extend(
            sse_event(
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}},
                "content_block_delta",
            )
            for word in words_of(text)
        )
        events.append(sse_event({"type": "content_block_stop", "index": 0}, "content_block_stop"))
        events.append(
            sse_event(
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {"output_tokens": output_tokens},
                },
                "message_delta",
            )
        )
        events.append(sse_event({"type": "message_stop"}, "message_stop"))
        cut = fault.after + 3 if isinstance(fault, CutStream) else None

        return await send_sse(request, events, cut)


def _system_text(system: Any) -> str:
    if isinstance(system, list):
        return " ".join(block.get("text", "") for block in system if isinstance(block, dict))
    return system or ""


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(block.get("text", "") for block in content if isinstance(block, dict))
    return ""
