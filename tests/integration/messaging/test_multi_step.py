"""USE_MULTI_STEP: steps with actions and providers, delivered action output, one stored summary, bounded retries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from pyeliza.messaging._multistep import MultiStepSettings, parse_step
from pyeliza.plugins.bootstrap import bootstrap_plugin
from pyeliza.runtime import AgentRuntime
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_response
from pyeliza.types import (
    Action,
    ActionResult,
    Content,
    HandlerCallback,
    HandlerOptions,
    Memory,
    ModelType,
    Plugin,
    Provider,
    ProviderResult,
    State,
)

from .conftest import CHARACTER, Agent


async def _lookup(
    runtime: object,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    assert options is not None and callback is not None
    city = (options.parameters or {}).get("city", "nowhere")
    await callback(Content(text=f"Looking up the weather in {city}..."))
    return ActionResult(success=True, text=f"Sunny in {city}", data={"actionName": "WEATHER"})


async def _forecast(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    return ProviderResult(text="Forecast: rain tomorrow")


async def _slow(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    await asyncio.Event().wait()
    return ProviderResult(text="never")


extras = Plugin(
    name="multi-step-extras",
    actions=[Action(name="WEATHER", description="Look up the weather", handler=_lookup)],
    providers=[
        Provider(name="FORECAST", get=_forecast, description="Tomorrow's forecast", dynamic=True),
        Provider(name="SLOW", get=_slow, description="Never answers", dynamic=True),
    ],
)


def _step(action: str = "", providers: str = "", finish: bool = False, parameters: object = "") -> str:
    params = json.dumps(parameters) if isinstance(parameters, dict) else parameters
    return xml_response(
        thought="next step", action=action, parameters=params, providers=providers, isFinish=str(finish).lower()
    )


@pytest.fixture
async def stepper(database_url: str | None) -> AsyncIterator[Agent]:
    small, large = ScriptedModel([]), ScriptedModel([])
    async with runtime_for_test(
        CHARACTER,
        plugins=[bootstrap_plugin, extras],
        database_url=database_url,
        models={ModelType.TEXT_SMALL: small, ModelType.TEXT_LARGE: large},
        settings={
            "PYELIZA_RECOVER_ON_START": "false",
            "USE_MULTI_STEP": "true",
            "MAX_MULTISTEP_ITERATIONS": "4",
            "MULTISTEP_PARSE_RETRIES": "2",
            "MULTISTEP_SUMMARY_PARSE_RETRIES": "2",
            "MULTISTEP_BACKOFF_BASE_MS": "1",
            "PROVIDERS_TOTAL_TIMEOUT_MS": "50",
        },
    ) as runtime:
        yield Agent(runtime, small, large)


async def _agent_texts(runtime: AgentRuntime, conv: Conversation) -> list[str]:
    history = await conv.history()
    return [
        m.content.text
        for m in history
        if m.entity_id == runtime.agent_id and m.content.text and m.content.in_reply_to is not None
    ]


async def test_action_then_provider_then_summary(stepper: Agent) -> None:
    stepper.large.add(
        _step(action="WEATHER", parameters={"city": "Oslo"}),
        _step(providers="FORECAST"),
        _step(finish=True),
        xml_response(thought="summing up", text="It is sunny in Oslo; rain tomorrow."),
    )
    conv = await Conversation.start(stepper.runtime)

    reply = await conv.say("what's the weather in Oslo?")

    assert reply == "Looking up the weather in Oslo...\nIt is sunny in Oslo; rain tomorrow."
    summary_prompt = stepper.large.prompts[-1]
    assert "Sunny in Oslo" in summary_prompt and "Forecast: rain tomorrow" in summary_prompt
    assert "WEATHER - success" in stepper.large.prompts[1]
    replies = await _agent_texts(stepper.runtime, conv)
    assert replies.count("It is sunny in Oslo; rain tomorrow.") == 1
    assert replies.count("Looking up the weather in Oslo...") == 1
    result = conv.last_result
    assert result is not None and result.mode == "simple" and result.did_respond
    assert result.response_content is not None and result.response_content.actions == ["MULTI_STEP_SUMMARY"]


async def test_loop_stops_at_the_iteration_limit(stepper: Agent) -> None:
    stepper.large.add(*[_step(providers="FORECAST") for _ in range(4)], xml_response(thought="t", text="Done."))
    conv = await Conversation.start(stepper.runtime)

    assert await conv.say("keep reading") == "Done."
    assert len(stepper.large.calls) == 5


async def test_unparsable_steps_are_retried_then_summarised(stepper: Agent) -> None:
    stepper.large.add("garbage", "more garbage", xml_response(thought="t", text="Something went wrong, sorry."))
    conv = await Conversation.start(stepper.runtime)

    assert await conv.say("hello") == "Something went wrong, sorry."
    assert "parse_error - failed" in stepper.large.prompts[-1]


async def test_no_summary_gives_an_apology_stored_once(stepper: Agent) -> None:
    stepper.large.add(_step(finish=True), "not xml", "still not xml")
    conv = await Conversation.start(stepper.runtime)

    reply = await conv.say("hello")

    assert reply is not None and reply.startswith("I'm sorry")
    assert await _agent_texts(stepper.runtime, conv) == [reply]


async def test_a_slow_provider_is_reported_in_the_summary(stepper: Agent) -> None:
    stepper.large.add(_step(providers="SLOW"), xml_response(thought="t", text="The slow source did not answer."))
    conv = await Conversation.start(stepper.runtime)

    assert await conv.say("ask the slow one") == "The slow source did not answer."
    assert "took longer than 0.05 s" in stepper.large.prompts[-1]


def test_settings_defaults_clamps_and_backoff() -> None:
    defaults = MultiStepSettings()
    assert defaults.providers_timeout_s == 5.0 and defaults.max_iterations == 6
    assert [defaults.backoff_s(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, 8.0]


async def test_settings_from_runtime_are_clamped() -> None:
    async with runtime_for_test(
        settings={"MULTISTEP_PARSE_RETRIES": "50", "MULTISTEP_SUMMARY_PARSE_RETRIES": "0"}
    ) as runtime:
        settings = MultiStepSettings.from_runtime(runtime)
    assert settings.parse_retries == 10 and settings.summary_parse_retries == 1
    assert settings.providers_timeout_s == 5.0 and settings.backoff_base_s == 1.0


def test_parse_step_reads_parameters_and_finish() -> None:
    step = parse_step(_step(action=" WEATHER ", parameters={"city": "Rome"}, providers="A, B"))
    assert step is not None
    assert (step.action, step.parameters, step.providers, step.is_finish) == (
        "WEATHER",
        {"city": "Rome"},
        ["A", "B"],
        False,
    )
    assert parse_step({"isFinish": True}) is not None and parse_step("nonsense") is None
    odd = parse_step(_step(action="WEATHER", parameters="[1, 2]"))
    assert odd is not None and odd.parameters is None
