"""The runtime exposes the database adapter's methods (elizaOS ``IAgentRuntime`` extends ``IDatabaseAdapter``).

Every method is written out so the type checker sees the real signatures; each delegates to ``self.adapter``
(a :class:`pyeliza.errors.StateError` names the fix when there is none). ``create_memory`` and
``search_memories`` live in ``_memories.py`` because the runtime adds embedding and re-ranking to them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..errors import StorageError
from ..storage import MigrationStatus, PluginSchema
from ..types import (
    Agent,
    AgentRunSummaryResult,
    CentralMessage,
    Channel,
    Component,
    Entity,
    Log,
    Memory,
    MessageServer,
    Participant,
    Relationship,
    Room,
    Task,
    World,
)
from ._settings import SettingsMixin


class DatabaseMixin(SettingsMixin):
    # -- conveniences of the reference runtime ------------------------------------------------------------
    async def get_entity_by_id(self, entity_id: str) -> Entity | None:
        found = await self._require_adapter().get_entities_by_ids([entity_id])
        return found[0] if found else None

    async def get_room(self, room_id: str) -> Room | None:
        found = await self._require_adapter().get_rooms_by_ids([room_id])
        return found[0] if found else None

    async def get_rooms(self, world_id: str) -> list[Room]:
        return await self._require_adapter().get_rooms_by_world(world_id)

    async def create_entities(self, entities: Sequence[Entity]) -> bool:
        """Insert-or-ignore entities that belong to this agent (``agent_id`` is set to this agent)."""
        owned = [
            e if e.agent_id == self.agent_id else e.model_copy(update={"agent_id": self.agent_id}) for e in entities
        ]
        return await self._require_adapter().create_entities(owned)

    async def create_entity(self, entity: Entity) -> bool:
        if entity.agent_id is None:
            entity = entity.model_copy(update={"agent_id": self.agent_id})
        return await self._require_adapter().create_entities([entity])

    async def ensure_entity(self, entity: Entity) -> Entity:
        """Create the entity unless it exists (insert-or-ignore) and return it."""
        await self.create_entity(entity)
        return entity

    async def create_room(self, room: Room) -> str:
        created = await self._require_adapter().create_rooms([room])
        return created[0] if created else room.id

    async def add_participant(self, entity_id: str, room_id: str) -> bool:
        return await self._require_adapter().add_participants_room([entity_id], room_id)

    # -- the DatabaseAdapter contract ---------------------------------------------------------------------
    async def init(self) -> None:
        """Open the connection and migrate the core schema (idempotent)."""
        return await self._require_adapter().init()

    async def is_ready(self) -> bool:
        return await self._require_adapter().is_ready()

    async def close(self) -> None:
        """Release this adapter; a database shared with other agents stays open until its last user closes."""
        return await self._require_adapter().close()

    async def get_connection(self) -> Any:
        return await self._require_adapter().get_connection()

    async def run_plugin_migrations(self, schemas: Sequence[PluginSchema]) -> None:
        return await self._require_adapter().run_plugin_migrations(schemas)

    async def get_migration_status(self) -> list[MigrationStatus]:
        return await self._require_adapter().get_migration_status()

    async def execute_statement(self, statement: Any) -> list[dict[str, Any]]:
        return await self._require_adapter().execute_statement(statement)

    # -- plugin tables --------------------------------------------------------------------------------------
    async def db_execute(self, statement: Any) -> None:
        """Run a SQLAlchemy Core ``insert``/``update``/``delete`` on a plugin's table (declared in its
        ``schema``), compiled for the adapter's dialect (SQLite or PostgreSQL), in its own transaction."""
        await self._require_adapter().execute_statement(statement)

    async def db_fetch(self, statement: Any) -> list[dict[str, Any]]:
        """Rows of a SQLAlchemy Core ``select`` (or a write with ``returning``) on a plugin's table, as dicts keyed
        by column name, with the column types' conversions applied (JSON, booleans, dates) on both backends."""
        return await self._require_adapter().execute_statement(statement)

    async def ensure_embedding_dimension(self, dimension: int, model: str | None = None) -> None:
        """Declare this agent's vector size; a later vector of another size is rejected."""
        return await self._require_adapter().ensure_embedding_dimension(dimension, model)

    async def get_embedding_dimension(self) -> int | None:
        return await self._require_adapter().get_embedding_dimension()

    async def get_agent(self, agent_id: str) -> Agent | None:
        return await self._require_adapter().get_agent(agent_id)

    async def get_agents(self) -> list[Agent]:
        return await self._require_adapter().get_agents()

    async def create_agent(self, agent: Agent) -> bool:
        return await self._require_adapter().create_agent(agent)

    async def update_agent(self, agent_id: str, changes: dict[str, Any]) -> bool:
        """Write ``changes`` (snake_case or camelCase keys); ``settings`` deep-merge, ``None`` deletes a key."""
        return await self._require_adapter().update_agent(agent_id, changes)

    async def delete_agent(self, agent_id: str) -> bool:
        return await self._require_adapter().delete_agent(agent_id)

    async def count_agents(self) -> int:
        return await self._require_adapter().count_agents()

    async def get_entities_by_ids(self, entity_ids: Sequence[str]) -> list[Entity]:
        return await self._require_adapter().get_entities_by_ids(entity_ids)

    async def get_entities_for_room(
        self, room_id: str, include_components: bool = False, *, shared: bool = False
    ) -> list[Entity]:
        return await self._require_adapter().get_entities_for_room(room_id, include_components, shared=shared)

    async def update_entity(self, entity: Entity) -> None:
        return await self._require_adapter().update_entity(entity)

    async def delete_entity(self, entity_id: str) -> None:
        return await self._require_adapter().delete_entity(entity_id)

    async def get_entities_by_names(self, names: Sequence[str]) -> list[Entity]:
        return await self._require_adapter().get_entities_by_names(names)

    async def search_entities_by_name(self, query: str, limit: int = 10) -> list[Entity]:
        return await self._require_adapter().search_entities_by_name(query, limit)

    async def get_component(
        self, entity_id: str, type: str, world_id: str | None = None, source_entity_id: str | None = None
    ) -> Component | None:
        return await self._require_adapter().get_component(entity_id, type, world_id, source_entity_id)

    async def get_components(
        self, entity_id: str, world_id: str | None = None, source_entity_id: str | None = None
    ) -> list[Component]:
        return await self._require_adapter().get_components(entity_id, world_id, source_entity_id)

    async def create_component(self, component: Component) -> bool:
        return await self._require_adapter().create_component(component)

    async def update_component(self, component: Component) -> None:
        return await self._require_adapter().update_component(component)

    async def delete_component(self, component_id: str) -> None:
        return await self._require_adapter().delete_component(component_id)

    async def get_memories(
        self,
        table_name: str,
        *,
        room_id: str | None = None,
        world_id: str | None = None,
        entity_id: str | None = None,
        count: int | None = None,
        offset: int | None = None,
        unique: bool | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> list[Memory]:
        """This agent's memories of one logical table, newest first; every given id is a filter."""
        return await self._require_adapter().get_memories(
            table_name,
            room_id=room_id,
            world_id=world_id,
            entity_id=entity_id,
            count=count,
            offset=offset,
            unique=unique,
            start=start,
            end=end,
        )

    async def get_memory_by_id(self, memory_id: str) -> Memory | None:
        return await self._require_adapter().get_memory_by_id(memory_id)

    async def get_memories_by_ids(self, memory_ids: Sequence[str], table_name: str | None = None) -> list[Memory]:
        return await self._require_adapter().get_memories_by_ids(memory_ids, table_name)

    async def get_memories_by_room_ids(
        self, table_name: str, room_ids: Sequence[str], limit: int | None = None, *, shared: bool = False
    ) -> list[Memory]:
        return await self._require_adapter().get_memories_by_room_ids(table_name, room_ids, limit, shared=shared)

    async def get_memories_by_world_id(
        self, world_id: str, count: int | None = None, table_name: str = "messages"
    ) -> list[Memory]:
        return await self._require_adapter().get_memories_by_world_id(world_id, count, table_name)

    async def update_memory(self, memory: Memory | dict[str, Any]) -> bool:
        return await self._require_adapter().update_memory(memory)

    async def delete_memory(self, memory_id: str) -> None:
        return await self._require_adapter().delete_memory(memory_id)

    async def delete_many_memories(self, memory_ids: Sequence[str]) -> None:
        return await self._require_adapter().delete_many_memories(memory_ids)

    async def delete_all_memories(self, room_id: str, table_name: str) -> None:
        return await self._require_adapter().delete_all_memories(room_id, table_name)

    async def count_memories(self, room_id: str, unique: bool = True, table_name: str = "messages") -> int:
        return await self._require_adapter().count_memories(room_id, unique, table_name)

    async def log(self, entry: Log) -> None:
        return await self._require_adapter().log(entry)

    async def get_logs(
        self,
        *,
        entity_id: str | None = None,
        room_id: str | None = None,
        type: str | None = None,
        count: int = 10,
        offset: int = 0,
    ) -> list[Log]:
        return await self._require_adapter().get_logs(
            entity_id=entity_id, room_id=room_id, type=type, count=count, offset=offset
        )

    async def delete_log(self, log_id: str) -> None:
        return await self._require_adapter().delete_log(log_id)

    async def get_agent_run_summaries(
        self,
        *,
        limit: int = 20,
        room_id: str | None = None,
        status: str | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> AgentRunSummaryResult:
        return await self._require_adapter().get_agent_run_summaries(
            limit=limit, room_id=room_id, status=status, start=start, end=end
        )

    async def create_world(self, world: World) -> str:
        return await self._require_adapter().create_world(world)

    async def get_world(self, world_id: str) -> World | None:
        return await self._require_adapter().get_world(world_id)

    async def get_all_worlds(self) -> list[World]:
        return await self._require_adapter().get_all_worlds()

    async def get_worlds_owned_by(self, entity_id: str) -> list[World]:
        return await self._require_adapter().get_worlds_owned_by(entity_id)

    async def update_world(self, world: World) -> None:
        return await self._require_adapter().update_world(world)

    async def remove_world(self, world_id: str) -> None:
        return await self._require_adapter().remove_world(world_id)

    async def get_rooms_by_ids(self, room_ids: Sequence[str]) -> list[Room]:
        return await self._require_adapter().get_rooms_by_ids(room_ids)

    async def create_rooms(self, rooms: Sequence[Room]) -> list[str]:
        return await self._require_adapter().create_rooms(rooms)

    async def update_room(self, room: Room) -> None:
        return await self._require_adapter().update_room(room)

    async def delete_room(self, room_id: str) -> None:
        return await self._require_adapter().delete_room(room_id)

    async def delete_rooms_by_world_id(self, world_id: str) -> None:
        return await self._require_adapter().delete_rooms_by_world_id(world_id)

    async def get_rooms_by_world(self, world_id: str) -> list[Room]:
        return await self._require_adapter().get_rooms_by_world(world_id)

    async def add_participants_room(self, entity_ids: Sequence[str], room_id: str) -> bool:
        """Add entities to a room (idempotent: a participant is never added twice)."""
        return await self._require_adapter().add_participants_room(entity_ids, room_id)

    async def remove_participant(self, entity_id: str, room_id: str) -> bool:
        return await self._require_adapter().remove_participant(entity_id, room_id)

    async def get_participants_for_entity(self, entity_id: str) -> list[Participant]:
        return await self._require_adapter().get_participants_for_entity(entity_id)

    async def get_participants_for_room(self, room_id: str) -> list[str]:
        return await self._require_adapter().get_participants_for_room(room_id)

    async def is_room_participant(self, room_id: str, entity_id: str) -> bool:
        return await self._require_adapter().is_room_participant(room_id, entity_id)

    async def get_rooms_for_participant(self, entity_id: str) -> list[str]:
        return await self._require_adapter().get_rooms_for_participant(entity_id)

    async def get_rooms_for_participants(self, entity_ids: Sequence[str]) -> list[str]:
        return await self._require_adapter().get_rooms_for_participants(entity_ids)

    async def get_participant_user_state(self, room_id: str, entity_id: str) -> str | None:
        return await self._require_adapter().get_participant_user_state(room_id, entity_id)

    async def set_participant_user_state(self, room_id: str, entity_id: str, state: str | None) -> None:
        return await self._require_adapter().set_participant_user_state(room_id, entity_id, state)

    async def create_relationship(
        self,
        source_entity_id: str,
        target_entity_id: str,
        tags: Sequence[str] = (),
        metadata: dict[str, Any] | None = None,
    ) -> bool:
        return await self._require_adapter().create_relationship(source_entity_id, target_entity_id, tags, metadata)

    async def update_relationship(self, relationship: Relationship) -> None:
        return await self._require_adapter().update_relationship(relationship)

    async def get_relationship(self, source_entity_id: str, target_entity_id: str) -> Relationship | None:
        return await self._require_adapter().get_relationship(source_entity_id, target_entity_id)

    async def get_relationships(self, entity_id: str, tags: Sequence[str] | None = None) -> list[Relationship]:
        return await self._require_adapter().get_relationships(entity_id, tags)

    async def get_cache(self, key: str) -> Any | None:
        return await self._require_adapter().get_cache(key)

    async def set_cache(self, key: str, value: Any, expires_at: int | None = None) -> bool:
        return await self._require_adapter().set_cache(key, value, expires_at)

    async def delete_cache(self, key: str) -> bool:
        return await self._require_adapter().delete_cache(key)

    async def create_task(self, task: Task) -> str:
        return await self._require_adapter().create_task(task)

    async def get_tasks(
        self, *, room_id: str | None = None, tags: Sequence[str] | None = None, entity_id: str | None = None
    ) -> list[Task]:
        return await self._require_adapter().get_tasks(room_id=room_id, tags=tags, entity_id=entity_id)

    async def get_task(self, task_id: str) -> Task | None:
        return await self._require_adapter().get_task(task_id)

    async def get_tasks_by_name(self, name: str) -> list[Task]:
        return await self._require_adapter().get_tasks_by_name(name)

    async def update_task(self, task_id: str, changes: dict[str, Any]) -> None:
        return await self._require_adapter().update_task(task_id, changes)

    async def delete_task(self, task_id: str) -> None:
        return await self._require_adapter().delete_task(task_id)

    async def claim_task(self, task_id: str, owner: str, lease_ms: int) -> bool:
        """Atomically lease a task to ``owner`` for ``lease_ms``; False when another owner holds a live lease."""
        return await self._require_adapter().claim_task(task_id, owner, lease_ms)

    async def create_message_server(self, server: MessageServer) -> MessageServer:
        return await self._require_adapter().create_message_server(server)

    async def get_message_servers(self) -> list[MessageServer]:
        return await self._require_adapter().get_message_servers()

    async def get_message_server_by_id(self, server_id: str) -> MessageServer | None:
        return await self._require_adapter().get_message_server_by_id(server_id)

    async def add_agent_to_message_server(self, server_id: str, agent_id: str) -> None:
        return await self._require_adapter().add_agent_to_message_server(server_id, agent_id)

    async def get_agents_for_message_server(self, server_id: str) -> list[str]:
        return await self._require_adapter().get_agents_for_message_server(server_id)

    async def remove_agent_from_message_server(self, server_id: str, agent_id: str) -> None:
        return await self._require_adapter().remove_agent_from_message_server(server_id, agent_id)

    async def create_channel(self, channel: Channel, participant_ids: Sequence[str] | None = None) -> Channel:
        return await self._require_adapter().create_channel(channel, participant_ids)

    async def get_channels_for_message_server(self, server_id: str) -> list[Channel]:
        return await self._require_adapter().get_channels_for_message_server(server_id)

    async def get_channel_details(self, channel_id: str) -> Channel | None:
        return await self._require_adapter().get_channel_details(channel_id)

    async def update_channel(self, channel_id: str, changes: dict[str, Any]) -> Channel:
        return await self._require_adapter().update_channel(channel_id, changes)

    async def delete_channel(self, channel_id: str) -> None:
        return await self._require_adapter().delete_channel(channel_id)

    async def find_or_create_dm_channel(self, user1: str, user2: str, server_id: str) -> Channel:
        return await self._require_adapter().find_or_create_dm_channel(user1, user2, server_id)

    async def add_channel_participants(self, channel_id: str, entity_ids: Sequence[str]) -> None:
        return await self._require_adapter().add_channel_participants(channel_id, entity_ids)

    async def get_channel_participants(self, channel_id: str) -> list[str]:
        return await self._require_adapter().get_channel_participants(channel_id)

    async def is_channel_participant(self, channel_id: str, entity_id: str) -> bool:
        return await self._require_adapter().is_channel_participant(channel_id, entity_id)

    async def remove_channel_participant(self, channel_id: str, entity_id: str) -> None:
        return await self._require_adapter().remove_channel_participant(channel_id, entity_id)

    async def create_message(self, message: CentralMessage) -> CentralMessage:
        return await self._require_adapter().create_message(message)

    async def get_message_by_id(self, message_id: str) -> CentralMessage | None:
        return await self._require_adapter().get_message_by_id(message_id)

    async def update_message(self, message_id: str, changes: dict[str, Any]) -> CentralMessage | None:
        return await self._require_adapter().update_message(message_id, changes)

    async def get_messages_for_channel(
        self, channel_id: str, limit: int = 50, before: int | None = None
    ) -> list[CentralMessage]:
        return await self._require_adapter().get_messages_for_channel(channel_id, limit, before)

    async def delete_message(self, message_id: str) -> None:
        return await self._require_adapter().delete_message(message_id)

    async def delete_messages_for_channel(self, channel_id: str) -> int:
        return await self._require_adapter().delete_messages_for_channel(channel_id)

    async def _write_log(self, *, entity_id: str, room_id: str | None, type: str, body: dict[str, Any]) -> None:
        """Write a log row; a storage failure is logged, never raised (logs must not break the work they describe)."""
        if self.adapter is None:
            return
        try:
            await self.adapter.log(Log(entity_id=entity_id, room_id=room_id, type=type, body=body))
        except StorageError:
            logging.getLogger("pyeliza.runtime").exception("could not write a %s log row", type)
