"""Test support for pyeliza users: scripted models, a stub embedding and throw-away runtimes."""

from ._conversation import Conversation
from ._responses import xml_reflection, xml_reply, xml_response, xml_should_respond
from ._runtime import DEFAULT_TEST_CHARACTER, runtime_for_test
from ._scripted import STUB_EMBEDDING_DIMENSION, ScriptedModel, stub_embedding, stub_vector

__all__ = [
    "DEFAULT_TEST_CHARACTER",
    "STUB_EMBEDDING_DIMENSION",
    "Conversation",
    "ScriptedModel",
    "runtime_for_test",
    "stub_embedding",
    "stub_vector",
    "xml_reflection",
    "xml_reply",
    "xml_response",
    "xml_should_respond",
]
