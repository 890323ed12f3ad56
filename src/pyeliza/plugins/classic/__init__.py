"""The offline default: Weizenbaum-style ELIZA as TEXT_* and empty OBJECT_* models at the lowest priority."""

from ._handlers import (
    CONVERSATIONS_SERVICE_TYPE,
    ClassicConversations,
    ClassicTextModel,
    classic_object,
    is_boolean_question,
    response_xml,
    text_from_prompt,
)
from ._plugin import CLASSIC_PRIORITY, classic_plugin, create_classic_plugin
from .engine import Conversation, ElizaEngine, match_pattern, reflect, words_of
from .script import DEFAULT_SCRIPT, Decomposition, Keyword, Script

__all__ = [
    "CLASSIC_PRIORITY",
    "CONVERSATIONS_SERVICE_TYPE",
    "DEFAULT_SCRIPT",
    "ClassicConversations",
    "ClassicTextModel",
    "Conversation",
    "Decomposition",
    "ElizaEngine",
    "Keyword",
    "Script",
    "classic_object",
    "classic_plugin",
    "create_classic_plugin",
    "is_boolean_question",
    "match_pattern",
    "reflect",
    "response_xml",
    "text_from_prompt",
    "words_of",
]
