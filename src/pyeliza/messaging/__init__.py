"""The message pipeline: a user message in, exactly one stored reply out."""

from ._ids import response_id_for
from ._result import MessageProcessingResult, ResponseMode
from ._service import DefaultMessageService

__all__ = ["DefaultMessageService", "MessageProcessingResult", "ResponseMode", "response_id_for"]
