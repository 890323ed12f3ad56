"""Agent memories and rooms, mounted under both ``/api/memory`` and ``/api/agents`` (reference §8.3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from ...types import Memory, Room, World, create_unique_uuid, now_ms
from ..deps import ServerDep, check_uuid, running_agent
from ..responses import ApiError, ok
from ..schemas import CreateRoomBody, UpdateMemoryBody

ROOM_TABLES = ("messages", "documents", "knowledge", "facts")
"""Tables cleared by ``DELETE /memories/all/:roomId`` (the reference used wrong, singular names: §10.48)."""


def _memory_json(memory: Memory, include_embedding: bool) -> dict[str, Any]:
    data = memory.to_json_dict()
    if not include_embedding:
        data.pop("embedding", None)
    return data


def memory_router(prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=["memory"])

    @router.get("/{agent_id}/rooms/{channel_id}/memories")
    async def channel_memories(
        agent_id: str,
        channel_id: str,
        server: ServerDep,
        limit: int = Query(default=20, ge=1, le=1000),
        before: int | None = None,
        include_embedding: bool = Query(default=False, alias="includeEmbedding"),
        table_name: str = Query(default="messages", alias="tableName"),
    ) -> Response:
        check_uuid(agent_id, "agentId")
        check_uuid(channel_id, "channelId")
        adapter = server.database.adapter(agent_id)
        memories = await adapter.get_memories(
            table_name, room_id=create_unique_uuid(agent_id, channel_id), count=limit, end=before or now_ms()
        )
        return ok({"memories": [_memory_json(m, include_embedding) for m in memories]})

    @router.get("/{agent_id}/memories")
    async def agent_memories(
        agent_id: str,
        server: ServerDep,
        table_name: str = Query(default="messages", alias="tableName"),
        channel_id: str | None = Query(default=None, alias="channelId"),
        room_id: str | None = Query(default=None, alias="roomId"),
        include_embedding: bool = Query(default=False, alias="includeEmbedding"),
        count: int | None = Query(default=None, ge=1),
    ) -> Response:
        check_uuid(agent_id, "agentId")
        if channel_id:
            room_id = create_unique_uuid(agent_id, check_uuid(channel_id, "channelId"))
        elif room_id:
            check_uuid(room_id, "roomId")
        memories = await server.database.adapter(agent_id).get_memories(table_name, room_id=room_id, count=count)
        return ok({"memories": [_memory_json(m, include_embedding) for m in memories]})

    @router.patch("/{agent_id}/memories/{memory_id}")
    async def update_memory(agent_id: str, memory_id: str, body: UpdateMemoryBody, server: ServerDep) -> Response:
        check_uuid(agent_id, "agentId")
        check_uuid(memory_id, "memoryId")
        adapter = server.database.adapter(agent_id)
        if await adapter.get_memory_by_id(memory_id) is None:
            raise ApiError(404, "MEMORY_NOT_FOUND", f"memory {memory_id} not found")
        changes = body.model_dump(exclude_none=True, by_alias=True)
        changes["id"] = memory_id
        await adapter.update_memory(changes)
        return ok({"id": memory_id, "message": "Memory updated successfully"})

    @router.delete("/{agent_id}/memories")
    async def clear_memories(agent_id: str, server: ServerDep) -> Response:
        runtime = running_agent(server, agent_id)
        before = len(await runtime.get_all_memories())
        await runtime.clear_all_agent_memories()
        return ok({"deleted": before, "message": "All agent memories cleared"})

    @router.delete("/{agent_id}/memories/all/{room_id}", status_code=204)
    async def clear_room(agent_id: str, room_id: str, server: ServerDep) -> Response:
        check_uuid(agent_id, "agentId")
        check_uuid(room_id, "roomId")
        adapter = server.database.adapter(agent_id)
        for table in ROOM_TABLES:
            await adapter.delete_all_memories(room_id, table)
        return Response(status_code=204)

    @router.delete("/{agent_id}/memories/{memory_id}")
    async def delete_memory(agent_id: str, memory_id: str, server: ServerDep) -> Response:
        check_uuid(agent_id, "agentId")
        check_uuid(memory_id, "memoryId")
        await server.database.adapter(agent_id).delete_memory(memory_id)
        return ok({"message": "Memory deleted successfully"})

    @router.post("/{agent_id}/rooms", status_code=201)
    async def create_room(agent_id: str, body: CreateRoomBody, server: ServerDep) -> Response:
        runtime = running_agent(server, agent_id)
        world_id = body.world_id
        if world_id is None:
            world_id = create_unique_uuid(agent_id, f"room-world-{now_ms()}")
            await runtime.create_world(World(id=world_id, name=f"World for {body.name}", agent_id=agent_id))
        room = Room(
            id=create_unique_uuid(agent_id, f"room-{body.name}-{now_ms()}"),
            name=body.name,
            agent_id=agent_id,
            source=body.source,
            type=body.type,
            world_id=world_id,
            message_server_id=body.message_server_id,
            metadata=body.metadata,
        )
        await runtime.create_rooms([room])
        await runtime.add_participants_room([agent_id], room.id)
        await runtime.set_participant_user_state(room.id, agent_id, "FOLLOWED")
        return ok(room.to_json_dict(), 201)

    @router.get("/{agent_id}/rooms")
    async def list_rooms(agent_id: str, server: ServerDep) -> Response:
        check_uuid(agent_id, "agentId")
        adapter = server.database.adapter(agent_id)
        room_ids = await adapter.get_rooms_for_participant(agent_id)
        rooms = await adapter.get_rooms_by_ids(room_ids) if room_ids else []
        return ok({"rooms": [r.to_json_dict() for r in rooms]})

    @router.get("/{agent_id}/rooms/{room_id}")
    async def get_room(agent_id: str, room_id: str, server: ServerDep) -> Response:
        check_uuid(agent_id, "agentId")
        check_uuid(room_id, "roomId")
        adapter = server.database.adapter(agent_id)
        rooms = await adapter.get_rooms_by_ids([room_id])
        if not rooms:
            raise ApiError(404, "ROOM_NOT_FOUND", f"room {room_id} not found")
        data = rooms[0].to_json_dict()
        world = await adapter.get_world(rooms[0].world_id) if rooms[0].world_id else None
        data["worldName"] = world.name if world else None
        return ok(data)

    return router


__all__ = ["ROOM_TABLES", "memory_router"]
