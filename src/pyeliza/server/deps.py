"""FastAPI dependencies shared by the routers: the server, a running agent, UUID path checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from ..types import validate_uuid
from .agent_server import AgentServer
from .responses import ApiError

if TYPE_CHECKING:
    from ..runtime import AgentRuntime


def get_server(request: Request) -> AgentServer:
    server: AgentServer = request.app.state.agent_server
    return server


ServerDep = Annotated[AgentServer, Depends(get_server)]


def check_uuid(value: str, what: str) -> str:
    """Return ``value`` when it is a UUID, else answer 400 naming the parameter."""
    if validate_uuid(value) is None:
        raise ApiError(400, "INVALID_ID", f"invalid {what}: {value!r} is not a UUID")
    return value


def running_agent(server: AgentServer, agent_id: str) -> AgentRuntime:
    """The running runtime of ``agent_id``: 400 for a malformed id, 404 when it is not running."""
    check_uuid(agent_id, "agentId")
    runtime = server.get_runtime(agent_id)
    if runtime is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} is not running")
    return runtime
