"""``/api/agents``: agent rows, start/stop, worlds, panels, logs and runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Header, Query, Response

from ...characters import is_url, load_character, with_env_secrets
from ...errors import CharacterError, PyElizaError
from ...types import Agent, Character, World, create_unique_uuid, now_ms, parse_character
from ..agent_factory import agent_id_for
from ..deps import ServerDep, check_uuid, running_agent
from ..responses import ApiError, ok
from ..schemas import CreateAgentBody, CreateWorldBody, UpdateWorldBody
from .runs import run_detail

router = APIRouter(prefix="/api/agents", tags=["agents"])


SECRET_MASK = "********"


def redact_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a character or agent in JSON form) with secret values masked; the keys stay visible."""
    out = dict(data)
    if isinstance(out.get("secrets"), dict):
        out["secrets"] = dict.fromkeys(out["secrets"], SECRET_MASK)
    settings = out.get("settings")
    if isinstance(settings, dict) and isinstance(settings.get("secrets"), dict):
        out["settings"] = {**settings, "secrets": dict.fromkeys(settings["secrets"], SECRET_MASK)}
    return out


def _agent_json(agent: Agent, active: bool) -> dict[str, Any]:
    data = redact_secrets(agent.to_json_dict())
    data["status"] = "active" if active else "inactive"
    return data


@router.get("")
async def list_agents(server: ServerDep) -> Response:
    agents = await server.central.get_agents()
    rows = [
        {
            "id": agent.id,
            "name": agent.name,
            "characterName": agent.name,
            "bio": agent.bio_lines()[0] if agent.bio_lines() else "",
            "status": "active" if agent.id in server.runtimes else "inactive",
        }
        for agent in agents
    ]
    rows.sort(key=lambda row: (row["status"] != "active", str(row["name"]).lower()))
    return ok({"agents": rows})


@router.get("/worlds")
async def list_worlds(server: ServerDep) -> Response:
    runtime = next(iter(server.runtimes.values()), None)
    if runtime is None:
        raise ApiError(404, "NO_ACTIVE_AGENTS", "no agent is running")
    worlds = await runtime.get_all_worlds()
    return ok({"worlds": [w.to_json_dict() for w in worlds]})


@router.get("/{agent_id}")
async def get_agent(agent_id: str, server: ServerDep) -> Response:
    check_uuid(agent_id, "agentId")
    agent = await server.central.get_agent(agent_id)
    if agent is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} not found")
    return ok(_agent_json(agent, agent_id in server.runtimes))


def _character_from_body(body: CreateAgentBody) -> Character:
    if body.character_json is not None:
        return parse_character(body.character_json, "characterJson")
    if body.agent is not None:
        fields = {key: value for key, value in body.agent.items() if key not in ("enabled", "status")}
        fields = {k: v for k, v in fields.items() if k not in ("createdAt", "updatedAt", "created_at", "updated_at")}
        return parse_character(fields, "agent")
    if body.character_path is not None:
        if is_url(body.character_path):
            raise CharacterError("characterPath: must be a file path; URLs are not loaded (send characterJson)")
        return load_character(body.character_path)
    raise CharacterError("request body: one of characterJson, characterPath or agent is required")


@router.post("", status_code=201)
async def create_agent(body: CreateAgentBody, server: ServerDep) -> Response:
    try:
        loaded = _character_from_body(body)
    except CharacterError as exc:
        raise ApiError(400, "CREATE_ERROR", str(exc)) from exc
    character = with_env_secrets(loaded.model_copy(update={"id": agent_id_for(loaded)}), server.env)
    agent_id = await server.save_agent(character)
    return ok({"id": agent_id, "character": redact_secrets(character.to_json_dict())}, 201)


@router.patch("/{agent_id}")
async def update_agent(agent_id: str, changes: dict[str, Any], server: ServerDep) -> Response:
    """Update the stored agent; a running agent is restarted so plugins and character changes take effect."""
    check_uuid(agent_id, "agentId")
    existing = await server.central.get_agent(agent_id)
    if existing is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} not found")
    merged = {**existing.to_json_dict(), **changes, "id": agent_id}
    try:
        updated = Agent.model_validate(merged)
    except ValueError as exc:
        raise ApiError(400, "UPDATE_ERROR", f"invalid agent update: {exc}") from exc
    await server.central.update_agent(agent_id, {k: v for k, v in changes.items() if k != "id"})
    if agent_id in server.runtimes:
        await server.stop_agent(agent_id)
        await server.start_agent_by_id(agent_id)
    fresh = await server.central.get_agent(agent_id)
    return ok(_agent_json(fresh or updated, agent_id in server.runtimes))


@router.delete("/{agent_id}", status_code=204)
async def delete_agent(agent_id: str, server: ServerDep) -> Response:
    check_uuid(agent_id, "agentId")
    if await server.central.get_agent(agent_id) is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} not found")
    await server.stop_agent(agent_id)
    try:
        await server.central.delete_agent(agent_id)
    except PyElizaError as exc:
        raise ApiError(409, "DELETE_ERROR", f"agent {agent_id} could not be deleted: {exc}") from exc
    return Response(status_code=204)


