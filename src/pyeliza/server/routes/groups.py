"""``/api/memory/groups/:messageServerId``: one API room per agent in a world, and bulk deletes over every agent.

The reference ran the deletes on the server's adapter (agent id 0000…) and matched nothing (§10.49); here each
agent's own adapter does its part.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from ...errors import PyElizaError
from ...types import ChannelType, Room, World, create_unique_uuid, now_ms
from ..deps import ServerDep, check_uuid
from ..schemas import GroupBody

router = APIRouter(prefix="/api/memory/groups", tags=["memory"])


@router.post("/{server_id}", status_code=201)
async def create_group(server_id: str, body: GroupBody, server: ServerDep) -> Response:
    check_uuid(server_id, "messageServerId")
    name = body.name or f"Group {now_ms()}"
    created: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for agent_id in body.agent_ids:
        runtime = server.get_runtime(agent_id)
        if runtime is None:
            errors.append({"agentId": agent_id, "error": f"agent {agent_id} is not running"})
            continue
        try:
            await runtime.ensure_world_exists(
                World(id=body.world_id, name=name, agent_id=agent_id, message_server_id=server_id)
            )
            room = Room(
                id=create_unique_uuid(agent_id, f"group-{server_id}-{name}-{now_ms()}"),
                name=name,
                agent_id=agent_id,
                source=body.source,
                type=ChannelType.API,
                world_id=body.world_id,
                message_server_id=server_id,
                metadata=body.metadata,
            )
            await runtime.create_rooms([room])
            await runtime.add_participants_room([agent_id], room.id)
            created.append(room.to_json_dict())
        except PyElizaError as exc:
            errors.append({"agentId": agent_id, "error": str(exc)})
    status = 201 if not errors else (207 if created else 400)
    content: dict[str, Any] = {"success": bool(created), "data": created}
    if errors:
        content["errors"] = errors
    return JSONResponse(content, status_code=status)


async def _agent_ids(server: ServerDep) -> list[str]:
    return [agent.id for agent in await server.central.get_agents() if agent.id]


@router.delete("/{server_id}", status_code=204)
async def delete_group(server_id: str, server: ServerDep) -> Response:
    check_uuid(server_id, "messageServerId")
    for agent_id in await _agent_ids(server):
        await server.database.adapter(agent_id).delete_rooms_by_world_id(server_id)
    for connector in list(server.connectors.values()):
        connector.forget_connections()
    return Response(status_code=204)


@router.delete("/{server_id}/memories", status_code=204)
async def delete_group_memories(server_id: str, server: ServerDep) -> Response:
    check_uuid(server_id, "messageServerId")
    for agent_id in await _agent_ids(server):
        adapter = server.database.adapter(agent_id)
        for room in await adapter.get_rooms_by_world(server_id):
            await adapter.delete_all_memories(room.id, "messages")
    return Response(status_code=204)
