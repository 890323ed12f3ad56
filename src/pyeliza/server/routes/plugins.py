"""Plugin routes: each running agent's ``routes`` served under ``/api/agents/<id>/plugins/...`` and at app level.

A route path matches literally, with ``:name`` segments captured as params, or by prefix when it ends in
``/*``. ``?agentId=<uuid>`` limits the search to one agent; otherwise running agents are tried in order.

At app level a route needs the server's auth token (like ``/api``) unless it is declared ``public=True``.
``STATIC`` routes serve GET/HEAD requests from their ``file_path`` folder (or single file), never outside it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse

from ...types import Route, RouteRequest
from ..auth import token_from_headers, token_matches
from ..deps import check_uuid, get_server
from ..responses import ApiError

if TYPE_CHECKING:
    from ...runtime import AgentRuntime
    from ..agent_server import AgentServer

logger = logging.getLogger("pyeliza.server.plugins")

router = APIRouter(tags=["plugins"])

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def match_path(pattern: str, path: str) -> dict[str, str] | None:
    """Params when ``path`` matches ``pattern`` (``/items/:id``, ``/files/*``), else ``None``."""
    if pattern.endswith("/*"):
        prefix = pattern[:-2]
        return {} if path == prefix or path.startswith(prefix + "/") else None
    wanted = [p for p in pattern.split("/") if p]
    got = [p for p in path.split("/") if p]
    if len(wanted) != len(got):
        return None
    params: dict[str, str] = {}
    for expected, actual in zip(wanted, got, strict=True):
        if expected.startswith(":"):
            params[expected[1:]] = actual
        elif expected != actual:
            return None
    return params


def find_route(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        if route.type == "STATIC" or route.type != method or route.handler is None:
            continue
        params = match_path(route.path, path)
        if params is not None:
            return route, params
    return None


def static_target(route: Route, path: str) -> Path | None:
    """The file a STATIC ``route`` serves for ``path``; ``None`` when it is not under the route or escapes it."""
    if route.file_path is None:
        return None
    prefix = route.path.rstrip("/")
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    root = Path(route.file_path)
    rest = path[len(prefix) :].strip("/")
    if not rest:
        return None if root.is_dir() else root.resolve()
    if root.is_file() or any(part in ("..", "") for part in rest.split("/")) or "\\" in rest:
        return None
    candidate = (root / rest).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return None
    return candidate


async def _serve_static(routes: Sequence[Route], path: str) -> tuple[Route, Path] | None:
    for route in routes:
        if route.type != "STATIC":
            continue
        target = await asyncio.to_thread(static_target, route, path)
        if target is not None and await asyncio.to_thread(target.is_file):
            return route, target
    return None


def _authorised(server: AgentServer, request: Request, route: Route) -> None:
    if route.public or token_matches(token_from_headers(request.headers), server.config.auth_token):
        return
    raise ApiError(401, "UNAUTHORIZED", f"plugin route {route.path} requires the server's API key (X-API-KEY)")


def _to_response(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(status_code=204)
    if isinstance(result, str):
        return PlainTextResponse(result)
    return JSONResponse(result)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ApiError(400, "INVALID_JSON", f"request body is not valid JSON: {exc}") from exc
    return raw.decode("utf-8", errors="replace")


async def dispatch(
    server: AgentServer, request: Request, path: str, agent_id: str | None, *, app_level: bool = False
) -> Response | None:
    """Run the first matching plugin route; ``None`` when no running agent has one.

    ``app_level`` requests (outside ``/api``, which the middleware guards) check the token per route here.
    """
    candidates: list[AgentRuntime]
    if agent_id is not None:
        check_uuid(agent_id, "agentId")
        runtime = server.get_runtime(agent_id)
        if runtime is None:
            raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} is not running")
        candidates = [runtime]
    else:
        candidates = list(server.runtimes.values())
    path = "/" + path.lstrip("/")
    for runtime in candidates:
        if request.method in ("GET", "HEAD"):
            served = await _serve_static(runtime.routes, path)
            if served is not None:
                if app_level:
                    _authorised(server, request, served[0])
                return FileResponse(served[1])
        found = find_route(runtime.routes, request.method, path)
        if found is None:
            continue
        route, params = found
        if route.handler is None:
            continue
        if app_level:
            _authorised(server, request, route)
        route_request = RouteRequest(
            method=request.method,
            path=path,
            params=params,
            query=dict(request.query_params),
            headers=dict(request.headers),
            body=await _body(request),
        )
        try:
            return _to_response(await route.handler(route_request, runtime))
        except ApiError:
            raise
        except Exception as exc:
            logger.exception("plugin route %s %s failed", request.method, path)
            text = str(exc)
            status = 404 if "not found" in text.lower() or "ENOENT" in text else 500
            raise ApiError(status, "PLUGIN_ROUTE_ERROR", text or type(exc).__name__) from exc
    return None


@router.api_route("/api/agents/{agent_id}/plugins/{path:path}", methods=METHODS, include_in_schema=False)
async def agent_plugin_route(agent_id: str, path: str, request: Request) -> Response:
    response = await dispatch(get_server(request), request, path, agent_id)
    if response is None:
        raise ApiError(404, "ROUTE_NOT_FOUND", f"no plugin route {request.method} /{path} on agent {agent_id}")
    return response
