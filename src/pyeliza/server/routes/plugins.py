"""Plugin routes: each running agent's ``routes`` served under ``/api/agents/<id>/plugins/...`` and at app level.

A route path matches literally, with ``:name`` segments captured as params, or by prefix when it ends in
``/*``. ``?agentId=<uuid>`` limits the search to one agent; otherwise running agents are tried in order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from ...types import Route, RouteRequest
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


async def dispatch(server: AgentServer, request: Request, path: str, agent_id: str | None) -> Response | None:
    """Run the first matching plugin route; ``None`` when no running agent has one."""
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
        found = find_route(runtime.routes, request.method, path)
        if found is None:
            continue
        route, params = found
        if route.handler is None:
            continue
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
