"""Deterministic model handlers for tests: a scripted text model and the stub embedding."""

from __future__ import annotations

import hashlib
import inspect
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelResponseError
from ..types import TextEmbeddingParams

if TYPE_CHECKING:
    from ..runtime import AgentRuntime

STUB_EMBEDDING_DIMENSION = 384

Responder = Callable[[str], Any] | Callable[[str], Awaitable[Any]]


def stub_vector(text: str | None) -> list[float]:
    """Deterministic unit vector of 384 floats seeded from sha256(text); no text gives zeros (the dimension probe)."""
    if not text:
        return [0.0] * STUB_EMBEDDING_DIMENSION
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(STUB_EMBEDDING_DIMENSION)
    vector /= np.linalg.norm(vector)
    return [float(x) for x in vector]


async def stub_embedding(runtime: AgentRuntime, params: TextEmbeddingParams | None) -> list[float]:
    """A TEXT_EMBEDDING handler returning :func:`stub_vector` of the text."""
    return stub_vector(params.text if params is not None else None)


class ScriptedModel:
    """A model handler that answers from a script and records every call.

    ``ScriptedModel(["first answer", "second answer"])`` answers in order (a :class:`ModelResponseError` when
    the script runs out); ``ScriptedModel(lambda prompt: ...)`` answers with a function of the prompt (sync or
    async). ``calls`` holds the params of each call, ``prompts`` their prompt texts.
    """

    def __init__(self, script: Iterable[Any] | Responder) -> None:
        self._responder: Responder | None = script if callable(script) else None
        self._queue: deque[Any] = deque() if callable(script) else deque(script)
        self.calls: list[Any] = []

    @property
    def prompts(self) -> list[str]:
        return [str(getattr(call, "prompt", call)) for call in self.calls]

    @property
    def remaining(self) -> int:
        """Scripted answers not used yet."""
        return len(self._queue)

    def add(self, *responses: Any) -> None:
        """Append answers to the script."""
        self._queue.extend(responses)

    async def __call__(self, runtime: AgentRuntime, params: Any) -> Any:
        self.calls.append(params)
        prompt = getattr(params, "prompt", None)
        text = prompt if isinstance(prompt, str) else str(params)
        if self._responder is not None:
            answer = self._responder(text)
            return await answer if inspect.isawaitable(answer) else answer
        if not self._queue:
            raise ModelResponseError(f"ScriptedModel has no answer left for call {len(self.calls)}: {text[:80]!r}")
        return self._queue.popleft()
