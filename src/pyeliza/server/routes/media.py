"""Media uploads for agents and channels and the static routes that serve them back."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter, Response, UploadFile
from fastapi.responses import FileResponse

from ...types import content_type_from_mime
from ..deps import ServerDep, check_uuid
from ..responses import ApiError, ok
from ..uploads import inside, safe_filename, save_upload

router = APIRouter(tags=["media"])


async def _upload(server: ServerDep, kind: str, owner_id: str, file: UploadFile) -> Response:
    root = server.config.upload_dir
    folder = root / kind / owner_id
    path, size = await save_upload(file, folder, root, server.config.upload_limit_bytes)
    mime = file.content_type or "application/octet-stream"
    kind_of = content_type_from_mime(mime)
    return ok(
        {
            "url": f"/media/uploads/{kind}/{owner_id}/{path.name}",
            "type": str(kind_of) if kind_of else "document",
            "mimeType": mime,
            "filename": path.name,
            "originalName": file.filename,
            "size": size,
        }
    )


@router.post("/api/media/agents/{agent_id}/upload-media")
async def upload_agent_media(agent_id: str, file: UploadFile, server: ServerDep) -> Response:
    return await _upload(server, "agents", check_uuid(agent_id, "agentId"), file)


@router.post("/api/media/channels/{channel_id}/upload-media")
@router.post("/api/messaging/channels/{channel_id}/upload-media")
async def upload_channel_media(channel_id: str, file: UploadFile, server: ServerDep) -> Response:
    return await _upload(server, "channels", check_uuid(channel_id, "channelId"), file)


@router.get("/media/uploads/{kind}/{owner_id}/{filename}")
async def serve_upload(kind: str, owner_id: str, filename: str, server: ServerDep) -> Response:
    if kind not in ("agents", "channels"):
        raise ApiError(404, "NOT_FOUND", "unknown media folder")
    check_uuid(owner_id, "id")
    root = server.config.upload_dir
    target: Path = root / kind / owner_id / safe_filename(filename)
    if not inside(root, target) or not await asyncio.to_thread(target.is_file):
        raise ApiError(404, "NOT_FOUND", f"file {filename!r} not found")
    return FileResponse(target)
