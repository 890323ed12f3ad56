"""``classic_plugin``: registered at priority -100 so any configured provider serves the text models instead."""

from __future__ import annotations

from pyeliza.types import ModelHandler, ModelType, Plugin

from ._handlers import ClassicConversations, ClassicTextModel, classic_object
from .engine import ElizaEngine
from .script import DEFAULT_SCRIPT, Script

CLASSIC_PRIORITY = -100


def create_classic_plugin(script: Script = DEFAULT_SCRIPT) -> Plugin:
    """The offline ELIZA plugin with ``script`` (the handler is stateless; room state lives in a service)."""
    text: ModelHandler = ClassicTextModel(ElizaEngine(script))
    return Plugin(
        name="classic",
        description="Offline ELIZA responder (keyword rules, pronoun reflection, topic memory); no key needed",
        models={
            ModelType.TEXT_SMALL: text,
            ModelType.TEXT_LARGE: text,
            ModelType.TEXT_REASONING_SMALL: text,
            ModelType.TEXT_REASONING_LARGE: text,
            ModelType.OBJECT_SMALL: classic_object,
            ModelType.OBJECT_LARGE: classic_object,
        },
        services=(ClassicConversations,),
        priority=CLASSIC_PRIORITY,
    )


classic_plugin = create_classic_plugin()
