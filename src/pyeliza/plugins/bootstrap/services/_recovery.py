"""MessageRecoveryService: after a restart, answer the messages a crash left unanswered.

It starts with the runtime (services start after the message service exists) and runs
``message_service.recover_unanswered()`` in the background. Set ``PYELIZA_RECOVER_ON_START=false`` to skip it.
Replies are stored by the pipeline and announced with MESSAGE_SENT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, ClassVar, Self

from ....messaging import DefaultMessageService
from ....types import Service

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.bootstrap")


class MessageRecoveryService(Service):
    service_type: ClassVar[str] = "message-recovery"
    capability_description: ClassVar[str] = "Answers messages left unanswered by a crash"

    def __init__(self, runtime: AgentRuntime | None = None) -> None:
        super().__init__(runtime)
        self.done: asyncio.Task[int] | None = None

    @classmethod
    async def start(cls, runtime: AgentRuntime) -> Self:
        service = cls(runtime)
        service_obj = runtime.message_service
        if runtime.get_setting("PYELIZA_RECOVER_ON_START") is False or not isinstance(
            service_obj, DefaultMessageService
        ):
            return service
        service.done = asyncio.create_task(service._recover(service_obj), name="pyeliza-message-recovery")
        return service

    async def _recover(self, message_service: DefaultMessageService) -> int:
        try:
            count = await message_service.recover_unanswered()
        except Exception:
            logger.exception("recovering unanswered messages failed")
            return 0
        if count:
            logger.info("answered %d message(s) left unanswered by an earlier run", count)
        return count

    async def stop(self) -> None:
        task, self.done = self.done, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
