"""The multi-step strategy (reference §6.5) with the §10.25 fixes.

Each iteration asks TEXT_LARGE for one step (an action with parameters, providers to read, or finish); the results
form a trace that the next prompt and the final summary see. Unlike the reference, action output reaches the
user through the pipeline's reply writer, a provider timeout (default 5 s) becomes a failed trace entry that the
summary reports, and the retry back-off base is a setting (``MULTISTEP_BACKOFF_BASE_MS``) so tests need no
sleeps. The summary is stored once, like a single-shot reply.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..prompts import (
    MULTI_STEP_DECISION_TEMPLATE,
    MULTI_STEP_SUMMARY_TEMPLATE,
    compose_prompt_from_state,
    parse_response,
)
from ..types import ActionResult, Content, Memory, ModelType, State, now_ms
from ._settings import int_setting

if TYPE_CHECKING:
    from ..runtime import AgentRuntime
    from ._delivery import ReplyWriter

logger = logging.getLogger("pyeliza.messaging")

TRACE_PROVIDERS = ["RECENT_MESSAGES", "ACTION_STATE"]
SUMMARY_ACTION = "MULTI_STEP_SUMMARY"
_T = TypeVar("_T")

APOLOGY = "I'm sorry, I could not put together an answer to that. Please try again."


@dataclass(frozen=True)
class MultiStepSettings:
    """``USE_MULTI_STEP`` and its limits, read once per message."""

    max_iterations: int = 6
    parse_retries: int = 5
    summary_parse_retries: int = 5
    providers_timeout_s: float = 5.0
    backoff_base_s: float = 1.0

    @classmethod
    def from_runtime(cls, runtime: AgentRuntime) -> MultiStepSettings:
        return cls(
            max_iterations=int_setting(runtime, "MAX_MULTISTEP_ITERATIONS", 6, low=1),
            parse_retries=int_setting(runtime, "MULTISTEP_PARSE_RETRIES", 5, low=1, high=10),
            summary_parse_retries=int_setting(runtime, "MULTISTEP_SUMMARY_PARSE_RETRIES", 5, low=1, high=10),
            providers_timeout_s=int_setting(runtime, "PROVIDERS_TOTAL_TIMEOUT_MS", 5000, low=1) / 1000.0,
            backoff_base_s=int_setting(runtime, "MULTISTEP_BACKOFF_BASE_MS", 1000, low=0) / 1000.0,
        )

    def backoff_s(self, attempt: int) -> float:
        """1, 2, 4 ... times the base after the ``attempt``-th failure, capped at 8 times the base."""
        return float(min(self.backoff_base_s * 2 ** (attempt - 1), self.backoff_base_s * 8))


@dataclass
class Step:
    thought: str
    action: str | None
    parameters: dict[str, Any] | None
    providers: list[str]
    is_finish: bool


def parse_step(raw: Any) -> Step | None:
    """One decision; ``None`` when the answer holds none of thought, action, providers and isFinish."""
    parsed = parse_response(raw) if isinstance(raw, str) else raw if isinstance(raw, dict) else None
    if not parsed or not any(key in parsed for key in ("thought", "action", "providers", "isFinish")):
        return None
    action = str(parsed.get("action") or "").strip() or None
    providers_raw = parsed.get("providers") or []
    if isinstance(providers_raw, str):
        providers = [p.strip() for p in providers_raw.split(",") if p.strip()]
    else:
        providers = [str(p).strip() for p in providers_raw if str(p).strip()]
    finish = parsed.get("isFinish")
    is_finish = finish is True or (isinstance(finish, str) and finish.strip().lower() == "true")
    return Step(
        thought=str(parsed.get("thought") or ""),
        action=action,
        parameters=_parameters(parsed.get("parameters")),
        providers=providers,
        is_finish=is_finish,
    )


def _parameters(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, str) and raw.strip():
        try:
            raw = json.loads(raw)
        except ValueError:
            logger.warning("multi-step: parameters are not a JSON object: %.80s", raw)
            return None
    return dict(raw) if isinstance(raw, dict) and raw else None


def format_trace(trace: list[ActionResult]) -> str:
    lines = []
    for index, item in enumerate(trace, start=1):
        name = (item.data or {}).get("actionName", "unknown")
        line = f"{index}. {name} - {'success' if item.success else 'failed'}"
        if item.text:
            line += f"\n   Output: {item.text}"
        if item.error:
            line += f"\n   Error: {item.error}"
        lines.append(line)
    return "\n".join(lines)


class MultiStepStrategy:
    """Runs the step loop and the summary for one message; returns the summary content it delivered."""

    def __init__(self, runtime: AgentRuntime, message: Memory, writer: ReplyWriter, settings: MultiStepSettings):
        self._runtime = runtime
        self._message = message
        self._writer = writer
        self._settings = settings
        self.trace: list[ActionResult] = []
        self.state: State | None = None

    async def run(self) -> Content:
        for _ in range(self._settings.max_iterations):
            if not await self._iteration():
                break
        return await self._summary()

    async def _trace_state(self) -> State:
        state = await self._runtime.compose_state(self._message, TRACE_PROVIDERS)
        state.data["actionResults"] = list(self.trace)
        state.values["actionResults"] = format_trace(self.trace)
        self.state = state
        return state

    async def _ask(
        self, template_key: str, default: str, attempts: int, parse: Callable[[Any], _T | None]
    ) -> _T | None:
        state = await self._trace_state()
        template = (self._runtime.character.templates or {}).get(template_key) or default
        prompt = compose_prompt_from_state(state, template)
        for attempt in range(1, attempts + 1):
            parsed = parse(await self._runtime.use_model(ModelType.TEXT_LARGE, {"prompt": prompt}))
            if parsed is not None:
                return parsed
            logger.warning("message %s: unparsable multi-step answer (attempt %d)", self._message.id, attempt)
            if attempt < attempts:
                await asyncio.sleep(self._settings.backoff_s(attempt))
        return None

    async def _iteration(self) -> bool:
        """One step; False when the loop is over."""
        step = await self._ask(
            "multiStepDecisionTemplate", MULTI_STEP_DECISION_TEMPLATE, self._settings.parse_retries, parse_step
        )
        if step is None:
            self.trace.append(
                ActionResult(
                    success=False, error="the step decision could not be parsed", data={"actionName": "parse_error"}
                )
            )
            return False
        if step.is_finish or (not step.action and not step.providers):
            return False
        if step.providers and not await self._read_providers(step.providers):
            return False
        if step.action:
            await self._run_action(step, step.action)
        return True

    async def _read_providers(self, names: list[str]) -> bool:
        try:
            async with asyncio.timeout(self._settings.providers_timeout_s):
                state = await self._runtime.compose_state(self._message, names, only_include=True, skip_cache=True)
        except TimeoutError:
            error = f"providers {', '.join(names)} took longer than {self._settings.providers_timeout_s:g} s"
            logger.warning("message %s: %s", self._message.id, error)
            self.trace.append(ActionResult(success=False, error=error, data={"actionName": "providers"}))
            return False
        results = state.data.get("providers") or {}
        for name in names:
            text = str((results.get(name.upper()) or results.get(name) or {}).get("text") or "")
            self.trace.append(
                ActionResult(
                    success=bool(text),
                    text=text or None,
                    error=None if text else f"provider {name} returned nothing",
                    data={"actionName": f"provider:{name}"},
                )
            )
        return True

    async def _run_action(self, step: Step, action: str) -> None:
        runtime = self._runtime
        state = self.state or await self._trace_state()
        if step.parameters:
            state.data["actionParams"] = step.parameters
            key = action.lower().replace("_", "")
            state.data[key] = {**step.parameters, "_source": "multiStepDecisionTemplate", "_timestamp": now_ms()}
        params = {action: step.parameters} if step.parameters else None
        response = Memory(
            entity_id=runtime.agent_id,
            agent_id=runtime.agent_id,
            room_id=self._message.room_id,
            content=Content.model_validate({"actions": [action], "thought": step.thought, "params": params}),
            created_at=now_ms(),
        )
        results = await runtime.process_actions(self._message, [response], state, self._writer)
        if results:
            self.trace.append(results[0])

    async def _summary(self) -> Content:
        parsed = await self._ask(
            "multiStepSummaryTemplate",
            MULTI_STEP_SUMMARY_TEMPLATE,
            self._settings.summary_parse_retries,
            _summary_fields,
        )
        text, thought = parsed if parsed is not None else (APOLOGY, "no summary could be produced")
        return Content(actions=[SUMMARY_ACTION], text=text, thought=thought, simple=True)


def _summary_fields(raw: Any) -> tuple[str, str] | None:
    parsed = parse_response(raw) if isinstance(raw, str) else raw if isinstance(raw, dict) else None
    if not parsed or not str(parsed.get("text") or "").strip():
        return None
    return str(parsed["text"]).strip(), str(parsed.get("thought") or "")
