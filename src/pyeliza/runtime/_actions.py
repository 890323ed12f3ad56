"""Actions and evaluators: registration, lookup by name, execution with per-action error isolation."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from ..types import (
    Action,
    ActionContext,
    ActionResult,
    Content,
    Evaluator,
    EventType,
    HandlerCallback,
    HandlerOptions,
    Memory,
    MemoryMetadata,
    Provider,
    State,
    always_valid,
    new_uuid,
)
from ..types.models import StreamChunkCallback
from ._action_results import ActionRun, normalise_result
from ._context import streaming_context
from ._core import DEFAULT_MAX_WORKING_MEMORY_ENTRIES, logger
from ._state import StateMixin

MIN_PARTIAL_MATCH_LENGTH = 4


def _normalise(name: str) -> str:
    return name.lower().replace("_", "")


def action_parameters(responses: Sequence[Memory], name: str) -> dict[str, Any] | None:
    """The parameters the plan gave action ``name``: ``content.params[<name>]`` (a dict or a JSON object text).

    Names compare like :meth:`ActionsMixin.find_action` (case and ``_`` ignored).
    """
    wanted = _normalise(name)
    for response in responses:
        params = (response.content.model_extra or {}).get("params")
        if isinstance(params, str):
            try:
                params = json.loads(params)
            except ValueError:
                continue
        if not isinstance(params, dict):
            continue
        for key, value in params.items():
            if _normalise(str(key)) == wanted and isinstance(value, dict):
                return dict(value)
    return None


def missing_parameters(action: Action, parameters: dict[str, Any] | None) -> list[str]:
    """The required parameters of ``action`` that ``parameters`` lacks (empty strings count as missing)."""
    given = parameters or {}
    return [
        key
        for key, spec in (action.parameters or {}).items()
        if spec.required and (given.get(key) is None or given.get(key) == "")
    ]


class ActionsMixin(StateMixin):
    # -- registration -------------------------------------------------------------------------------------
    def register_action(self, action: Action) -> None:
        """Add an action; a second action with the same name is ignored with a warning."""
        if any(a.name == action.name for a in self.actions):
            logger.warning("agent %s: action %s already registered; ignored", self.character.name, action.name)
            return
        self.actions.append(action)
        logger.debug("agent %s: action %s registered", self.character.name, action.name)

    def register_provider(self, provider: Provider) -> None:
        self.providers.append(provider)
        logger.debug("agent %s: provider %s registered", self.character.name, provider.name)

    def register_evaluator(self, evaluator: Evaluator) -> None:
        self.evaluators.append(evaluator)
        logger.debug("agent %s: evaluator %s registered", self.character.name, evaluator.name)

    def find_action(self, name: str) -> Action | None:
        """The action for a name the model wrote: exact (case and ``_`` ignored), then a simile, then partial.

        Partial (substring) matches are only tried for names of at least four characters, so a short
        request never picks an unrelated action.
        """
        wanted = _normalise(name)
        if not wanted:
            return None
        for action in self.actions:
            if _normalise(action.name) == wanted:
                return action
        for action in self.actions:
            if any(_normalise(s) == wanted for s in action.similes):
                return action
        if len(wanted) < MIN_PARTIAL_MATCH_LENGTH:
            return None
        for action in self.actions:
            candidate = _normalise(action.name)
            if len(candidate) >= MIN_PARTIAL_MATCH_LENGTH and (wanted in candidate or candidate in wanted):
                return action
        for action in self.actions:
            for simile in action.similes:
                candidate = _normalise(simile)
                if len(candidate) >= MIN_PARTIAL_MATCH_LENGTH and (wanted in candidate or candidate in wanted):
                    return action
        return None

    def get_action_results(self, message_id: str) -> list[ActionResult]:
        """The results of the actions ``process_actions`` ran for a message (from the state cache)."""
        cached = self.state_cache.get(f"{message_id}_action_results")
        if cached is None:
            return []
        return list(cached.data.get("actionResults") or [])

    # -- execution ----------------------------------------------------------------------------------------
    async def process_actions(
        self,
        message: Memory,
        responses: Sequence[Memory],
        state: State | None = None,
        callback: HandlerCallback | None = None,
        *,
        on_stream_chunk: StreamChunkCallback | None = None,
    ) -> list[ActionResult]:
        """Run the actions named in ``responses[*].content.actions``, in order; returns their results.

        An action that raises gives a failed result and an error memory, and the next action still runs.
        Each action emits ACTION_STARTED and ACTION_COMPLETED, stores an action-result memory and an
        ``action`` log row; the prompts of its model calls are recorded on its action context.
        """
        names = [name for response in responses for name in (response.content.actions or [])]
        if not names:
            return []
        if state is None:
            state = await self.compose_state(message, ["RECENT_MESSAGES", "ACTION_STATE"])
        thought = next((r.content.thought for r in responses if r.content.thought), None)
        run = ActionRun(
            run_id=new_uuid(),
            parent_run_id=self._current_run_id_or_none(),
            thought=thought or f"Executing {len(names)} actions: {', '.join(names)}",
            names=names,
            max_working_memory=int(
                self._number_setting("MAX_WORKING_MEMORY_ENTRIES") or DEFAULT_MAX_WORKING_MEMORY_ENTRIES
            ),
        )
        for step, name in enumerate(names):
            state = await self._run_one_action(message, responses, state, callback, on_stream_chunk, run, step, name)
        if message.id:
            self.state_cache.set(
                f"{message.id}_action_results",
                State(
                    values={"actionResults": run.results},
                    data={"actionResults": run.results, "actionPlan": run.plan},
                    text=json.dumps([r.to_json_dict() for r in run.results]),
                ),
            )
        return run.results

    async def _run_one_action(
        self,
        message: Memory,
        responses: Sequence[Memory],
        state: State,
        callback: HandlerCallback | None,
        on_stream_chunk: StreamChunkCallback | None,
        run: ActionRun,
        step: int,
        name: str,
    ) -> State:
        action = self.find_action(name)
        if action is None:
            logger.warning("agent %s: action %s not found", self.character.name, name)
            run.mark(step, "failed", error=f"Action not found: {name}")
            await self._store_action_memory(
                message, message.entity_id, f"Action not found: {name}", name, "failed", run, None
            )
            return state
        action_id = new_uuid()
        response_id = new_uuid()
        self._set_action_context(ActionContext(action_name=action.name, action_id=action_id))
        if run.plan is not None:
            state.data["actionPlan"] = run.plan
            state.data["actionResults"] = list(run.results)
        parameters = action_parameters(responses, name)
        refusal = await self._refusal(action, message, state, parameters)
        if refusal is not None:
            logger.warning("agent %s: action %s skipped: %s", self.character.name, action.name, refusal)
            result = ActionResult(success=False, error=refusal, data={"actionName": action.name})
            state = run.record(step, action.name, result, state)
            await self._store_action_memory(message, message.entity_id, refusal, action.name, "failed", run, None)
            self._set_action_context(None)
            return state
        options = HandlerOptions(previous_results=list(run.results), action_plan=run.plan, parameters=parameters)
        event = {"messageId": action_id, "roomId": message.room_id, "world": message.world_id}
        await self.emit_event(
            EventType.ACTION_STARTED,
            {**event, "content": run.event_content(action.name, action_id, "executing", message)},
        )

        async def forward(content: Content) -> list[Memory]:
            if callback is None:
                return []
            return await callback(content.model_copy(update={"response_id": response_id}))

        started = time.perf_counter()
        error: BaseException | None = None
        try:
            with streaming_context(on_stream_chunk, response_id) if on_stream_chunk else nullcontext():
                raw = await action.handler(self.as_runtime, message, state, options, forward, list(responses))
            result = normalise_result(raw, action.name)
        except asyncio.CancelledError:
            self._set_action_context(None)
            raise
        except Exception as exc:
            error = exc
            logger.exception("agent %s: action %s failed", self.character.name, action.name)
            result = ActionResult(success=False, error=str(exc) or type(exc).__name__, data={"actionName": action.name})
        context = self.get_current_action_context()
        self._set_action_context(None)
        logger.debug(
            "agent %s: action %s took %.1f ms", self.character.name, action.name, (time.perf_counter() - started) * 1000
        )
        state = run.record(step, action.name, result, state)
        status = "completed" if result.success else "failed"
        completed = run.event_content(action.name, action_id, status, message)
        completed["text"] = result.text or ""
        completed["actionResult"] = result.to_json_dict()
        await self.emit_event(EventType.ACTION_COMPLETED, {**event, "content": completed})
        if error is not None:
            await self._store_action_memory(
                message,
                message.entity_id,
                f"Action {action.name} failed: {result.error}",
                action.name,
                "failed",
                run,
                None,
            )
        await self._store_action_memory(
            message,
            self.agent_id,
            result.text or f"Executed action: {action.name}",
            action.name,
            status,
            run,
            result,
            memory_id=action_id,
            step=step,
        )
        await self._write_action_log(message, action.name, action_id, run, result, context)
        return state

    async def _refusal(
        self, action: Action, message: Memory, state: State, parameters: dict[str, Any] | None
    ) -> str | None:
        """Why ``action`` must not run now (its validator says no, or required parameters are missing)."""
        missing = missing_parameters(action, parameters)
        if missing:
            return f"Action {action.name} is missing required parameters: {', '.join(missing)}"
        if action.validate is always_valid:
            return None
        try:
            valid = bool(await action.validate(self.as_runtime, message, state))
        except Exception:
            logger.exception("agent %s: action %s failed to validate", self.character.name, action.name)
            valid = False
        return None if valid else f"Action {action.name} is not valid for this message"

    async def _store_action_memory(
        self,
        message: Memory,
        entity_id: str,
        text: str,
        action_name: str,
        status: str,
        run: ActionRun,
        result: ActionResult | None,
        *,
        memory_id: str | None = None,
        step: int | None = None,
    ) -> None:
        content: dict[str, Any] = {
            "text": text if result is not None else None,
            "thought": text if result is None else None,
            "source": "action" if result is not None else "auto",
            "type": "action_result",
            "actionName": action_name,
            "actionStatus": status,
            "runId": run.run_id,
        }
        metadata: dict[str, Any] = {"type": "action_result", "actionName": action_name, "runId": run.run_id}
        if result is not None:
            content["actionResult"] = result.to_json_dict()
            metadata.update({"parentRunId": run.parent_run_id, "actionId": memory_id})
        if step is not None:
            content["planStep"] = f"{step + 1}/{len(run.names)}"
            content["planThought"] = run.thought
            if run.plan is not None:
                metadata.update({"totalSteps": len(run.names), "currentStep": step + 1})
        memory = Memory(
            id=memory_id or new_uuid(),
            entity_id=entity_id,
            agent_id=self.agent_id,
            room_id=message.room_id,
            world_id=message.world_id,
            content=Content.model_validate({k: v for k, v in content.items() if v is not None}),
            metadata=MemoryMetadata.model_validate(metadata),
        )
        await self._require_adapter().create_memory(memory, "messages")

    async def _write_action_log(
        self,
        message: Memory,
        action_name: str,
        action_id: str,
        run: ActionRun,
        result: ActionResult,
        context: ActionContext | None,
    ) -> None:
        prompts = context.prompts if context else []
        await self._write_log(
            entity_id=message.entity_id,
            room_id=message.room_id,
            type="action",
            body={
                "action": action_name,
                "actionId": action_id,
                "message": message.content.text,
                "messageId": message.id,
                "runId": run.run_id,
                "parentRunId": run.parent_run_id,
                "result": result.to_json_dict(),
                "prompts": prompts,
                "promptCount": len(prompts),
            },
        )
