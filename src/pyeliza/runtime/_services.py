"""Services: started once the runtime is initialised, several instances per type, with a status per type."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from ..errors import ServiceError
from ..types import Service
from ._core import ServiceStatus, logger
from ._evaluators import EvaluatorsMixin

_ServiceT = TypeVar("_ServiceT", bound=Service)


class ServicesMixin(EvaluatorsMixin):
    async def register_service(self, service_class: type[Service]) -> None:
        """Start ``service_class`` now when the runtime is initialised, else queue it for ``initialize()``.

        A service whose ``start`` raises is marked ``failed`` and a :class:`ServiceError` naming it is raised.
        """
        service_type = service_class.service_type
        if not service_type:
            logger.warning("agent %s: service %s has no service_type; ignored", self.agent_id, service_class.__name__)
            return
        if not self._initialized:
            self._service_queue.append(service_class)
            self._service_status.setdefault(service_type, "pending")
            return
        await self._start_service(service_class)

    async def _start_service(self, service_class: type[Service]) -> Service:
        service_type = service_class.service_type
        self._service_status[service_type] = "registering"
        try:
            instance = await service_class.start(self.as_runtime)
        except Exception as exc:
            self._service_status[service_type] = "failed"
            error = ServiceError(f"service {service_class.__name__} ({service_type}) failed to start: {exc}")
            waiter = self._service_waiters.get(service_type)
            if waiter is not None and not waiter.done():
                waiter.set_exception(error)
            raise error from exc
        self.services.setdefault(service_type, []).append(instance)
        self._service_classes.setdefault(service_type, []).append(service_class)
        self._service_status[service_type] = "registered"
        waiter = self._service_waiters.get(service_type)
        if waiter is not None and not waiter.done():
            waiter.set_result(instance)
        register_send_handlers = getattr(service_class, "register_send_handlers", None)
        if callable(register_send_handlers):
            register_send_handlers(self.as_runtime, instance)
        logger.debug("agent %s: service %s started", self.character.name, service_type)
        return instance

    async def _start_queued_services(self) -> None:
        queue, self._service_queue = self._service_queue, []
        for service_class in queue:
            await self._start_service(service_class)

    async def _stop_services(self) -> None:
        """Stop every service instance; one that fails to stop is logged and the others still stop."""
        for service_type, instances in list(self.services.items()):
            for instance in instances:
                try:
                    await instance.stop()
                except Exception:
                    logger.exception("agent %s: service %s failed to stop", self.character.name, service_type)
        self.services.clear()
        self._service_classes.clear()
        self._service_status.clear()
        for waiter in self._service_waiters.values():
            waiter.cancel()
        self._service_waiters.clear()

    def get_service(self, service_type: str) -> Service | None:
        """The first instance of a service type, or ``None``."""
        instances = self.services.get(str(service_type))
        return instances[0] if instances else None

    def get_typed_service(self, service_type: str, service_class: type[_ServiceT]) -> _ServiceT | None:
        """The first instance of ``service_type`` if it is a ``service_class``, else ``None``."""
        instance = self.get_service(service_type)
        return instance if isinstance(instance, service_class) else None

    def get_services_by_type(self, service_type: str) -> list[Service]:
        return list(self.services.get(str(service_type), []))

    def has_service(self, service_type: str) -> bool:
        return bool(self.services.get(str(service_type)))

    def get_registered_service_types(self) -> list[str]:
        return [t for t, instances in self.services.items() if instances]

    def get_all_services(self) -> dict[str, list[Service]]:
        return self.services

    def get_service_registration_status(self, service_type: str) -> ServiceStatus:
        return self._service_status.get(str(service_type), "unknown")

    async def get_service_load_promise(self, service_type: str) -> Service:
        """Wait until the first instance of ``service_type`` has started and return it."""
        existing = self.get_service(service_type)
        if existing is not None:
            return existing
        key = str(service_type)
        if self._service_status.get(key) == "failed":
            raise ServiceError(f"service {key} failed to start")
        waiter = self._service_waiters.get(key)
        if waiter is None:
            waiter = asyncio.get_running_loop().create_future()
            self._service_waiters[key] = waiter
        return await asyncio.shield(waiter)
