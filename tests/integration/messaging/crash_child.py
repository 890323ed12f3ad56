"""Child process of the crash test: handle messages and SIGKILL itself at a chosen point, or recover.

Usage: ``python crash_child.py <database file> <mode>`` where mode is ``after-store``, ``in-model``,
``after-reply`` or ``recover``. Prints one JSON line with what it observed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from typing import Any

from pyeliza.messaging import DefaultMessageService
from pyeliza.plugins.bootstrap import MessageRecoveryService, bootstrap_plugin
from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_reply
from pyeliza.types import Character, Content, EventPayload, EventType, Memory, ModelType, string_to_uuid

CHARACTER = Character(name="Crashy", bio="An agent that dies at inconvenient moments.")
ROOM_ID = string_to_uuid("crash-test-room")
USER_ID = string_to_uuid("crash-test-user")
WORLD_ID = string_to_uuid("crash-test-world")
MESSAGES = [(string_to_uuid(f"crash-message-{n}"), f"question number {n}") for n in range(2)]


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def main(database: str, mode: str) -> dict[str, Any]:
    calls: list[str] = []

    def answer(prompt: str) -> str:
        calls.append(prompt)
        if mode == "in-model" and "question number 1" in prompt.split("# Received Message", 1)[-1]:
            _die()
        received = prompt.split("# Received Message", 1)[-1]
        number = "1" if "question number 1" in received else "0"
        return xml_reply(f"answer {number}")

    settings = {"PYELIZA_RECOVER_ON_START": "true" if mode == "recover" else "false"}
    async with runtime_for_test(
        CHARACTER,
        [bootstrap_plugin],
        database_url=f"sqlite:///{database}",
        models={ModelType.TEXT_LARGE: ScriptedModel(answer), ModelType.TEXT_SMALL: ScriptedModel([])},
        settings=settings,
    ) as runtime:
        conv = await Conversation.start(runtime, room_id=ROOM_ID, user_id=USER_ID, world_id=WORLD_ID)
        if mode == "recover":
            recovery = runtime.get_service(MessageRecoveryService.service_type)
            assert isinstance(recovery, MessageRecoveryService) and recovery.done is not None
            recovered = await recovery.done
        else:
            recovered = 0
            service = runtime.message_service
            assert isinstance(service, DefaultMessageService)

            async def on_received(payload: EventPayload) -> None:
                message = payload.get("message")
                if mode == "after-store" and isinstance(message, Memory) and message.id == MESSAGES[1][0]:
                    _die()

            async def deliver(content: Content) -> list[Memory]:
                if mode == "after-reply" and content.text == "answer 1":
                    _die()
                return []

            runtime.register_event(EventType.MESSAGE_RECEIVED, on_received)
            for message_id, text in MESSAGES:
                await service.handle_message(conv.message(text, id=message_id), deliver)
        history = await conv.history()
        replies = {
            message_id: [m.content.text for m in history if m.content.in_reply_to == message_id and m.content.text]
            for message_id, _ in MESSAGES
        }
        return {"model_calls": len(calls), "recovered": recovered, "replies": replies}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2]))))