@router.post("/{agent_id}/start")
async def start_agent(agent_id: str, server: ServerDep) -> Response:
    check_uuid(agent_id, "agentId")
    try:
        runtime = await server.start_agent_by_id(agent_id)
    except PyElizaError as exc:
        raise ApiError(400, "START_ERROR", str(exc)) from exc
    if runtime is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} not found")
    return ok({"id": agent_id, "name": runtime.character.name, "status": "active"})


@router.post("/{agent_id}/stop")
async def stop_agent(agent_id: str, server: ServerDep) -> Response:
    check_uuid(agent_id, "agentId")
    if not await server.stop_agent(agent_id):
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id} is not running")
    return ok({"message": "Agent stopped"})


@router.post("/{agent_id}/worlds", status_code=201)
async def create_world(agent_id: str, body: CreateWorldBody, server: ServerDep) -> Response:
    runtime = running_agent(server, agent_id)
    world = World(
        id=create_unique_uuid(agent_id, f"world-{now_ms()}"),
        name=body.name,
        agent_id=agent_id,
        message_server_id=body.message_server_id,
        metadata=body.metadata or {},
    )
    await runtime.create_world(world)
    return ok({"world": world.to_json_dict()}, 201)


@router.patch("/{agent_id}/worlds/{world_id}")
async def update_world(agent_id: str, world_id: str, body: UpdateWorldBody, server: ServerDep) -> Response:
    runtime = running_agent(server, agent_id)
    check_uuid(world_id, "worldId")
    world = await runtime.get_world(world_id)
    if world is None:
        raise ApiError(404, "WORLD_NOT_FOUND", f"world {world_id} not found")
    updated = world.model_copy(
        update={
            "name": body.name if body.name is not None else world.name,
            "metadata": {**(world.metadata or {}), **(body.metadata or {})},
        }
    )
    await runtime.update_world(updated)
    return ok({"world": updated.to_json_dict()})


@router.get("/{agent_id}/panels")
async def panels(agent_id: str, server: ServerDep) -> Response:
    runtime = running_agent(server, agent_id)
    items = [
        {"name": route.name, "path": f"/api/agents/{agent_id}/plugins{route.path}?agentId={agent_id}"}
        for route in runtime.routes
        if route.public and route.name and route.type == "GET"
    ]
    return ok(items)


@router.get("/{agent_id}/logs")
async def logs(
    agent_id: str,
    server: ServerDep,
    room_id: str | None = Query(default=None, alias="roomId"),
    type: str | None = None,
    count: int = Query(default=10, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
    exclude_types: str | None = Query(default=None, alias="excludeTypes"),
    entity_id: str | None = Header(default=None, alias="X-Entity-Id"),
) -> Response:
    check_uuid(agent_id, "agentId")
    if room_id:
        check_uuid(room_id, "roomId")
    adapter = server.database.adapter(agent_id)
    rows = await adapter.get_logs(entity_id=entity_id, room_id=room_id, count=count, offset=offset)
    excluded = {t.strip() for t in (exclude_types or "").split(",") if t.strip()}
    result = []
    for row in rows:
        model_type = str(row.body.get("modelType", ""))
        if type and type not in (row.type, model_type):
            continue
        if row.type in excluded or model_type in excluded:
            continue
        result.append(row.to_json_dict())
    return ok(result)


@router.delete("/{agent_id}/logs/{log_id}", status_code=204)
async def delete_log(agent_id: str, log_id: str, server: ServerDep) -> Response:
    check_uuid(agent_id, "agentId")
    check_uuid(log_id, "logId")
    await server.database.adapter(agent_id).delete_log(log_id)
    return Response(status_code=204)


@router.get("/{agent_id}/runs")
async def runs(
    agent_id: str,
    server: ServerDep,
    room_id: str | None = Query(default=None, alias="roomId"),
    status: str | None = None,
    limit: int = Query(default=20, ge=1, le=100),
    start: int | None = Query(default=None, alias="from"),
    end: int | None = Query(default=None, alias="to"),
) -> Response:
    check_uuid(agent_id, "agentId")
    if room_id:
        check_uuid(room_id, "roomId")
    summaries = await server.database.adapter(agent_id).get_agent_run_summaries(
        limit=limit, room_id=room_id, status=status, start=start, end=end
    )
    return ok(summaries.to_json_dict())


@router.get("/{agent_id}/runs/{run_id}")
async def run(
    agent_id: str, run_id: str, server: ServerDep, room_id: str | None = Query(default=None, alias="roomId")
) -> Response:
    check_uuid(agent_id, "agentId")
    detail = await run_detail(server.database.adapter(agent_id), run_id, room_id)
    if detail is None:
        raise ApiError(404, "RUN_NOT_FOUND", f"run {run_id} not found")
    return ok(detail)
