"""Services on an initialised runtime: start, lookup, load promises, send handlers, stop isolation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from pyeliza import AgentRuntime, Content, Plugin, Service
from pyeliza.errors import ConfigurationError, ServiceError
from pyeliza.testing import runtime_for_test


class Echo(Service):
    service_type: ClassVar[str] = "echo"
    sent: ClassVar[list[tuple[str, str | None]]] = []

    @classmethod
    def register_send_handlers(cls, runtime: AgentRuntime, instance: Service) -> None:
        async def send(rt: Any, target: Mapping[str, Any], content: Content) -> None:
            cls.sent.append((str(target.get("channel_id")), content.text))

        runtime.register_send_handler("echo", send)


class FailsToStop(Service):
    service_type: ClassVar[str] = "fragile"

    async def stop(self) -> None:
        raise RuntimeError("stuck")


async def test_queued_services_start_and_are_found(database_url: str) -> None:
    async with runtime_for_test(plugins=[Plugin(name="echo", services=[Echo])], database_url=database_url) as rt:
        service = rt.get_service("echo")
        assert isinstance(service, Echo)
        assert service.runtime is rt
        assert rt.get_typed_service("echo", Echo) is service
        assert rt.get_typed_service("echo", FailsToStop) is None
        assert rt.has_service("echo") and not rt.has_service("missing")
        assert rt.get_registered_service_types() == ["echo"]
        assert rt.get_service_registration_status("echo") == "registered"
        assert rt.get_service_registration_status("missing") == "unknown"
        assert await rt.get_service_load_promise("echo") is service
        assert rt.get_all_services() == {"echo": [service]}


async def test_send_handlers_are_registered_by_the_service(database_url: str) -> None:
    Echo.sent.clear()
    async with runtime_for_test(plugins=[Plugin(name="echo", services=[Echo])], database_url=database_url) as rt:
        await rt.send_message_to_target({"source": "echo", "channel_id": "c1"}, Content(text="hi"))
        with pytest.raises(ConfigurationError, match="nowhere"):
            await rt.send_message_to_target({"source": "nowhere"}, Content(text="x"))
    assert Echo.sent == [("c1", "hi")]


async def test_services_registered_later_start_at_once_and_wake_waiters(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        waiter = asyncio.create_task(rt.get_service_load_promise("echo"))
        await asyncio.sleep(0)
        assert not waiter.done()
        await rt.register_plugin(Plugin(name="late", services=[Echo, Echo]))
        first = await waiter
        assert rt.get_services_by_type("echo")[0] is first
        assert len(rt.get_services_by_type("echo")) == 2


async def test_failed_service_registered_later(database_url: str) -> None:
    class Broken(Service):
        service_type: ClassVar[str] = "broken"

        @classmethod
        async def start(cls, runtime: AgentRuntime) -> Broken:
            raise ValueError("bad config")

    async with runtime_for_test(database_url=database_url) as rt:
        with pytest.raises(ServiceError, match="broken"):
            await rt.register_service(Broken)
        assert rt.get_service_registration_status("broken") == "failed"
        with pytest.raises(ServiceError):
            await rt.get_service_load_promise("broken")


async def test_stop_stops_every_service_even_if_one_fails(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    stopped: list[str] = []

    class Quiet(Service):
        service_type: ClassVar[str] = "quiet"

        async def stop(self) -> None:
            stopped.append("quiet")

    with caplog.at_level(logging.ERROR, logger="pyeliza.runtime"):
        async with runtime_for_test(
            plugins=[Plugin(name="s", services=[FailsToStop, Quiet])], database_url=database_url
        ) as rt:
            pass
    assert stopped == ["quiet"]
    assert "fragile" in caplog.text
    assert rt.services == {}
