"""Health, ping, version and status routes."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from ... import __version__
from ...types import now_ms
from ..deps import ServerDep
from ..responses import ok

router = APIRouter(tags=["system"])


@router.get("/healthz")
async def healthz() -> Response:
    return JSONResponse({"status": "ok", "timestamp": now_ms()})


@router.get("/health")
async def health(server: ServerDep) -> Response:
    count = len(server.runtimes)
    body = {
        "status": "OK" if count else "DEGRADED",
        "version": __version__,
        "timestamp": now_ms(),
        "dependencies": {"agents": "healthy" if count else "no_agents"},
        "agentCount": count,
    }
    return JSONResponse(body, status_code=200 if count else 503)


@router.get("/api/server/ping")
async def ping() -> Response:
    return JSONResponse({"pong": True, "timestamp": now_ms()})


@router.get("/api/server/hello")
async def hello() -> Response:
    return JSONResponse({"message": "Hello World!"})


@router.get("/api/server/status")
async def status(server: ServerDep) -> Response:
    return ok({"status": "ok", "agentCount": len(server.runtimes), "timestamp": now_ms()})


@router.get("/api/server/health")
async def server_health(server: ServerDep) -> Response:
    return ok({"status": "healthy", "agentCount": len(server.runtimes), "timestamp": now_ms()})


@router.get("/api/system/version")
async def version(server: ServerDep) -> Response:
    return JSONResponse(
        {
            "version": __version__,
            "source": "server",
            "timestamp": now_ms(),
            "environment": server.env.get("PYELIZA_ENV", "production"),
            "uptime": round(time.time() - server.started_at, 3),
        }
    )


@router.get("/api/system/config")
async def config(server: ServerDep) -> Response:
    return ok({"requiresAuth": bool(server.config.auth_token)})
