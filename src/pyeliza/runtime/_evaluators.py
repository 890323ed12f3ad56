"""Evaluators: validated concurrently, run concurrently, each isolated, with STARTED/COMPLETED events."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from ..types import Evaluator, EventType, HandlerCallback, Memory, State, new_uuid, now_ms
from ._actions import ActionsMixin
from ._core import logger
from ._eager import gather_eagerly

_EVALUATION_PROVIDERS = ("RECENT_MESSAGES", "EVALUATORS")


class EvaluatorsMixin(ActionsMixin):
    async def _evaluator_applies(self, evaluator: Evaluator, message: Memory, state: State | None) -> bool:
        try:
            return bool(await evaluator.validate(self.as_runtime, message, state))
        except Exception:
            logger.exception("agent %s: evaluator %s failed to validate", self.character.name, evaluator.name)
            return False

    async def _run_evaluator(
        self,
        evaluator: Evaluator,
        message: Memory,
        state: State,
        callback: HandlerCallback | None,
        responses: Sequence[Memory] | None,
    ) -> None:
        evaluator_id = new_uuid()
        base = {"evaluatorId": evaluator_id, "evaluatorName": evaluator.name, "roomId": message.room_id}
        await self.emit_event(EventType.EVALUATOR_STARTED, {**base, "startTime": now_ms()})
        started = time.perf_counter()
        error: str | None = None
        try:
            await evaluator.handler(self.as_runtime, message, state, None, callback, list(responses or []))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = str(exc) or type(exc).__name__
            logger.exception("agent %s: evaluator %s failed", self.character.name, evaluator.name)
        await self.emit_event(EventType.EVALUATOR_COMPLETED, {**base, "completed": error is None, "error": error})
        await self._write_log(
            entity_id=message.entity_id,
            room_id=message.room_id,
            type="evaluator",
            body={
                "evaluator": evaluator.name,
                "evaluatorId": evaluator_id,
                "messageId": message.id,
                "message": message.content.text,
                "runId": self._current_run_id_or_none(),
                "durationMs": round((time.perf_counter() - started) * 1000, 3),
                "error": error,
            },
        )

    async def _compose_for_evaluators(self, message: Memory) -> State:
        """``compose_state(message, ["RECENT_MESSAGES", "EVALUATORS"])`` (reference §3.12).

        While the message's run still holds its composed state and no action ran for it, the other providers'
        results in that state are kept rather than composed again: nothing they read has changed since but the
        conversation, which RECENT_MESSAGES reads again. (Composing everything again was a third of the 1.2 ms
        a REFLECTION turn cost.)
        """
        reuse = message.id is not None and not self.get_action_results(message.id)
        return await self._compose(message, _EVALUATION_PROVIDERS, False, False, reuse=reuse)

    async def evaluate(
        self,
        message: Memory,
        state: State | None = None,
        did_respond: bool = False,
        callback: HandlerCallback | None = None,
        responses: Sequence[Memory] | None = None,
    ) -> list[Evaluator]:
        """Run the evaluators that apply (only ``always_run`` ones when the agent did not respond).

        Returns the evaluators that ran. One failing evaluator is logged and never stops the others.
        """
        candidates = [e for e in self.evaluators if did_respond or e.always_run]
        if not candidates:
            return []
        checks = await gather_eagerly([self._evaluator_applies(e, message, state) for e in candidates])
        selected = [e for e, ok in zip(candidates, checks, strict=True) if ok]
        if not selected:
            return []
        composed = await self._compose_for_evaluators(message)
        await gather_eagerly([self._run_evaluator(e, message, composed, callback, responses) for e in selected])
        return selected
