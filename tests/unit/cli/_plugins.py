"""Plugins importable by dotted path, used by the loader tests."""

from __future__ import annotations

from pyeliza.types import Plugin

greeter_plugin = Plugin(name="greeter", description="depends on the local embeddings", dependencies=["local"])
keyed_plugin = Plugin(name="keyed", required_settings=["KEYED_API_KEY", "KEYED_REGION"])
ping_plugin = Plugin(name="ping", dependencies=["tests.unit.cli._plugins:pong_plugin"])
pong_plugin = Plugin(name="pong", dependencies=["tests.unit.cli._plugins:ping_plugin"])


def make_plugin() -> Plugin:
    return Plugin(name="made")


not_a_plugin = 42
