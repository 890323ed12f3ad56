"""The ASGI application: FastAPI routes, auth and CORS middleware, the chat page and Socket.IO on one server."""

from __future__ import annotations

import logging
from importlib.resources import files
from pathlib import Path
from typing import Any

import socketio
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from .. import __version__
from ..errors import InvalidInputError, PyElizaError, UsageError
from .agent_server import AgentServer
from .auth import token_from_headers, token_matches
from .realtime import SocketProtocol
from .responses import ApiError, error_body
from .routes import agents, audio, channels, groups, jobs, media, messaging, plugins, sessions, system, titles
from .routes.memory import memory_router

logger = logging.getLogger("pyeliza.server")

STATIC_DIR = Path(str(files("pyeliza.server").joinpath("static")))
UPLOAD_PATH_MARK = "/upload-media"
MULTIPART_OVERHEAD = 64 * 1024


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


async def _validation_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):
        raise exc
    details = [{"path": _field_path(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    message = "; ".join(f"{d['path']}: {d['message']}" for d in details)
    return JSONResponse(error_body("VALIDATION_ERROR", message, details), status_code=422)


async def _api_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ApiError):
        raise exc
    return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status)


async def _pyeliza_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, InvalidInputError | UsageError):
        return JSONResponse(error_body("BAD_REQUEST", str(exc)), status_code=400)
    logger.error("request %s %s failed: %s", request.method, request.url.path, exc)
    return JSONResponse(error_body("INTERNAL_ERROR", str(exc)), status_code=500)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    """Any other failure: logged with its traceback here, answered without one."""
    logger.error("request %s %s failed", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("INTERNAL_ERROR", "the server failed to handle the request"), status_code=500)


class ApiKeyMiddleware(BaseHTTPMiddleware):
    """With an auth token configured every ``/api`` request needs it (``X-API-KEY`` or ``Bearer``)."""

    def __init__(self, app: Any, token: str | None) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if self.token and request.method != "OPTIONS" and (path == "/api" or path.startswith("/api/")):
            provided = token_from_headers(request.headers)
            if not token_matches(provided, self.token):
                return JSONResponse(
                    {"error": "API key required", "message": "send the server token in X-API-KEY"}, status_code=401
                )
        return await call_next(request)


class UploadLimitMiddleware(BaseHTTPMiddleware):
    """Refuse upload requests whose declared size is over the limit before reading them."""

    def __init__(self, app: Any, limit: int) -> None:
        super().__init__(app)
        self.limit = limit

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path.endswith(UPLOAD_PATH_MARK):
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.limit + MULTIPART_OVERHEAD:
                body = error_body("FILE_TOO_LARGE", f"upload exceeds the limit of {self.limit} bytes")
                return JSONResponse(body, status_code=413)
        return await call_next(request)


def create_http_app(server: AgentServer) -> FastAPI:
    """The FastAPI application (REST API, OpenAPI at ``/docs``, chat page at ``/``)."""
    app = FastAPI(
        title="pyeliza",
        version=__version__,
        description="elizaOS-compatible agent server",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.agent_server = server
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(PyElizaError, _pyeliza_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(UploadLimitMiddleware, limit=server.config.upload_limit_bytes)
    app.add_middleware(ApiKeyMiddleware, token=server.config.auth_token)
    if server.config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(server.config.cors_origins),
            allow_credentials="*" not in server.config.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Total-Count"],
        )
    for router in (
        system.router,
        agents.router,
        sessions.router,
        jobs.router,
        titles.router,
        audio.router,
        groups.router,
        messaging.router,
        channels.router,
        media.router,
        plugins.router,
    ):
        app.include_router(router)
    app.include_router(memory_router("/api/memory"))
    app.include_router(memory_router("/api/agents"))

    if server.config.ui_enabled:
        app.mount("/ui", StaticFiles(directory=STATIC_DIR), name="ui")

        @app.get("/", include_in_schema=False)
        async def index() -> Response:
            return FileResponse(STATIC_DIR / "index.html")

    @app.api_route("/{path:path}", methods=plugins.METHODS, include_in_schema=False)
    async def fallback(path: str, request: Request) -> Response:
        if path == "api" or path.startswith("api/"):
            raise ApiError(404, "NOT_FOUND", f"no API route {request.method} /{path}")
        agent_id = request.query_params.get("agentId")
        response = await plugins.dispatch(server, request, path, agent_id, app_level=True)
        if response is None:
            raise ApiError(404, "NOT_FOUND", f"nothing at /{path}")
        return response

    return app


def create_app(server: AgentServer) -> socketio.ASGIApp:
    """The whole server as one ASGI app: Socket.IO at ``/socket.io`` and everything else in FastAPI."""
    SocketProtocol(server)
    return socketio.ASGIApp(server.sio, other_asgi_app=create_http_app(server), socketio_path="socket.io")
