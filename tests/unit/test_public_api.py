"""The curated public surface of ``pyeliza``: nothing leaks, nothing disappears."""

from __future__ import annotations

import pyeliza
import pyeliza.runtime
import pyeliza.testing

EXPECTED_TOP_LEVEL = {
    "Action",
    "ActionResult",
    "AgentConfig",
    "AgentRuntime",
    "Character",
    "Content",
    "ElizaOS",
    "Entity",
    "Evaluator",
    "EventType",
    "HandlerOptions",
    "Memory",
    "ModelType",
    "Plugin",
    "Provider",
    "ProviderResult",
    "Room",
    "Route",
    "RunContext",
    "Semaphore",
    "Service",
    "State",
    "TaskWorker",
    "World",
    "__version__",
    "create_unique_uuid",
    "errors",
    "string_to_uuid",
    "types",
}

EXPECTED_RUNTIME = {
    "ENV_SECRET_ALLOW_LIST",
    "REGISTRY_EVENTS",
    "AgentConfig",
    "AgentRuntime",
    "ElizaOS",
    "MessageHandle",
    "MessageOutcome",
    "MessageService",
    "ModelRecord",
    "RegistryListener",
    "RunContext",
    "Semaphore",
    "SendHandler",
    "ServiceStatus",
    "StateCache",
    "StreamingContext",
    "decrypt_object_values",
    "decrypt_string_value",
    "encrypt_object_values",
    "encrypt_string_value",
    "get_streaming_context",
    "resolve_plugins",
    "streaming_context",
}

EXPECTED_TESTING = {
    "DEFAULT_TEST_CHARACTER",
    "STUB_EMBEDDING_DIMENSION",
    "ScriptedModel",
    "runtime_for_test",
    "stub_embedding",
    "stub_vector",
}


def public_names(module: object) -> set[str]:
    """Names a user sees on the module that are neither private nor subpackages of pyeliza."""
    names = set()
    for name in dir(module):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        if getattr(value, "__name__", "").startswith("pyeliza.") and type(value).__name__ == "module":
            continue
        names.add(name)
    return names


def test_top_level_all_is_exact() -> None:
    assert set(pyeliza.__all__) == EXPECTED_TOP_LEVEL


def test_top_level_names_resolve() -> None:
    for name in pyeliza.__all__:
        assert getattr(pyeliza, name) is not None


def test_nothing_leaks_from_the_top_level() -> None:
    assert public_names(pyeliza) <= EXPECTED_TOP_LEVEL


def test_runtime_surface() -> None:
    assert set(pyeliza.runtime.__all__) == EXPECTED_RUNTIME
    assert public_names(pyeliza.runtime) <= EXPECTED_RUNTIME


def test_testing_surface() -> None:
    assert set(pyeliza.testing.__all__) >= EXPECTED_TESTING
    for name in pyeliza.testing.__all__:
        assert getattr(pyeliza.testing, name) is not None
