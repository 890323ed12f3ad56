"""Model handlers: registration by priority, ``use_model`` with typed params, streaming and a log row per call."""

from __future__ import annotations

import inspect
import time
from typing import Any

from pydantic import BaseModel

from ..errors import ModelError, ModelNotFoundError, PyElizaError
from ..types import EventType, ModelHandler, ModelResponse, ModelType, TextStreamResult, TokenUsage, now_ms
from ._context import get_streaming_context
from ._core import ModelRecord, logger
from ._model_params import (
    is_text_model,
    merge_text_settings,
    pop_stream_callback,
    prompt_of,
    to_text_params,
    to_typed_params,
)
from ._runs import RunsMixin

_NUMBER_TYPES = frozenset({float, int, bool})


def _is_number_list(value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return False
    # the set of element types is built in C (a 384-float vector per embedding call); subclasses take the slow path
    return set(map(type, value)) <= _NUMBER_TYPES or all(isinstance(x, int | float) for x in value)


def _loggable(value: Any) -> Any:
    """A JSON-friendly form of a model result for the log row (vectors become ``"[array]"``)."""
    if _is_number_list(value):
        return "[array]"
    if isinstance(value, bytes | bytearray):
        return f"[{len(value)} bytes]"
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if value is None or isinstance(value, str | int | float | bool | dict | list):
        return value
    return repr(value)


class ModelsMixin(RunsMixin):
    def register_model(self, model_type: str, handler: ModelHandler, provider: str, priority: int | None = 0) -> None:
        """Add a handler; ``get_model`` picks the highest priority, then the earliest registered."""
        key = str(model_type)
        self._model_counter += 1
        records = self.models.setdefault(key, [])
        records.append(ModelRecord(handler, provider, priority or 0, self._model_counter))
        records.sort(key=lambda r: (-r.priority, r.order))
        logger.debug(
            "agent %s: model %s registered from %s (priority %s)", self.character.name, key, provider, priority
        )

    def _model_record(self, model_key: str, provider: str | None) -> ModelRecord | None:
        records = self.models.get(model_key)
        if not records:
            return None
        if provider:
            for record in records:
                if record.provider == provider:
                    return record
            logger.warning(
                "agent %s: no %s handler from provider %s; using %s",
                self.character.name,
                model_key,
                provider,
                records[0].provider,
            )
        return records[0]

    def get_model(self, model_type: str, provider: str | None = None) -> ModelHandler | None:
        """The handler ``use_model`` would call (the provider's own when given and registered)."""
        record = self._model_record(str(model_type), provider)
        return record.handler if record else None

    def _prepare_params(self, model_key: str, params: Any) -> tuple[Any, Any]:
        """The typed params and the caller's stream callback (``stream`` is decided for text models)."""
        params, callback = pop_stream_callback(params)
        if not is_text_model(model_key):
            return to_typed_params(params, model_key), callback
        text = merge_text_settings(
            to_text_params(params, model_key), self.text_model_settings(model_key), self.character.name
        )
        ambient = get_streaming_context()
        stream = text.stream is not False and (callback is not None or ambient is not None or bool(text.stream))
        if text.stream != stream:
            text = text.model_copy(update={"stream": stream})
        return text, callback

    async def use_model(self, model_type: str, params: Any = None, provider: str | None = None) -> Any:
        """Call the model handler for ``model_type`` and return its plain result.

        ``params`` may be the typed params of the model type, a dict, a string (the prompt / text) or ``None``.
        Text models get the character's model settings merged in (caller values win) and ``user`` set to the
        character name. Stream results are consumed (chunks go to ``on_stream_chunk`` from the params or the
        ambient streaming context) and the full text is returned. One ``useModel:<TYPE>`` log row is written.
        """
        model_key = str(model_type)
        record = self._model_record(model_key, provider)
        if record is None:
            raise ModelNotFoundError(model_key, provider)
        typed, callback = self._prepare_params(model_key, params)
        prompt = prompt_of(typed)
        started = time.perf_counter()
        try:
            result = await record.handler(self.as_runtime, typed)
            value, usage = await self._unwrap(result, callback)
        except PyElizaError:
            raise
        except Exception as exc:
            raise ModelError(f"model {model_key} from provider {record.provider} failed: {exc}") from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug("agent %s: %s via %s took %.1f ms", self.character.name, model_key, record.provider, elapsed_ms)
        await self._record_model_call(model_key, record.provider, prompt, value, usage, elapsed_ms)
        return value

    async def _unwrap(self, result: Any, callback: Any) -> tuple[Any, TokenUsage | None]:
        if isinstance(result, ModelResponse):
            return result.value, result.usage
        if isinstance(result, TextStreamResult):
            ambient = get_streaming_context()
            message_id = ambient.message_id if ambient else None
            targets = [cb for cb in (callback, ambient.on_stream_chunk if ambient else None) if cb is not None]
            parts: list[str] = []
            async for chunk in result.text_stream:
                parts.append(chunk)
                for target in targets:
                    await self._deliver_chunk(target, chunk, message_id)
            return "".join(parts), result.usage
        return result, None

    async def _deliver_chunk(self, target: Any, chunk: str, message_id: str | None) -> None:
        try:
            outcome = target(chunk, message_id)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:
            logger.exception("agent %s: a stream chunk callback failed", self.character.name)

    async def _record_model_call(
        self,
        model_key: str,
        provider: str,
        prompt: str | None,
        value: Any,
        usage: TokenUsage | None,
        elapsed_ms: float,
    ) -> None:
        is_embedding = model_key == ModelType.TEXT_EMBEDDING
        action = self.get_current_action_context()
        if action is not None and prompt and not is_embedding:
            action.prompts.append({"modelType": model_key, "prompt": prompt, "timestamp": now_ms()})
        run = self.get_current_run_context()
        body: dict[str, Any] = {
            "modelType": model_key,
            "modelKey": model_key,
            "runId": run.run_id if run else None,
            "timestamp": now_ms(),
            "executionTime": round(elapsed_ms, 3),
            "provider": provider,
            "actionContext": {"actionName": action.action_name, "actionId": action.action_id} if action else None,
            "prompt": prompt,
            "response": "[array]" if is_embedding and isinstance(value, list) else _loggable(value),
        }
        if usage is not None:
            body["usage"] = {
                "promptTokens": usage.prompt_tokens,
                "completionTokens": usage.completion_tokens,
                "totalTokens": usage.total_tokens,
            }
        if self.events.get(EventType.MODEL_USED):
            tokens = body.get("usage")
            await self.emit_event(
                EventType.MODEL_USED, {"provider": provider, "type": model_key, "prompt": prompt, "tokens": tokens}
            )
        room_id = run.room_id if run and run.room_id else self.agent_id
        await self._write_log(entity_id=self.agent_id, room_id=room_id, type=f"useModel:{model_key}", body=body)
