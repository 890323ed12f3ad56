"""The server's central messaging tables: message servers, channels, channel participants and messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from ....errors import IntegrityError, InvalidInputError, StorageError
from ....types import CentralMessage, Channel, ChannelType, MessageServer, new_uuid, now_ms
from ..codec import (
    CENTRAL_MESSAGE_COLUMNS,
    central_message_from_row,
    central_message_values,
    channel_from_row,
    check_id,
    check_optional_id,
    dump_json,
    message_server_from_row,
    optional_json,
)
from ._base import StoreBase
from ._pool import affected_rows

_CHANNEL_FIELDS = {(info.alias or name): name for name, info in Channel.model_fields.items()}
_MESSAGE_FIELDS = {(info.alias or name): name for name, info in CentralMessage.model_fields.items()}


def _returned(row: asyncpg.Record | None, operation: str) -> asyncpg.Record:
    """The row of an ``INSERT ... RETURNING *`` that always returns one; none means the server misbehaved."""
    if row is None:
        raise StorageError(f"{operation}: PostgreSQL returned no row for INSERT ... RETURNING")
    return row


class CentralStore(StoreBase):
    async def create_message_server(self, server: MessageServer) -> MessageServer:
        now = now_ms()
        row = await self._pool.fetchrow(
            "create message server",
            "INSERT INTO message_servers (id, name, source_type, source_id, metadata, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id RETURNING *",
            check_id(server.id, "server.id"),
            server.name,
            server.source_type,
            server.source_id,
            optional_json(server.metadata, "server.metadata"),
            server.created_at or now,
            server.updated_at or now,
        )
        return message_server_from_row(_returned(row, "create message server"))

    async def get_message_servers(self) -> list[MessageServer]:
        rows = await self._pool.fetch("list message servers", "SELECT * FROM message_servers ORDER BY created_at, id")
        return [message_server_from_row(row) for row in rows]

    async def get_message_server_by_id(self, server_id: str) -> MessageServer | None:
        row = await self._pool.fetchrow(
            "get message server", "SELECT * FROM message_servers WHERE id = $1", check_id(server_id, "server_id")
        )
        return None if row is None else message_server_from_row(row)

    async def add_agent_to_message_server(self, server_id: str, agent_id: str) -> None:
        await self._pool.execute(
            "add agent to message server",
            "INSERT INTO message_server_agents (message_server_id, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            check_id(server_id, "server_id"),
            check_id(agent_id, "agent_id"),
        )

    async def get_agents_for_message_server(self, server_id: str) -> list[str]:
        rows = await self._pool.fetch(
            "read the agents of a message server",
            "SELECT agent_id FROM message_server_agents WHERE message_server_id = $1 ORDER BY agent_id",
            check_id(server_id, "server_id"),
        )
        return [row["agent_id"] for row in rows]

    async def remove_agent_from_message_server(self, server_id: str, agent_id: str) -> None:
        await self._pool.execute(
            "remove agent from message server",
            "DELETE FROM message_server_agents WHERE message_server_id = $1 AND agent_id = $2",
            check_id(server_id, "server_id"),
            check_id(agent_id, "agent_id"),
        )

    async def create_channel(self, channel: Channel, participant_ids: Sequence[str] | None = None) -> Channel:
        now = now_ms()
        participants = [str(entity) for entity in participant_ids or []]
        async with self._pool.transaction("create channel") as connection:
            row = await connection.fetchrow(
                "INSERT INTO channels (id, message_server_id, name, type, source_type, source_id, topic, metadata, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
                check_id(channel.id, "channel.id"),
                check_id(channel.message_server_id, "channel.message_server_id"),
                channel.name,
                str(channel.type),
                channel.source_type,
                channel.source_id,
                channel.topic,
                optional_json(channel.metadata, "channel.metadata"),
                channel.created_at or now,
                channel.updated_at or now,
            )
            await connection.executemany(
                "INSERT INTO channel_participants (channel_id, entity_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [(channel.id, entity) for entity in participants],
            )
        return channel_from_row(_returned(row, "create channel"))

    async def get_channels_for_message_server(self, server_id: str) -> list[Channel]:
        rows = await self._pool.fetch(
            "list channels",
            "SELECT * FROM channels WHERE message_server_id = $1 ORDER BY created_at, id",
            check_id(server_id, "server_id"),
        )
        return [channel_from_row(row) for row in rows]

    async def get_channel_details(self, channel_id: str) -> Channel | None:
        row = await self._pool.fetchrow(
            "get channel", "SELECT * FROM channels WHERE id = $1", check_id(channel_id, "channel_id")
        )
        return None if row is None else channel_from_row(row)

    async def update_channel(self, channel_id: str, changes: dict[str, Any]) -> Channel:
        target = check_id(channel_id, "channel_id")
        normalised = {_CHANNEL_FIELDS.get(key, key): value for key, value in changes.items()}
        participants = normalised.pop("participant_central_user_ids", changes.get("participantCentralUserIds"))
        normalised.pop("participantCentralUserIds", None)
        allowed = ("name", "type", "source_type", "source_id", "topic", "metadata")
        unknown = sorted(set(normalised) - set(allowed) - {"id", "updated_at"})
        if unknown:
            raise InvalidInputError(f"update_channel: unknown channel fields {', '.join(unknown)}")
        args: list[Any] = [target, now_ms()]
        assignments = ["updated_at = $2"]
        for field in allowed:
            if field in normalised:
                value = normalised[field]
                if field == "type":
                    value = str(value)
                elif field == "metadata":
                    value = optional_json(value, "channel.metadata")
                args.append(value)
                assignments.append(f"{field} = ${len(args)}")
        async with self._pool.transaction("update channel") as connection:
            row = await connection.fetchrow(
                f"UPDATE channels SET {', '.join(assignments)} WHERE id = $1 RETURNING *", *args
            )
            if row is None:
                raise IntegrityError(f"update_channel: no channel {target}")
            if participants is not None:
                await connection.execute("DELETE FROM channel_participants WHERE channel_id = $1", target)
                await connection.executemany(
                    "INSERT INTO channel_participants (channel_id, entity_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    [(target, str(entity)) for entity in participants],
                )
        return channel_from_row(row)

    async def delete_channel(self, channel_id: str) -> None:
        await self._pool.execute(
            "delete channel", "DELETE FROM channels WHERE id = $1", check_id(channel_id, "channel_id")
        )

    async def find_or_create_dm_channel(self, user1: str, user2: str, server_id: str) -> Channel:
        first, second = sorted((str(user1), str(user2)))
        name = f"DM-{first}-{second}"
        server = check_id(server_id, "server_id")
        row = await self._pool.fetchrow(
            "find DM channel",
            "SELECT * FROM channels WHERE message_server_id = $1 AND type = $2 AND name = $3 LIMIT 1",
            server,
            str(ChannelType.DM),
            name,
        )
        if row is not None:
            return channel_from_row(row)
        channel = Channel(
            id=new_uuid(),
            message_server_id=server,
            name=name,
            type=ChannelType.DM,
            metadata={"user1": first, "user2": second},
        )
        return await self.create_channel(channel, [first, second])

    async def add_channel_participants(self, channel_id: str, entity_ids: Sequence[str]) -> None:
        target = check_id(channel_id, "channel_id")
        await self._pool.executemany(
            "add channel participants",
            "INSERT INTO channel_participants (channel_id, entity_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [(target, str(entity)) for entity in entity_ids],
        )

    async def get_channel_participants(self, channel_id: str) -> list[str]:
        rows = await self._pool.fetch(
            "read channel participants",
            "SELECT entity_id FROM channel_participants WHERE channel_id = $1 ORDER BY entity_id",
            check_id(channel_id, "channel_id"),
        )
        return [row["entity_id"] for row in rows]

    async def is_channel_participant(self, channel_id: str, entity_id: str) -> bool:
        found: bool = await self._pool.fetchval(
            "check channel participation",
            "SELECT EXISTS (SELECT 1 FROM channel_participants WHERE channel_id = $1 AND entity_id = $2)",
            check_id(channel_id, "channel_id"),
            str(entity_id),
        )
        return found

    async def remove_channel_participant(self, channel_id: str, entity_id: str) -> None:
        await self._pool.execute(
            "remove channel participant",
            "DELETE FROM channel_participants WHERE channel_id = $1 AND entity_id = $2",
            check_id(channel_id, "channel_id"),
            str(entity_id),
        )

    async def create_message(self, message: CentralMessage) -> CentralMessage:
        values = central_message_values(message, now_ms())
        row = await self._pool.fetchrow(
            "create message",
            f"WITH inserted AS (INSERT INTO central_messages ({CENTRAL_MESSAGE_COLUMNS}) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING *) "
            "SELECT * FROM inserted UNION ALL SELECT * FROM central_messages WHERE id = $1 "
            "AND NOT EXISTS (SELECT 1 FROM inserted)",
            *values,
        )
        return central_message_from_row(_returned(row, "create message"))

    async def get_message_by_id(self, message_id: str) -> CentralMessage | None:
        row = await self._pool.fetchrow(
            "get message", "SELECT * FROM central_messages WHERE id = $1", check_id(message_id, "message_id")
        )
        return None if row is None else central_message_from_row(row)

    async def update_message(self, message_id: str, changes: dict[str, Any]) -> CentralMessage | None:
        normalised = {_MESSAGE_FIELDS.get(key, key): value for key, value in changes.items()}
        allowed = ("content", "raw_message", "source_type", "source_id", "metadata", "in_reply_to_root_message_id")
        unknown = sorted(set(normalised) - set(allowed) - {"id", "updated_at", "channel_id", "author_id"})
        if unknown:
            raise InvalidInputError(f"update_message: unknown message fields {', '.join(unknown)}")
        args: list[Any] = [check_id(message_id, "message_id"), now_ms()]
        assignments = ["updated_at = $2"]
        for field in allowed:
            if field in normalised:
                value = normalised[field]
                if field == "in_reply_to_root_message_id":
                    value = check_optional_id(value, field)
                elif field == "metadata":
                    value = dump_json(value or {}, "message.metadata")
                elif field == "raw_message":
                    value = optional_json(value, "message.raw_message")
                args.append(value)
                assignments.append(f"{field} = ${len(args)}")
        row = await self._pool.fetchrow(
            "update message", f"UPDATE central_messages SET {', '.join(assignments)} WHERE id = $1 RETURNING *", *args
        )
        return None if row is None else central_message_from_row(row)

    async def get_messages_for_channel(
        self, channel_id: str, limit: int = 50, before: int | None = None
    ) -> list[CentralMessage]:
        args: list[Any] = [check_id(channel_id, "channel_id"), limit]
        query = "SELECT * FROM central_messages WHERE channel_id = $1"
        if before is not None:
            args.append(before)
            query += " AND created_at < $3"
        rows = await self._pool.fetch(
            "read channel messages", query + " ORDER BY created_at DESC, id DESC LIMIT $2", *args
        )
        return [central_message_from_row(row) for row in rows]

    async def delete_message(self, message_id: str) -> None:
        await self._pool.execute(
            "delete message", "DELETE FROM central_messages WHERE id = $1", check_id(message_id, "message_id")
        )

    async def delete_messages_for_channel(self, channel_id: str) -> int:
        status = await self._pool.execute(
            "delete channel messages",
            "DELETE FROM central_messages WHERE channel_id = $1",
            check_id(channel_id, "channel_id"),
        )
        return affected_rows(status)
