"""The public surface of ``pyeliza.messaging`` and ``pyeliza.plugins.bootstrap``: nothing leaks or disappears."""

from __future__ import annotations

import pyeliza.messaging
import pyeliza.plugins.bootstrap


def test_messaging_exports() -> None:
    assert set(pyeliza.messaging.__all__) == {
        "DefaultMessageService",
        "MessageProcessingResult",
        "ResponseMode",
        "response_id_for",
    }
    public = {name for name in vars(pyeliza.messaging) if not name.startswith("_")}
    assert public == set(pyeliza.messaging.__all__)


def test_bootstrap_exports_and_plugin_contents() -> None:
    assert set(pyeliza.plugins.bootstrap.__all__) == {
        "EmbeddingGenerationService",
        "MessageRecoveryService",
        "TaskService",
        "bootstrap_plugin",
    }
    plugin = pyeliza.plugins.bootstrap.bootstrap_plugin
    assert plugin.name == "bootstrap"
    assert [a.name for a in plugin.actions] == [
        "REPLY",
        "FOLLOW_ROOM",
        "UNFOLLOW_ROOM",
        "IGNORE",
        "NONE",
        "MUTE_ROOM",
        "UNMUTE_ROOM",
        "SEND_MESSAGE",
        "UPDATE_CONTACT",
        "CHOOSE_OPTION",
        "UPDATE_ROLE",
        "UPDATE_SETTINGS",
        "GENERATE_IMAGE",
    ]
    flags = {p.name: (p.position, p.dynamic, p.private) for p in plugin.providers}
    assert flags["ACTIONS"] == (-1, False, False)
    assert flags["RECENT_MESSAGES"] == (100, False, False)
    assert flags["ACTION_STATE"] == (150, False, False)
    assert flags["EVALUATORS"] == (0, False, True)
    assert all(flags[name][1] for name in ("ENTITIES", "RELATIONSHIPS", "FACTS", "ATTACHMENTS", "WORLD"))
    assert len(flags) == 16
    assert [e.name for e in plugin.evaluators] == ["REFLECTION"]
