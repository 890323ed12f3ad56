"""Bookkeeping of one ``process_actions`` call: the plan, the results so far, working memory."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..types import ActionResult, Memory, State, new_uuid, now_ms

logger = logging.getLogger("pyeliza.runtime")


def normalise_result(raw: object, action_name: str) -> ActionResult:
    """An ``ActionResult`` for whatever a handler returned (``None``/bools are legacy "done" results)."""
    if isinstance(raw, ActionResult):
        return raw
    if raw is None or isinstance(raw, bool):
        return ActionResult(success=raw is not False, data={"actionName": action_name, "legacy": True})
    if isinstance(raw, dict) and {"values", "data", "text", "success"} & raw.keys():
        try:
            return ActionResult.model_validate(raw)
        except ValidationError:
            logger.debug("action %s returned a dict that is not an ActionResult; kept as a legacy result", action_name)
    return ActionResult(success=True, data={"actionName": action_name, "legacyResult": repr(raw)})


@dataclass
class ActionRun:
    """The state of one ``process_actions`` call."""

    run_id: str
    parent_run_id: str | None
    thought: str
    names: list[str]
    max_working_memory: int
    results: list[ActionResult] = field(default_factory=list)
    plan: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if len(self.names) > 1:
            self.plan = {
                "runId": self.run_id,
                "totalSteps": len(self.names),
                "currentStep": 0,
                "steps": [{"action": name, "status": "pending"} for name in self.names],
                "thought": self.thought,
                "startTime": now_ms(),
            }

    def mark(self, step: int, status: str, *, result: ActionResult | None = None, error: str | None = None) -> None:
        if self.plan is None:
            return
        self.plan["currentStep"] = step + 1
        entry = self.plan["steps"][step]
        entry["status"] = status
        if result is not None:
            entry["result"] = result.to_json_dict()
        if error is not None:
            entry["error"] = error

    def record(self, step: int, action_name: str, result: ActionResult, state: State) -> State:
        """Add a result: merge its values into the state and keep it in the state's working memory."""
        self.results.append(result)
        self.mark(step, "completed" if result.success else "failed", result=result, error=result.error)
        values = {**state.values, **(result.values or {})}
        memory = dict(state.data.get("workingMemory") or {})
        memory[f"action_{action_name}_{new_uuid()}"] = {
            "actionName": action_name,
            "result": result.to_json_dict(),
            "timestamp": now_ms(),
        }
        while len(memory) > self.max_working_memory:
            memory.pop(next(iter(memory)))
        data = {**state.data, "workingMemory": memory, "actionResults": list(self.results)}
        if self.plan is not None:
            data["actionPlan"] = self.plan
        return state.model_copy(update={"values": values, "data": data})

    def event_content(self, action_name: str, action_id: str, status: str, message: Memory) -> dict[str, Any]:
        return {
            "text": f"Executing action: {action_name}",
            "actions": [action_name],
            "actionStatus": status,
            "actionId": action_id,
            "runId": self.run_id,
            "type": "agent_action",
            "thought": self.thought,
            "source": message.content.source,
        }
