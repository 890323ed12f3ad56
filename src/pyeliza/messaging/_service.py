"""The default message pipeline: receive -> store -> gate -> decide -> plan -> act -> evaluate -> deliver."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import IntegrityError, ResponseSuperseded, StateError
from ..prompts import MESSAGE_HANDLER_TEMPLATE, SHOULD_RESPOND_TEMPLATE, compose_prompt_from_state, parse_response
from ..types import (
    Content,
    EventType,
    HandlerCallback,
    Memory,
    MemoryMetadata,
    MemoryType,
    ModelType,
    ParticipantState,
    Room,
    RunStatus,
    State,
    new_uuid,
    now_ms,
)
from ..types.models import StreamChunkCallback
from ._attachments import AttachmentProcessor
from ._connect import connect_sender
from ._delivery import ReplyWriter
from ._ids import response_id_for
from ._multistep import MultiStepSettings, MultiStepStrategy
from ._plan import is_ignore, parse_plan
from ._recovery import find_unanswered
from ._result import MessageProcessingResult, ResponseMode
from ._rooms import RoomSequencer
from ._rules import decide_by_rules, name_in_text, parse_list_setting, respond_from_model_answer
from ._settings import bool_setting
from ._streaming import text_stream_forwarder

if TYPE_CHECKING:
    from ..runtime import AgentRuntime
    from ..storage import DatabaseAdapter

logger = logging.getLogger("pyeliza.messaging")

INITIAL_PROVIDERS = ["ANXIETY", "ENTITIES", "CHARACTER", "RECENT_MESSAGES", "ACTIONS"]
DEFAULT_TIMEOUT_S = 3600.0
MAX_PLAN_ATTEMPTS = 3
RUN_SOURCE = "messageHandler"
DEFAULT_RECOVER_MAX_AGE_MS = 24 * 3600 * 1000


@dataclass
class MessageRun:
    """Everything one message's handling knows; passed explicitly from step to step."""

    message: Memory
    response_id: str
    run_id: str
    started_at: int
    writer: ReplyWriter
    on_stream_chunk: StreamChunkCallback | None = None
    room: Room | None = None
    state: State | None = None
    responses: list[Memory] = field(default_factory=list)
    room_state: str | None = None
    status: str = RunStatus.COMPLETED
    error: str | None = None

    @property
    def room_id(self) -> str:
        return self.message.room_id


