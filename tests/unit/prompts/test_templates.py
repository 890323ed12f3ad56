"""The default templates: the message handler documents action parameters; the settings answers render fully."""

from __future__ import annotations

import re

import pytest

from pyeliza.messaging._plan import parse_plan
from pyeliza.prompts import MESSAGE_HANDLER_TEMPLATE, compose_prompt, format_actions_with_params
from pyeliza.prompts.templates import SETTINGS_COMPLETE_TEMPLATE, SETTINGS_FAILED_TEMPLATE, SETTINGS_UPDATED_TEMPLATE
from pyeliza.runtime._actions import action_parameters
from pyeliza.types import Action, ActionParameter, ActionResult, create_message_memory, new_uuid


async def _noop(*args: object) -> ActionResult:
    return ActionResult(success=True)


REMINDER = Action(
    name="SET_REMINDER",
    description="Set a reminder for the user",
    handler=_noop,
    parameters={
        "topic": ActionParameter(type="string", description="what to remind the user of", required=True),
        "minutes": ActionParameter(type="number", description="in how many minutes"),
    },
)
PLAIN = Action(name="WAVE", description="Wave at the user", handler=_noop)


def _last_response_block(prompt: str) -> str:
    """The last ``<response>`` block of a prompt (the example with parameters)."""
    blocks = re.findall(r"<response>.*?</response>", prompt, re.DOTALL)
    assert blocks
    return str(blocks[-1])


def _handler_prompt(**values: str) -> str:
    return compose_prompt({"agentName": "Ada", "providers": "# Providers here", **values}, MESSAGE_HANDLER_TEMPLATE)


def test_the_message_handler_prompt_shows_the_parameters_of_actions_that_declare_them() -> None:
    prompt = _handler_prompt(actionsWithParams=format_actions_with_params([REMINDER, PLAIN]))

    block = prompt.split("<actions_and_parameters>")[1].split("</actions_and_parameters>")[0]
    assert "## SET_REMINDER\nSet a reminder for the user\n**Parameters:**" in block
    assert "- `topic` (string) (required): what to remind the user of" in block
    assert "- `minutes` (number): in how many minutes" in block
    assert "## WAVE\nWave at the user" in block and block.count("**Parameters:**") == 1
    assert "add a <params> element" in prompt and "<params>" in prompt.split("<output>")[1]


def test_without_actions_with_params_the_block_is_left_out() -> None:
    prompt = _handler_prompt()

    assert "<actions_and_parameters>" not in prompt and "{{" not in prompt


def test_an_answer_shaped_like_the_template_example_gives_the_action_its_parameters() -> None:
    example = _last_response_block(_handler_prompt())
    answer = (
        example.replace("ACTION_NAME", "SET_REMINDER")
        .replace("<parameterName>value</parameterName>", "<topic>call mum</topic><minutes>30</minutes>")
        .replace("the reply", "Will do.")
    )

    content = parse_plan(answer)

    assert content is not None and content.actions == ["REPLY", "SET_REMINDER"] and content.text == "Will do."
    plan = create_message_memory(entity_id=new_uuid(), room_id=new_uuid(), content=content)
    assert action_parameters([plan], "SET_REMINDER") == {"topic": "call mum", "minutes": "30"}
    assert action_parameters([plan], "REPLY") is None


@pytest.mark.parametrize(
    ("template", "wording"),
    [
        (SETTINGS_UPDATED_TEMPLATE, "ask for the next setting still needed: GREETING"),
        (SETTINGS_COMPLETE_TEMPLATE, "every required setting is now configured"),
        (SETTINGS_FAILED_TEMPLATE, "for example GREETING"),
    ],
)
def test_settings_answer_templates_render_every_placeholder(template: str, wording: str) -> None:
    values = {
        "agentName": "Ada",
        "recentMessages": "# Conversation Messages\nOwner: the key is sk-1",
        "updatedSettings": "- API_KEY (API key): (secret, value hidden)",
        "missingSettings": "- GREETING (required): How to greet newcomers",
        "nextSetting": "GREETING",
    }

    prompt = compose_prompt(values, template)

    assert "{{" not in prompt and wording in prompt
    assert "<saved_settings>\n- API_KEY (API key): (secret, value hidden)\n</saved_settings>" in prompt
    assert "Never repeat a value shown as hidden" in prompt and "<text>the message</text>" in prompt
