"""What handling one message produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..types import Content, Memory, State

ResponseMode = Literal["simple", "actions", "none"]


@dataclass
class MessageProcessingResult:
    """The outcome of :meth:`DefaultMessageService.handle_message`.

    ``did_respond`` is true when a reply with text was stored and delivered. ``reason`` says why nothing was
    sent when ``did_respond`` is false (``self``, ``already_handled``, ``muted``, ``off``, ``ignored``,
    ``superseded``, ``unparsable``, ``timeout``).
    """

    did_respond: bool
    response_content: Content | None = None
    response_messages: list[Memory] = field(default_factory=list)
    state: State | None = None
    mode: ResponseMode = "none"
    reason: str | None = None
    run_id: str | None = None
