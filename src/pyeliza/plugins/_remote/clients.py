"""SDK clients that live as long as the runtime, so model calls reuse connections (and TLS sessions).

Building an SDK client costs tens of milliseconds (an SSL context, a connection pool) and a fresh client opens a
fresh connection, so each provider plugin registers a ``ClientPoolService``: one client per endpoint, key and
timeout, closed when the runtime stops. Without the service (a bare object with ``get_setting``) each call builds
and closes its own client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast

from pyeliza.types import Service

logger = logging.getLogger("pyeliza.models")


class AsyncClosable(Protocol):
    async def close(self) -> None: ...


C = TypeVar("C", bound=AsyncClosable)


class ClientPoolService(Service):
    """Reusable clients of one remote model provider, keyed by whatever distinguishes their configuration."""

    service_type: ClassVar[str] = ""
    capability_description: ClassVar[str] = "Reusable HTTP clients of a remote model provider"

    def __init__(self, runtime: Any = None) -> None:
        super().__init__(runtime)
        self._clients: dict[Hashable, AsyncClosable] = {}

    @property
    def clients(self) -> tuple[AsyncClosable, ...]:
        """The clients currently open."""
        return tuple(self._clients.values())

    def client(self, key: Hashable, factory: Callable[[], C]) -> C:
        existing = self._clients.get(key)
        if existing is None:
            existing = self._clients[key] = factory()
        return cast(C, existing)

    async def stop(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            try:
                await client.close()
            except Exception:
                logger.exception("closing a %s client failed", self.service_type)


def client_pool_type(provider: str) -> str:
    """The service type of a provider plugin's client pool."""
    return f"model-clients:{provider}"


def client_pool_service(service_type: str) -> type[ClientPoolService]:
    """A ClientPoolService subclass registered under ``service_type`` (one per provider plugin)."""
    name = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", service_type)) or "Provider"
    pool_class = type(f"{name}ClientPool", (ClientPoolService,), {"service_type": service_type})
    return cast(type[ClientPoolService], pool_class)


class ClientLease(Generic[C]):
    """A client for one call: borrowed from the runtime's pool, or owned (and closed on release) without one."""

    def __init__(self, client: C, owned: bool) -> None:
        self.client = client
        self.owned = owned

    async def release(self) -> None:
        if self.owned:
            await self.client.close()

    async def __aenter__(self) -> C:
        return self.client

    async def __aexit__(self, *exc_info: object) -> None:
        await self.release()

    @classmethod
    def for_runtime(cls, runtime: Any, service_type: str, key: Hashable, factory: Callable[[], C]) -> Self:
        get_service = getattr(runtime, "get_service", None)
        pool = get_service(service_type) if callable(get_service) else None
        if isinstance(pool, ClientPoolService):
            return cls(pool.client(key, factory), owned=False)
        return cls(factory(), owned=True)
