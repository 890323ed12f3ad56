"""Uploaded files: size-limited, stored under the upload folder with sanitised names (no path traversal)."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path, PurePosixPath, PureWindowsPath

from fastapi import UploadFile

from ..types import new_uuid
from .responses import ApiError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
ALLOWED_MIME_PREFIXES = ("image/", "audio/", "video/", "text/plain", "application/pdf")
CHUNK = 1024 * 1024


def safe_filename(original: str) -> str:
    """The basename of ``original`` with unsafe characters replaced; never empty, never a dot file."""
    base = PureWindowsPath(PurePosixPath(original).name).name
    cleaned = _UNSAFE.sub("_", base).strip("._") or "file"
    return cleaned[:120]


def inside(root: Path, candidate: Path) -> bool:
    """True when ``candidate`` resolves to a path inside ``root``."""
    try:
        candidate.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


async def save_upload(upload: UploadFile, folder: Path, root: Path, limit: int) -> tuple[Path, int]:
    """Write ``upload`` into ``folder`` (which must be inside ``root``); 413 past ``limit`` bytes."""
    content_type = (upload.content_type or "").lower()
    if not content_type.startswith(ALLOWED_MIME_PREFIXES):
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", f"file type {content_type or 'unknown'!r} is not accepted")
    if not inside(root, folder):
        raise ApiError(400, "INVALID_PATH", "upload folder is outside the upload root")
    name = f"{int(time.time() * 1000)}-{new_uuid()[:8]}-{safe_filename(upload.filename or 'file')}"
    target = folder / name
    if not inside(root, target):
        raise ApiError(400, "INVALID_FILENAME", f"invalid file name {upload.filename!r}")
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    size = 0
    handle = await asyncio.to_thread(target.open, "wb")
    try:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "FILE_TOO_LARGE", f"file exceeds the upload limit of {limit} bytes")
            await asyncio.to_thread(handle.write, chunk)
    except ApiError:
        await asyncio.to_thread(handle.close)
        await asyncio.to_thread(target.unlink, True)
        raise
    await asyncio.to_thread(handle.close)
    return target, size
