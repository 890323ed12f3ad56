"""``runtime_for_test``: an initialised runtime on a throw-away SQLite file."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from ..runtime import AgentRuntime
from ..types import Character, ModelHandler, ModelType, Plugin
from ._scripted import stub_embedding

TEST_MODEL_PRIORITY = 1000

DEFAULT_TEST_CHARACTER = Character(name="Test Agent", bio=["An agent used in tests."])


@asynccontextmanager
async def runtime_for_test(
    character: Character | None = None,
    plugins: Sequence[Plugin] = (),
    *,
    database_url: str | None = None,
    models: Mapping[str, ModelHandler] | None = None,
    settings: Mapping[str, str] | None = None,
) -> AsyncIterator[AgentRuntime]:
    """Yield an initialised ``AgentRuntime`` and stop it afterwards.

    The database is a fresh SQLite file in a temporary directory unless ``database_url`` is given. ``models``
    registers model handlers (type -> handler) that win over the plugins' own (a plugin named ``test-models``);
    the stub embedding is used for TEXT_EMBEDDING when nothing else provides one.
    """
    from ..storage import create_adapter

    handlers: dict[str, ModelHandler] = dict(models or {})
    provided = {str(t) for p in plugins for t in p.models}
    if str(ModelType.TEXT_EMBEDDING) not in provided and str(ModelType.TEXT_EMBEDDING) not in handlers:
        handlers[ModelType.TEXT_EMBEDDING] = stub_embedding
    all_plugins = [*plugins, Plugin(name="test-models", models=handlers, priority=TEST_MODEL_PRIORITY)]
    with tempfile.TemporaryDirectory(prefix="pyeliza-test-") as directory:
        url = database_url or f"sqlite:///{Path(directory) / 'agent.db'}"
        runtime = AgentRuntime(character or DEFAULT_TEST_CHARACTER, plugins=all_plugins, settings=settings)
        adapter = await create_adapter(url, agent_id=runtime.agent_id)
        runtime.register_database_adapter(adapter)
        try:
            await runtime.initialize()
        except BaseException:
            await adapter.close()
            raise
        try:
            yield runtime
        finally:
            await runtime.stop()
