"""A real HTTP server on 127.0.0.1 that speaks the OpenAI wire format, with scripted faults.

Tests queue faults (``server.enqueue(Status(429, retry_after="1"), ...)``); each request takes the next one, and
requests with an empty queue get a normal answer. Every request is recorded for assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web


@dataclass(frozen=True)
class Status:
    """Answer with this HTTP status and a provider-style error body."""

    status: int
    message: str = "scripted failure"
    retry_after: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hang:
    """Do not answer for ``seconds`` (or until the server closes)."""

    seconds: float = 30.0


@dataclass(frozen=True)
class RawBody:
    """Answer 200 with this body verbatim (e.g. malformed JSON)."""

    text: str
    content_type: str = "application/json"


@dataclass(frozen=True)
class Reply:
    """Answer normally, with this text as the model's output."""

    text: str


@dataclass(frozen=True)
class CutStream:
    """Stream ``after`` deltas, then drop the connection mid-body."""

    after: int = 2


Fault = Status | Hang | RawBody | Reply | CutStream


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    json: Any = None
    form: dict[str, Any] = field(default_factory=dict)
    client_port: int = 0  # the caller's TCP port: equal ports mean a reused connection


def count_tokens(text: str) -> int:
    """The fake's tokenizer: one token per whitespace-separated word."""
    return len(text.split())


def fake_vector(text: str, dimensions: int) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    raw = [digest[i % len(digest)] - 127.5 for i in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


class ScriptedServer:
    """The scripted-fault machinery shared by the OpenAI and Anthropic fakes."""

    def __init__(self, reply: str = "Hello from the fake model") -> None:
        self.reply = reply
        self.requests: list[RecordedRequest] = []
        self.script: deque[Fault] = deque()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def enqueue(self, *faults: Fault) -> None:
        self.script.extend(faults)

    def routes(self) -> list[web.RouteDef]:
        return []

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> Self:
        app = web.Application()
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        addresses = self._runner.addresses
        self.port = int(addresses[0][1])
        return self

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def record(self, request: web.Request) -> RecordedRequest:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        recorded = RecordedRequest(
            request.method,
            request.path,
            {k.lower(): v for k, v in request.headers.items()},
            client_port=int(peer[1]) if peer else 0,
        )
        if request.content_type == "application/json":
            recorded.json = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            for key, value in form.items():
                recorded.form[key] = value.file.read() if isinstance(value, web.FileField) else value
        self.requests.append(recorded)
        return recorded

    async def next_fault(self) -> Fault | None:
        """Pop the next scripted fault; a Hang is served here (the caller then answers normally)."""
        if not self.script:
            return None
        fault = self.script.popleft()
        if isinstance(fault, Hang):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.seconds)
        return fault

    def error_body(self, fault: Status) -> dict[str, Any]:
        return {"error": {"message": fault.message, "type": "scripted", "code": fault.status}}

    def fault_response(self, fault: Fault | None) -> web.StreamResponse | None:
        if isinstance(fault, Status):
            headers = dict(fault.headers)
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
            return web.json_response(self.error_body(fault), status=fault.status, headers=headers)
        if isinstance(fault, RawBody):
            return web.Response(text=fault.text, content_type=fault.content_type)
        return None

    def reply_text(self, fault: Fault | None) -> str:
        return fault.text if isinstance(fault, Reply) else self.reply


async def send_sse(request: web.Request, events: list[bytes], cut_after: int | None) -> web.StreamResponse:
    """Write server-sent events; with ``cut_after`` drop the connection after that many events."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    for index, event in enumerate(events):
        if cut_after is not None and index >= cut_after:
            assert request.transport is not None
            request.transport.abort()
            return response
        await response.write(event)
    await response.write_eof()
    return response


def words_of(text: str) -> list[str]:
    """Split a reply into stream deltas that join back to the exact text."""
    parts = text.split(" ")
    return [part if i == 0 else " " + part for i, part in enumerate(parts)]


class FakeOpenAI(ScriptedServer):
    """Chat completions (plain and SSE), embeddings, speech, transcription and image generation."""

    def __init__(self, reply: str = "Hello from the fake model", embedding_dimensions: int = 1536) -> None:
        super().__init__(reply)
        self.embedding_dimensions = embedding_dimensions
        self.files: dict[str, bytes] = {}

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/v1/chat/completions", self.chat_completions),
            web.post("/v1/embeddings", self.embeddings),
            web.post("/v1/audio/speech", self.speech),
            web.post("/v1/audio/transcriptions", self.transcriptions),
            web.post("/v1/images/generations", self.images),
            web.get("/files/{name}", self.download),
        ]

    async def chat_completions(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record(request)
        fault = await self.next_fault()
        failure = self.fault_response(fault)
        if failure is not None:
            return failure
        body = recorded.json
        text = self.reply_text(fault)
        prompt_tokens = sum(count_tokens(_content_text(m.get("content"))) for m in body["messages"])
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": count_tokens(text),
            "total_tokens": prompt_tokens + count_tokens(text),
        }
        base = {"id": "chatcmpl-fake", "created": int(time.time()), "model": body["model"]}
        if not body.get("stream"):
            choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            return web.json_response({**base, "object": "chat.completion", "choices": [choice], "usage": usage})
        chunk = {**base, "object": "chat.completion.chunk"}
        events = [
            sse_event({**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": word}}]})
            for word in words_of(text)
        ]
        events.append(sse_event({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append(sse_event({**chunk, "choices": [], "usage": usage}))
        events.append(b"data: [DONE]\n\n")
        cut = fault.after if isinstance(fault, CutStream) else None
        return await send_sse(request, events, cut)

    async def embeddings(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record(request)
        failure = self.fault_response(await self.next_fault())
        if failure is not None:
            return failure
        body = recorded.json
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dimensions = body.get("dimensions", self.embedding_dimensions)
        data = [
            {"object": "embedding", "index": i, "embedding": fake_vector(str(text), dimensions)}
            for i, text in enumerate(inputs)
        ]
        tokens = sum(count_tokens(str(text)) for text in inputs)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return web.json_response({"object": "list", "data": data, "model": body["model"], "usage": usage})

    async def speech(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record(request)
        failure = self.fault_response(await self.next_fault())
        if failure is not None:
            return failure
        audio = b"FAKEAUDIO:" + recorded.json["input"].encode()
        return web.Response(body=audio, content_type="audio/mpeg")

    async def transcriptions(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record(request)
        failure = self.fault_response(await self.next_fault())
        if failure is not None:
            return failure
        audio = recorded.form.get("file", b"")
        return web.json_response({"text": f"{self.reply} ({len(audio)} bytes)"})

    async def images(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record(request)
        failure = self.fault_response(await self.next_fault())
        if failure is not None:
            return failure
        count = recorded.json.get("n", 1)
        data = [{"url": f"{self.root_url}/files/image-{i}.png"} for i in range(count)]
        return web.json_response({"created": int(time.time()), "data": data})

    async def download(self, request: web.Request) -> web.StreamResponse:
        await self.record(request)
        failure = self.fault_response(await self.next_fault())
        if failure is not None:
            return failure
        content = self.files.get(request.match_info["name"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="application/octet-stream")


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def sse_event(payload: dict[str, Any], event: str | None = None) -> bytes:
    prefix = f"event: {event}\n" if event else ""
    return f"{prefix}data: {json.dumps(payload)}\n\n".encode()
