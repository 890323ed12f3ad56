"""``AgentRuntime``: one agent's plugins, services, models, memory, events and connections.

The class itself is thin; each concern lives in its own module (see ``_core.py`` for the layering).
"""

from __future__ import annotations

from ._lifecycle import LifecycleMixin


class AgentRuntime(LifecycleMixin):
    """The runtime of one agent.

    ``AgentRuntime(character, *, agent_id=None, plugins=(), adapter=None, settings=None, conversation_length=32,
    strict_settings=False)`` does no I/O; ``await runtime.initialize()`` (or ``async with runtime:``) brings it up
    and ``await runtime.stop()`` releases it. The agent id is ``character.id``, else ``agent_id``, else
    ``string_to_uuid(character.name)``, so an agent keeps its memory across restarts while its name is stable.
    With ``strict_settings=True`` (meant for the server and CLI) ``initialize()`` refuses to start when a plugin's
    required setting is missing or a needed chat model is absent, listing every problem in one
    :class:`~pyeliza.errors.ConfigurationError`; otherwise each is logged as a warning.
    """
