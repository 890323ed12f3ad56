"""ACTIONS, PROVIDERS, EVALUATORS and ACTION_STATE: what the agent can do and what it has done — §7.4."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ....prompts import (
    add_header,
    compose_action_examples,
    format_action_names,
    format_actions,
    format_actions_with_params,
    format_evaluator_examples,
    format_evaluator_names,
    format_evaluators,
)
from ....runtime._eager import gather_eagerly
from ....types import Action, Evaluator, Memory, Provider, ProviderResult, State, always_valid

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")


async def _valid(runtime: AgentRuntime, item: Action | Evaluator, message: Memory, state: State) -> bool:
    if item.validate is always_valid:
        return True
    try:
        return bool(await item.validate(runtime, message, state))
    except Exception:
        logger.warning("validating %s failed; leaving it out", item.name, exc_info=True)
        return False


async def _actions(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    checks = await gather_eagerly([_valid(runtime, a, message, state) for a in runtime.actions])
    valid = [action for action, ok in zip(runtime.actions, checks, strict=True) if ok]
    names = format_action_names(valid)
    described = format_actions(valid)
    examples = compose_action_examples(valid, 10)
    parts = [
        f"Possible response actions: {names}" if names else "",
        add_header("# Available Actions", described),
        add_header("# Action Examples", examples),
    ]
    return ProviderResult(
        text="\n".join(part for part in parts if part),
        values={
            "actionNames": f"Possible response actions: {names}",
            "actionsWithDescriptions": add_header("# Available Actions", described),
            "actionExamples": add_header("# Action Examples", examples),
            "actionsWithParams": format_actions_with_params(valid),
        },
        data={"actionsData": valid},
    )


async def _providers(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    dynamic = [p for p in runtime.providers if p.dynamic]
    listing = "\n".join(f"- **{p.name}**: {p.description}" for p in dynamic)
    everything = "\n".join(f"- **{p.name}**: {p.description}" for p in runtime.providers if not p.private)
    return ProviderResult(
        text=add_header(
            "# Providers",
            "These providers can add more context when named in <providers>:\n" + listing if listing else "",
        ),
        values={"providersWithDescriptions": everything},
        data={"dynamicProviders": [p.name for p in dynamic]},
    )


async def _evaluators(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    checks = await gather_eagerly([_valid(runtime, e, message, state) for e in runtime.evaluators])
    valid = [e for e, ok in zip(runtime.evaluators, checks, strict=True) if ok]
    described = add_header("# Available Evaluators", format_evaluators(valid))
    examples = add_header("# Evaluator Examples", format_evaluator_examples(valid))
    return ProviderResult(
        text="\n".join(part for part in (described, examples) if part),
        values={
            "evaluators": described,
            "evaluatorNames": format_evaluator_names(valid),
            "evaluatorExamples": examples,
        },
        data={"evaluatorsData": valid},
    )


def _format_results(results: list[Any]) -> str:
    lines: list[str] = []
    for index, result in enumerate(results, start=1):
        item = result.model_dump() if hasattr(result, "model_dump") else dict(result)
        data = item.get("data") or {}
        name = data.get("actionName") or item.get("action") or "unknown"
        status = "success" if item.get("success", True) else "failed"
        line = f"{index}. {name} - {status}"
        if item.get("text"):
            line += f"\n   Output: {item['text']}"
        if item.get("error"):
            line += f"\n   Error: {item['error']}"
        lines.append(line)
    return "\n".join(lines)


async def _action_state(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    results: list[Any] = list(state.data.get("actionResults") or [])
    plan = state.data.get("actionPlan")
    working = state.data.get("workingMemory") or {}
    parts: list[str] = []
    values: dict[str, Any] = {"hasActionResults": bool(results), "hasActionPlan": bool(plan)}
    if isinstance(plan, dict):
        steps = plan.get("steps") or []
        current = int(plan.get("currentStep") or 0)
        values.update(currentActionStep=current, totalActionSteps=len(steps))
        step_lines = []
        for index, step in enumerate(steps, start=1):
            status = str(step.get("status", "pending")) if isinstance(step, dict) else "pending"
            marker = {"completed": "✓", "failed": "✗"}.get(status, "→" if index == current else " ")
            action = step.get("action") if isinstance(step, dict) else step
            step_lines.append(f"{marker} {index}. {action} ({status})")
        parts.append(add_header(f"# Action Plan ({current}/{len(steps)})", "\n".join(step_lines)))
    formatted = _format_results(results)
    values["actionResults"] = formatted
    values["completedActions"] = sum(1 for r in results if getattr(r, "success", True))
    values["failedActions"] = len(results) - values["completedActions"]
    if formatted:
        parts.append(add_header("# Previous Action Results", formatted))
    if isinstance(working, dict) and working:
        entries = list(working.items())[-10:]
        parts.append(add_header("# Working Memory", "\n".join(f"- {k}: {v}" for k, v in entries)))
    text = "\n".join(p for p in parts if p) or "No action state available"
    return ProviderResult(text=text, values=values, data={"actionResults": results, "actionPlan": plan})


actions_provider = Provider(
    name="ACTIONS",
    description="Possible response actions",
    get=_actions,
    position=-1,
)
providers_provider = Provider(
    name="PROVIDERS",
    description="The dynamic providers that can be asked for more context",
    get=_providers,
)
evaluators_provider = Provider(
    name="EVALUATORS",
    description="Evaluators that can run after a response",
    get=_evaluators,
    private=True,
)
action_state_provider = Provider(
    name="ACTION_STATE",
    description="The plan, results and working memory of the actions of the current run",
    get=_action_state,
    position=150,
)
