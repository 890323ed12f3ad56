"""Template rendering: variables, blocks, nesting, state context, name placeholders, errors."""

from __future__ import annotations

import random

import pytest

from pyeliza.errors import InvalidInputError
from pyeliza.prompts import compile_template, compose_prompt, compose_prompt_from_state
from pyeliza.prompts.names import FIRST_NAMES, replace_name_placeholders
from pyeliza.types import State


def test_variables_are_not_escaped_and_missing_keys_are_empty() -> None:
    assert compose_prompt({"a": "<b> & 'c'"}, "[{{a}}][{{missing}}][{{{a}}}]") == "[<b> & 'c'][][<b> & 'c']"


def test_value_conversion_like_javascript() -> None:
    values = {"items": ["x", "y", 3], "flag": True, "count": 2.0, "none": None, "obj": {"k": 1}}
    rendered = compose_prompt(values, "{{items}}|{{flag}}|{{count}}|{{none}}|{{obj}}")
    assert rendered == 'x,y,3|true|2||{"k": 1}'


def test_if_else_and_unless() -> None:
    template = "{{#if on}}yes{{else}}no{{/if}}/{{#unless on}}off{{/unless}}"
    assert compose_prompt({"on": "x"}, template) == "yes/"
    assert compose_prompt({"on": ""}, template) == "no/off"
    assert compose_prompt({"on": []}, template) == "no/off"
    assert compose_prompt({}, template) == "no/off"


def test_each_with_this_index_and_fields() -> None:
    template = "{{#each items}}{{@index}}={{this}};{{/each}}"
    assert compose_prompt({"items": ["a", "b"]}, template) == "0=a;1=b;"
    people = [{"name": "Ann", "tags": ["x"]}, {"name": "Bo", "tags": []}]
    nested = "{{#each people}}{{name}}{{#if tags}}({{#each tags}}{{this}}{{/each}}){{/if}} {{/each}}"
    assert compose_prompt({"people": people}, nested) == "Ann(x) Bo "


def test_each_falls_back_to_else_and_outer_scope() -> None:
    template = "{{#each items}}{{this}}-{{agent}} {{else}}none{{/each}}"
    assert compose_prompt({"items": ["a"], "agent": "E"}, template) == "a-E "
    assert compose_prompt({"items": []}, template) == "none"


def test_dotted_paths_and_comments() -> None:
    assert compose_prompt({"a": {"b": {"c": "deep"}}}, "{{! note }}{{a.b.c}}") == "deep"


def test_state_context_values_win_and_text_is_excluded() -> None:
    state = State.model_validate({"values": {"agentName": "Eliza"}, "text": "T", "agentName": "Other", "extra": "E"})
    assert compose_prompt_from_state(state, "{{agentName}} {{extra}} [{{text}}]") == "Eliza E []"
    assert compose_prompt_from_state(state, lambda s: "{{agentName}}!" + str(len(s.values))) == "Eliza!1"


def test_name_placeholders_in_values_and_templates_are_filled() -> None:
    rng = random.Random(7)
    rendered = compose_prompt({"example": "{{name1}} greets {{name2}}; {{name1}} waves"}, "{{example}}", rng=rng)
    first, rest = rendered.split(" greets ")
    second = rest.split(";")[0]
    assert first in FIRST_NAMES and second in FIRST_NAMES and first != second
    assert rendered.endswith(f"{first} waves")
    unknown = compose_prompt({}, "hello {{name3}}", rng=random.Random(1))
    assert unknown.split()[1] in FIRST_NAMES


def test_each_replacement_draws_distinct_names_afresh() -> None:
    text = " ".join(f"{{{{name{n}}}}}" for n in range(1, 11)) + " / {{name1}}"
    rng = random.Random(7)
    seen: set[str] = set()
    for _ in range(200):
        *names, repeated = replace_name_placeholders(text, rng).replace(" /", "").split()
        assert len(set(names)) == 10 and set(names) <= set(FIRST_NAMES) and repeated == names[0]
        seen.update(names)
    assert seen == set(FIRST_NAMES)
    assert replace_name_placeholders("no placeholders", rng) == "no placeholders"


def test_whole_prompts_are_not_remembered_only_short_example_texts() -> None:
    from pyeliza.prompts import names

    before = len(names._splits)
    for n in range(50):
        compose_prompt({"n": n}, "{{n}} " + "long prompt text " * 400 + "{{name1}} and {{name2}}")
        compose_prompt({"n": n}, "{{n}} a prompt without placeholders")
    assert len(names._splits) <= before


def test_compiled_templates_are_cached() -> None:
    assert compile_template("{{x}} cached") is compile_template("{{x}} cached")


@pytest.mark.parametrize("template", ["{{#if a}}open", "{{/if}}", "{{#if a}}x{{/each}}", "{{#bogus a}}x{{/bogus}}"])
def test_unbalanced_or_unknown_blocks_raise(template: str) -> None:
    with pytest.raises(InvalidInputError):
        compile_template(template)
