"""Model handlers of the ``classic`` plugin: answer the user's latest message in the pipeline's XML format."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar
from xml.sax.saxutils import escape

from pyeliza.types import GenerateTextParams, ObjectGenerationParams, Service, TextStreamResult

from .engine import Conversation, ElizaEngine

if TYPE_CHECKING:
    from pyeliza.runtime import AgentRuntime

logger = logging.getLogger("pyeliza.plugins.classic")

CONVERSATIONS_SERVICE_TYPE = "classic-conversations"
MAX_CONVERSATIONS = 1_000
_BOOLEAN_QUESTION = re.compile(r"\bYES\b.{0,40}\bNO\b", re.DOTALL)
_RECEIVED_HEADER = re.compile(r"^#+\s*Received Message\s*$", re.MULTILINE | re.IGNORECASE)
_SPEAKER_LINE = re.compile(r"^\s*(?:\d\d:\d\d \([^)]*\) \[[^\]]*\] )?([^\n:<>#]{1,60}):\s*(\S.*)$", re.MULTILINE)
_STREAM_PIECE = re.compile(r"\S+\s*|\s+")


class ClassicConversations(Service):
    """Per-room ELIZA state of one agent, bounded: the least recently used room is forgotten first."""

    service_type: ClassVar[str] = CONVERSATIONS_SERVICE_TYPE
    capability_description: ClassVar[str] = "Remembers the offline ELIZA conversation of each room"

    def __init__(self, runtime: AgentRuntime | None = None, max_rooms: int = MAX_CONVERSATIONS) -> None:
        super().__init__(runtime)
        self.max_rooms = max_rooms
        self._rooms: OrderedDict[str, Conversation] = OrderedDict()

    def conversation(self, room_id: str) -> Conversation:
        found = self._rooms.get(room_id)
        if found is None:
            found = self._rooms[room_id] = Conversation()
            while len(self._rooms) > self.max_rooms:
                self._rooms.popitem(last=False)
        self._rooms.move_to_end(room_id)
        return found

    def __len__(self) -> int:
        return len(self._rooms)

    async def stop(self) -> None:
        self._rooms.clear()


def text_from_prompt(prompt: str) -> str:
    """The user's line in a prompt: the "# Received Message" section, else the last ``Name: text`` line."""
    headers = list(_RECEIVED_HEADER.finditer(prompt))
    section = prompt[headers[-1].end() :] if headers else prompt
    if headers:
        section = re.split(r"^#", section.lstrip("\n"), maxsplit=1, flags=re.MULTILINE)[0]
    lines = list(_SPEAKER_LINE.finditer(section))
    if lines:
        return lines[-1].group(2).strip()
    stripped = section.strip()
    return stripped.splitlines()[-1] if stripped and headers else ""


def latest_user_message(runtime: AgentRuntime, prompt: str) -> tuple[str, str]:
    """``(room key, text)`` of the message being answered: from the run context, else from the prompt."""
    run = runtime.get_current_run_context()
    if run is not None and run.message is not None and run.message.content.text:
        return str(run.room_id or run.message.room_id), run.message.content.text
    return "prompt", text_from_prompt(prompt)


def is_boolean_question(prompt: str) -> bool:
    """Whether the prompt asks for a bare YES or NO (the room-state templates)."""
    tail = prompt[-400:]
    return "<response>" not in tail and _BOOLEAN_QUESTION.search(tail) is not None


def response_xml(agent_name: str, text: str) -> str:
    """One ``<response>`` block that satisfies the should-respond, message-handler and reply templates."""
    return (
        "<response>\n"
        f"  <name>{escape(agent_name)}</name>\n"
        "  <reasoning>The offline ELIZA responder answers every message.</reasoning>\n"
        "  <thought>Reflect the user's words back and invite them to say more.</thought>\n"
        "  <action>RESPOND</action>\n"
        "  <actions>REPLY</actions>\n"
        "  <providers></providers>\n"
        f"  <text>{escape(text)}</text>\n"
        "  <simple>true</simple>\n"
        "</response>"
    )


async def _pieces(text: str) -> AsyncIterator[str]:
    for piece in _STREAM_PIECE.findall(text):
        yield piece


class ClassicTextModel:
    """TEXT_* handler: the ELIZA answer to the latest user message, wrapped for the pipeline."""

    def __init__(self, engine: ElizaEngine | None = None) -> None:
        self.engine = engine or ElizaEngine()

    def answer(self, runtime: AgentRuntime, prompt: str) -> str:
        if is_boolean_question(prompt):
            return "NO"
        room, text = latest_user_message(runtime, prompt)
        service = runtime.get_typed_service(CONVERSATIONS_SERVICE_TYPE, ClassicConversations)
        conversation = service.conversation(room) if service is not None else Conversation()
        reply = self.engine.respond(text, conversation)
        logger.debug("classic reply in %s: %r -> %r", room, text, reply)
        return response_xml(runtime.character.name, reply)

    async def __call__(self, runtime: AgentRuntime, params: Any) -> str | TextStreamResult:
        prompt = params.prompt if isinstance(params, GenerateTextParams) else str(params or "")
        answer = self.answer(runtime, prompt)
        if isinstance(params, GenerateTextParams) and params.stream:
            return TextStreamResult(text_stream=_pieces(answer), finish_reason="stop")
        return answer


async def classic_object(runtime: AgentRuntime, params: Any) -> Any:
    """OBJECT_* handler: an empty value of the requested kind (``[]``, ``{}`` or the first enum value)."""
    if isinstance(params, ObjectGenerationParams):
        if params.output == "enum":
            return params.enum_values[0] if params.enum_values else ""
        if params.output == "array" or (params.schema_ or {}).get("type") == "array":
            return []
    return {}