class DefaultMessageService:
    """Handles messages for one runtime: exactly one stored reply (or ignore marker) per incoming message."""

    def __init__(self, runtime: AgentRuntime, *, timeout_s: float | None = None) -> None:
        self._runtime = runtime
        self._rooms = RoomSequencer()
        configured = runtime.get_setting("PYELIZA_MESSAGE_TIMEOUT_MS")
        if timeout_s is not None:
            self._timeout_s = timeout_s
        elif isinstance(configured, int | float | str) and str(configured).strip().isdigit():
            self._timeout_s = int(str(configured).strip()) / 1000.0
        else:
            self._timeout_s = DEFAULT_TIMEOUT_S

    @property
    def _adapter(self) -> DatabaseAdapter:
        adapter = self._runtime.adapter
        if adapter is None:
            raise StateError("the message service needs a database adapter: initialize() the runtime first")
        return adapter

    # -- entry ---------------------------------------------------------------------------------------------
    async def handle_message(
        self,
        message: Memory,
        callback: HandlerCallback | None = None,
        *,
        on_stream_chunk: StreamChunkCallback | None = None,
    ) -> MessageProcessingResult:
        """Handle one incoming message; the reply is stored before ``callback`` sees it."""
        message = self._receive(message)
        if message.entity_id == self._runtime.agent_id:
            return MessageProcessingResult(did_respond=False, reason="self")
        assert message.id is not None
        stored = await self._store_incoming(message)
        if stored is False and await self._already_handled(message.id):
            return MessageProcessingResult(did_respond=False, reason="already_handled")
        self._rooms.announce(message.room_id, message.entity_id, message.id, message.created_at or now_ms())
        async with self._rooms.turn(message.room_id) as waited:
            if waited and await self._already_handled(message.id):  # handled while we waited for the room
                return MessageProcessingResult(did_respond=False, reason="already_handled")
            # A task of its own gives the run a fresh context, so its run id never leaks into the caller.
            return await asyncio.create_task(self._run(message, callback, on_stream_chunk, connect=stored is None))

    def latest_message_id(self, room_id: str, entity_id: str | None = None) -> str | None:
        """The newest message announced in a busy room, of ``entity_id`` or of any sender (``None`` when idle)."""
        return self._rooms.latest(room_id, entity_id)

    async def recover_unanswered(self, per_room: int | None = None, max_age_ms: int | None = None) -> int:
        """Answer stored user messages that have neither a reply nor an ignore marker (after a crash).

        Per room, the messages newer than the last handled one are handled oldest first; messages older than
        ``max_age_ms`` (setting ``PYELIZA_RECOVER_MAX_AGE_MS``, default one day) are left alone. Returns how many
        messages were handled.
        """
        if max_age_ms is None:
            configured = self._runtime.get_setting("PYELIZA_RECOVER_MAX_AGE_MS")
            max_age_ms = int(configured) if isinstance(configured, int | str) and str(configured).isdigit() else None
        since = now_ms() - (max_age_ms if max_age_ms is not None else DEFAULT_RECOVER_MAX_AGE_MS)
        handled = 0
        per_room = per_room or self._runtime.get_conversation_length()
        for message in await find_unanswered(self._runtime, per_room, since):
            result = await self.handle_message(message)
            handled += result.reason != "already_handled"
        return handled

    def _receive(self, message: Memory) -> Memory:
        updates: dict[str, Any] = {}
        if message.id is None:
            updates["id"] = new_uuid()
        if message.agent_id is None:
            updates["agent_id"] = self._runtime.agent_id
        if message.created_at is None:
            updates["created_at"] = now_ms()
        if message.metadata is None:
            updates["metadata"] = MemoryMetadata(type=MemoryType.MESSAGE, timestamp=now_ms())
        return message.model_copy(update=updates) if updates else message

    async def _store_incoming(self, message: Memory) -> bool | None:
        """Store the incoming message (insert-or-ignore): ``True`` when it is new (so it cannot have been answered),
        ``False`` when it was stored before, ``None`` when its room or sender does not exist yet (the run connects
        them and stores it once it holds the room)."""
        try:
            return await self._adapter.create_memory_if_new(message, "messages")
        except IntegrityError:
            return None

    async def _already_handled(self, message_id: str) -> bool:
        reply = await self._adapter.get_memory_by_id(response_id_for(self._runtime.agent_id, message_id))
        return reply is not None

    # -- the run ---------------------------------------------------------------------------------------------
    async def _run(
        self,
        message: Memory,
        callback: HandlerCallback | None,
        on_stream_chunk: StreamChunkCallback | None,
        *,
        connect: bool,
    ) -> MessageProcessingResult:
        runtime = self._runtime
        assert message.id is not None
        response_id = response_id_for(runtime.agent_id, message.id)
        if connect:
            await self._connect_and_insert(message)
        run_id = runtime.start_run(message.room_id, message)
        run = MessageRun(
            message=message,
            response_id=response_id,
            run_id=run_id,
            started_at=now_ms(),
            writer=ReplyWriter(runtime, message, response_id, callback),
            on_stream_chunk=on_stream_chunk,
        )
        await runtime.emit_event(EventType.RUN_STARTED, self._run_payload(run, status=RunStatus.STARTED))
        result = MessageProcessingResult(did_respond=False, run_id=run_id)
        try:
            async with asyncio.timeout(self._timeout_s) as deadline:
                try:
                    result = await self._steps(run)
                except ResponseSuperseded:
                    run.status = RunStatus.SUPERSEDED
                    logger.info("reply to message %s discarded: a newer message arrived", message.id)
                    await self._mark_handled(run, "superseded by a newer message", notify=False)
                    result = MessageProcessingResult(did_respond=False, reason="superseded", run_id=run_id)
        except TimeoutError:
            if not deadline.expired():
                raise
            run.status, run.error = RunStatus.TIMEOUT, "Run exceeded timeout"
            logger.error("message %s: run %s exceeded %.0f s", message.id, run_id, self._timeout_s)
            await runtime.emit_event(EventType.RUN_TIMEOUT, self._run_payload(run, status=RunStatus.TIMEOUT))
            result = MessageProcessingResult(did_respond=False, reason="timeout", run_id=run_id)
        except BaseException as exc:
            run.status, run.error = RunStatus.ERROR, str(exc) or type(exc).__name__
            raise
        finally:
            await runtime.emit_event(EventType.RUN_ENDED, self._run_payload(run, status=run.status, ended=True))
            runtime.end_run()
            # The composed state is only reused within the run; kept, 1,000 of them made every full garbage
            # collection scan a few hundred thousand objects (W5). The result still carries it.
            runtime.state_cache.discard(message.id)
        result.run_id = run_id
        return result

    def _run_payload(self, run: MessageRun, *, status: str, ended: bool = False) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "runId": run.run_id,
            "messageId": run.message.id,
            "roomId": run.room_id,
            "entityId": run.message.entity_id,
            "startTime": run.started_at,
            "status": status,
            "source": RUN_SOURCE,
        }
        if ended:
            end = now_ms()
            payload.update(endTime=end, duration=end - run.started_at)
            if run.error:
                payload["error"] = run.error
        return payload

    async def _steps(self, run: MessageRun) -> MessageProcessingResult:
        await self._store(run)
        muted_reason = await self._gate(run)
        if muted_reason:
            await self._mark_handled(run, muted_reason, notify=False)
            return MessageProcessingResult(did_respond=False, reason=muted_reason)
        if run.message.content.attachments:
            await self._process_attachments(run)
        if not await self._decide(run):
            await self._mark_handled(run, "decided not to respond", notify=True)
            await self._evaluate(run, did_respond=False)
            return MessageProcessingResult(did_respond=False, state=run.state, reason="ignored")
        self._check_latest(run)
        if bool_setting(self._runtime, "USE_MULTI_STEP"):
            return await self._multi_step(run)
        plan = await self._plan(run)
        if plan is None:
            run.status = RunStatus.ERROR
            run.error = f"the model's answer could not be parsed after {MAX_PLAN_ATTEMPTS} attempts"
            logger.error("message %s: %s; no reply sent", run.message.id, run.error)
            await self._mark_handled(run, run.error, notify=False)
            return MessageProcessingResult(did_respond=False, state=run.state, reason="unparsable")
        self._check_latest(run)
        mode = await self._act(run, plan)
        await self._evaluate(run, did_respond=run.writer.delivered_text)
        return self._deliver(run, plan, mode)

    # -- steps -----------------------------------------------------------------------------------------------
    async def _connect_and_insert(self, message: Memory) -> None:
        """Create the unknown room or sender of a message through ``ensure_connection``, then store the message
        (before the run starts, so its log rows have a room)."""
        await connect_sender(self._runtime, message)
        await self._adapter.create_memory(message, "messages")

    async def _store(self, run: MessageRun) -> None:
        """Queue the stored message's embedding without waiting for it and announce it (MESSAGE_RECEIVED)."""
        runtime = self._runtime
        if run.message.embedding is None and run.message.content.text:
            await runtime.queue_embedding_generation(run.message, priority="high")
        await runtime.emit_event(
            EventType.MESSAGE_RECEIVED,
            {
                "message": run.message,
                "roomId": run.room_id,
                "runId": run.run_id,
                "source": run.message.content.source or RUN_SOURCE,
                "handled": True,
            },
        )

    async def _process_attachments(self, run: MessageRun) -> None:
        """Describe images and fetch documents; the enriched attachments replace the stored ones."""
        attachments = await AttachmentProcessor(self._runtime).process(list(run.message.content.attachments or []))
        run.message = run.message.model_copy(
            update={"content": run.message.content.model_copy(update={"attachments": attachments})}
        )
        await self._adapter.update_memory({"id": run.message.id, "content": run.message.content})

    async def _gate(self, run: MessageRun) -> str | None:
        """Room state: ``off`` (BOOTSTRAP_DEFLLMOFF and no state) or ``muted`` (unless named); None to go on."""
        runtime = self._runtime
        room_state = await self._adapter.get_participant_user_state(run.room_id, runtime.agent_id)
        run.room_state = room_state
        if runtime.get_setting("BOOTSTRAP_DEFLLMOFF") is True and room_state is None:
            return "off"
        if room_state == ParticipantState.MUTED and not self._names_agent(run.message):
            return "muted"
        return None

    def _names_agent(self, message: Memory) -> bool:
        character = self._runtime.character
        names = [character.name, character.username or ""]
        return any(name_in_text(name, message.content.text) for name in names)

    async def _decide(self, run: MessageRun) -> bool:
        """The rule layer, then the TEXT_SMALL should-respond prompt when no rule is final.

        The initial state (reference §6.2 step 4) is composed only when the model has to decide.
        """
        runtime = self._runtime
        run.room = await runtime.get_room(run.room_id)
        character = runtime.character
        rule = decide_by_rules(
            run.message,
            run.room,
            agent_names=[character.name, character.username or ""],
            followed=run.room_state == ParticipantState.FOLLOWED,
            extra_room_types=parse_list_setting(
                runtime.get_setting("ALWAYS_RESPOND_CHANNELS") or runtime.get_setting("SHOULD_RESPOND_BYPASS_TYPES")
            ),
            extra_sources=parse_list_setting(
                runtime.get_setting("ALWAYS_RESPOND_SOURCES") or runtime.get_setting("SHOULD_RESPOND_BYPASS_SOURCES")
            ),
        )
        logger.debug("message %s: should respond=%s (%s)", run.message.id, rule.should_respond, rule.reason)
        if rule.final:
            return rule.should_respond
        run.state = await runtime.compose_state(run.message, INITIAL_PROVIDERS, only_include=True)
        template = (character.templates or {}).get("shouldRespondTemplate") or SHOULD_RESPOND_TEMPLATE
        answer = await runtime.use_model(
            ModelType.TEXT_SMALL, {"prompt": compose_prompt_from_state(run.state, template)}
        )
        parsed = parse_response(answer) if isinstance(answer, str) else None
        return respond_from_model_answer(parsed)

    def _check_latest(self, run: MessageRun) -> None:
        """Raise ResponseSuperseded when a newer message of the sender arrived (unless BOOTSTRAP_KEEP_RESP)."""
        if bool_setting(self._runtime, "BOOTSTRAP_KEEP_RESP"):
            return
        assert run.message.id is not None
        if not self._rooms.is_latest(run.room_id, run.message.entity_id, run.message.id):
            raise ResponseSuperseded(
                f"message {run.message.id} was superseded by a newer message of its sender in its room"
            )

    async def _plan(self, run: MessageRun) -> Content | None:
        """TEXT_LARGE with the message-handler template; up to three attempts while the answer is unparsable."""
        runtime = self._runtime
        run.state = await runtime.compose_state(run.message, ["ACTIONS"])
        template = (runtime.character.templates or {}).get("messageHandlerTemplate") or MESSAGE_HANDLER_TEMPLATE
        params: dict[str, Any] = {"prompt": compose_prompt_from_state(run.state, template)}
        for attempt in range(1, MAX_PLAN_ATTEMPTS + 1):
            if run.on_stream_chunk is not None:
                params["on_stream_chunk"] = text_stream_forwarder(run.on_stream_chunk, run.response_id, plan=True)
            answer = await runtime.use_model(ModelType.TEXT_LARGE, params)
            plan = parse_plan(answer)
            if plan is not None:
                return plan
            logger.warning("message %s: unparsable model answer (attempt %d)", run.message.id, attempt)
        return None

    async def _act(self, run: MessageRun, plan: Content) -> ResponseMode:
        """Send a simple reply directly, or run the planned actions (their callbacks are the replies)."""
        runtime = self._runtime
        if is_ignore(plan):
            await run.writer(plan)
            return "none"
        run.responses = [
            Memory(
                id=run.response_id,
                entity_id=runtime.agent_id,
                agent_id=runtime.agent_id,
                room_id=run.room_id,
                content=plan.model_copy(update={"response_id": run.response_id, "in_reply_to": run.message.id}),
                created_at=now_ms(),
            )
        ]
        if plan.simple and plan.text:
            await run.writer(plan)
            return "simple"
        if plan.providers:
            run.state = await runtime.compose_state(run.message, list(plan.providers))
        stream = text_stream_forwarder(run.on_stream_chunk, run.response_id) if run.on_stream_chunk else None
        await runtime.process_actions(run.message, run.responses, run.state, run.writer, on_stream_chunk=stream)
        if not run.writer.stored:
            await run.writer.store(plan.model_copy(update={"text": None}))
        return "actions"

    async def _multi_step(self, run: MessageRun) -> MessageProcessingResult:
        """Reference §6.5: steps until done, then one summary reply (action output is delivered as it comes)."""
        strategy = MultiStepStrategy(
            self._runtime, run.message, run.writer, MultiStepSettings.from_runtime(self._runtime)
        )
        summary = await strategy.run()
        run.state = strategy.state
        self._check_latest(run)
        await run.writer(summary)
        run.responses = list(run.writer.stored)
        await self._evaluate(run, did_respond=run.writer.delivered_text)
        return self._deliver(run, summary, "simple")

    async def _evaluate(self, run: MessageRun, *, did_respond: bool) -> None:
        if run.state is None:
            return
        await self._runtime.evaluate(run.message, run.state, did_respond, run.writer, run.responses)

    def _deliver(self, run: MessageRun, plan: Content, mode: ResponseMode) -> MessageProcessingResult:
        content = run.writer.last_content if mode == "actions" and run.writer.last_content else plan
        return MessageProcessingResult(
            did_respond=run.writer.delivered_text,
            response_content=content,
            response_messages=list(run.writer.stored),
            state=run.state,
            mode=mode,
            reason=None if run.writer.delivered_text else "no reply text",
        )

    async def _mark_handled(self, run: MessageRun, why: str, *, notify: bool) -> None:
        """Store the ignore marker under the response id so the message is never handled again."""
        content = Content(
            thought=f"{self._runtime.character.name} did not reply: {why}", actions=["IGNORE"], simple=True
        )
        if notify:
            await run.writer(content)
        else:
            await run.writer.store(content)
