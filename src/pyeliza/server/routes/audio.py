"""``/api/audio/:agentId``: speech to text and text to speech with the agent's TRANSCRIPTION / TEXT_TO_SPEECH models.

An agent without the needed model answers 501 ``MODEL_NOT_AVAILABLE`` naming the model type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Response, UploadFile

from ...types import ModelType
from ..deps import ServerDep, running_agent
from ..responses import ApiError, ok
from ..schemas import SpeechBody

if TYPE_CHECKING:
    from ...runtime import AgentRuntime

router = APIRouter(prefix="/api/audio", tags=["audio"])

MAX_AUDIO_BYTES = 25 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"RIFF", "audio/wav"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
    (b"\xff\xf3", "audio/mpeg"),
)


def audio_mime(data: bytes) -> str:
    """The MIME type of synthesised audio, from its first bytes (``audio/mpeg`` when unknown)."""
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    return "audio/mpeg"


def _require_model(runtime: AgentRuntime, model_type: str) -> None:
    if runtime.get_model(model_type) is None:
        raise ApiError(
            501,
            "MODEL_NOT_AVAILABLE",
            f"agent {runtime.agent_id} has no {model_type} model registered (add a plugin that provides one)",
        )


async def _read_audio(file: UploadFile) -> bytes:
    data = await file.read(MAX_AUDIO_BYTES + 1)
    if len(data) > MAX_AUDIO_BYTES:
        raise ApiError(413, "FILE_TOO_LARGE", f"audio exceeds the limit of {MAX_AUDIO_BYTES} bytes")
    if not data:
        raise ApiError(400, "INVALID_REQUEST", "the uploaded audio file is empty")
    return data


async def _transcribe(server: ServerDep, agent_id: str, file: UploadFile) -> str:
    runtime = running_agent(server, agent_id)
    _require_model(runtime, ModelType.TRANSCRIPTION)
    audio = await _read_audio(file)
    text = await runtime.use_model(ModelType.TRANSCRIPTION, {"audio": audio})
    return str(text or "")


@router.post("/{agent_id}/transcriptions")
async def transcriptions(agent_id: str, file: UploadFile, server: ServerDep) -> Response:
    return ok({"text": await _transcribe(server, agent_id, file)})


@router.post("/{agent_id}/audio-messages")
async def audio_message(agent_id: str, file: UploadFile, server: ServerDep) -> Response:
    text = await _transcribe(server, agent_id, file)
    return ok({"transcription": text, "message": "Audio transcribed"})


@router.post("/{agent_id}/speech/generate")
@router.post("/{agent_id}/audio-messages/synthesize")
async def speech(agent_id: str, body: SpeechBody, server: ServerDep) -> Response:
    runtime = running_agent(server, agent_id)
    _require_model(runtime, ModelType.TEXT_TO_SPEECH)
    audio = await runtime.use_model(ModelType.TEXT_TO_SPEECH, {"text": body.text})
    if not isinstance(audio, bytes | bytearray) or not audio:
        raise ApiError(502, "SPEECH_FAILED", "the TEXT_TO_SPEECH model returned no audio")
    data = bytes(audio)
    return Response(content=data, media_type=audio_mime(data))
