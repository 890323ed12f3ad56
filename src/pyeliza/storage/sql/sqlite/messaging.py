"""The server's central messaging tables: message servers, channels, their participants and messages."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from pydantic.alias_generators import to_snake

from ....errors import InvalidInputError, StorageError
from ....types import CentralMessage, Channel, ChannelType, MessageServer, new_uuid, now_ms
from ..codec import (
    CENTRAL_MESSAGE_COLUMNS,
    central_message_from_row,
    central_message_values,
    channel_from_row,
    check_id,
    check_optional_id,
    message_server_from_row,
    optional_json,
)
from ..rules import dm_channel_name
from .database import WriteTx
from .store import SqliteStore, require_row

_CHANNEL_FIELDS = {"name", "type", "source_type", "source_id", "topic", "metadata"}
_MESSAGE_FIELDS = {"content", "raw_message", "source_type", "source_id", "metadata", "in_reply_to_root_message_id"}


def _insert_channel(tx: WriteTx, channel: Channel, participants: Sequence[str]) -> None:
    now = now_ms()
    server = check_id(channel.message_server_id, "channel.message_server_id")
    require_row(tx.conn, "message_servers", server, "message server")
    tx.conn.execute(
        "INSERT INTO channels (id, message_server_id, name, type, source_type, source_id, topic, metadata, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (
            check_id(channel.id, "channel.id"),
            server,
            channel.name,
            str(channel.type),
            channel.source_type,
            channel.source_id,
            channel.topic,
            optional_json(channel.metadata, "channel metadata"),
            channel.created_at or now,
            channel.updated_at or now,
        ),
    )
    _add_participants(tx, channel.id.lower(), participants)


def _add_participants(tx: WriteTx, channel_id: str, entity_ids: Sequence[str]) -> None:
    tx.conn.executemany(
        "INSERT INTO channel_participants (channel_id, entity_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(channel_id, str(e)) for e in entity_ids],
    )


def _channel(conn: sqlite3.Connection, channel_id: str) -> Channel | None:
    row = conn.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
    return channel_from_row(row) if row else None


def _stored_channel(conn: sqlite3.Connection, channel_id: str) -> Channel:
    """The channel just written in this transaction."""
    found = _channel(conn, channel_id)
    if found is None:
        raise StorageError(f"channel {channel_id} is missing right after it was written")
    return found


class MessagingStore(SqliteStore):
    __slots__ = ()

    # -- message servers ---------------------------------------------------------------------------------
    async def create_message_server(self, server: MessageServer) -> MessageServer:
        now = now_ms()
        server_id = check_id(server.id, "server.id")
        values = (
            server_id,
            server.name,
            server.source_type,
            server.source_id,
            optional_json(server.metadata, "message server metadata"),
            server.created_at or now,
            server.updated_at or now,
        )

        def job(tx: WriteTx) -> MessageServer:
            tx.conn.execute(
                "INSERT INTO message_servers (id, name, source_type, source_id, metadata, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                values,
            )
            row = tx.conn.execute("SELECT * FROM message_servers WHERE id = ?", (server_id,)).fetchone()
            return message_server_from_row(row)

        return await self._db.write(job)

    async def get_message_servers(self) -> list[MessageServer]:
        rows = await self._db.read(
            lambda c: c.execute("SELECT * FROM message_servers ORDER BY created_at, id").fetchall()
        )
        return [message_server_from_row(r) for r in rows]

    async def get_message_server_by_id(self, server_id: str) -> MessageServer | None:
        target = check_id(server_id, "server_id")
        row = await self._db.read(
            lambda c: c.execute("SELECT * FROM message_servers WHERE id = ?", (target,)).fetchone()
        )
        return message_server_from_row(row) if row else None

    async def add_agent_to_message_server(self, server_id: str, agent_id: str) -> None:
        args = (check_id(server_id, "server_id"), check_id(agent_id, "agent_id"))

        def job(tx: WriteTx) -> None:
            require_row(tx.conn, "message_servers", args[0], "message server")
            require_row(tx.conn, "agents", args[1], "agent")
            tx.conn.execute(
                "INSERT INTO message_server_agents (message_server_id, agent_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args,
            )

        await self._db.write(job)

    async def get_agents_for_message_server(self, server_id: str) -> list[str]:
        target = check_id(server_id, "server_id")
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT agent_id FROM message_server_agents WHERE message_server_id = ? ORDER BY agent_id", (target,)
            ).fetchall()
        )
        return [r[0] for r in rows]

    async def remove_agent_from_message_server(self, server_id: str, agent_id: str) -> None:
        args = (check_id(server_id, "server_id"), check_id(agent_id, "agent_id"))
        await self._db.write(
            lambda tx: tx.conn.execute(
                "DELETE FROM message_server_agents WHERE message_server_id = ? AND agent_id = ?", args
            )
        )

    # -- channels ----------------------------------------------------------------------------------------
    async def create_channel(self, channel: Channel, participant_ids: Sequence[str] | None = None) -> Channel:
        channel_id = check_id(channel.id, "channel.id")

        def job(tx: WriteTx) -> Channel:
            _insert_channel(tx, channel, participant_ids or ())
            return _stored_channel(tx.conn, channel_id)

        return await self._db.write(job)

    async def get_channels_for_message_server(self, server_id: str) -> list[Channel]:
        target = check_id(server_id, "server_id")
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT * FROM channels WHERE message_server_id = ? ORDER BY created_at, id", (target,)
            ).fetchall()
        )
        return [channel_from_row(r) for r in rows]

    async def get_channel_details(self, channel_id: str) -> Channel | None:
        target = check_id(channel_id, "channel_id")
        return await self._db.read(lambda c: _channel(c, target))

    async def update_channel(self, channel_id: str, changes: dict[str, Any]) -> Channel:
        target = check_id(channel_id, "channel_id")
        assignments: list[str] = []
        args: list[Any] = []
        participants: list[str] | None = None
        for raw_key, value in changes.items():
            key = to_snake(raw_key)
            if key == "participant_central_user_ids":
                participants = [str(v) for v in value or []]
            elif key in _CHANNEL_FIELDS:
                if key == "metadata":
                    value = optional_json(value, "channel metadata")
                elif key == "type":
                    if value not in {t.value for t in ChannelType}:
                        raise InvalidInputError(f"update_channel: unknown channel type {value!r}")
                    value = str(ChannelType(value))
                assignments.append(f"{key} = ?")
                args.append(value)
            elif key not in {"id", "updated_at", "created_at", "message_server_id"}:
                raise InvalidInputError(f"update_channel: unknown channel field {raw_key!r}")

        def job(tx: WriteTx) -> Channel:
            require_row(tx.conn, "channels", target, "channel")
            tx.conn.execute(
                f"UPDATE channels SET {''.join(a + ', ' for a in assignments)}updated_at = ? WHERE id = ?",
                (*args, now_ms(), target),
            )
            if participants is not None:
                tx.conn.execute("DELETE FROM channel_participants WHERE channel_id = ?", (target,))
                _add_participants(tx, target, participants)
            return _stored_channel(tx.conn, target)

        return await self._db.write(job)

    async def delete_channel(self, channel_id: str) -> None:
        target = check_id(channel_id, "channel_id")
        await self._db.write(lambda tx: tx.conn.execute("DELETE FROM channels WHERE id = ?", (target,)))

    async def find_or_create_dm_channel(self, user1: str, user2: str, server_id: str) -> Channel:
        server = check_id(server_id, "server_id")
        name = dm_channel_name(str(user1), str(user2))

        def job(tx: WriteTx) -> Channel:
            row = tx.conn.execute(
                "SELECT * FROM channels WHERE message_server_id = ? AND type = ? AND name = ? "
                "ORDER BY created_at LIMIT 1",
                (server, ChannelType.DM.value, name),
            ).fetchone()
            if row is not None:
                return channel_from_row(row)
            channel = Channel(
                id=new_uuid(),
                message_server_id=server,
                name=name,
                type=ChannelType.DM,
                metadata={"user1": user1, "user2": user2},
            )
            _insert_channel(tx, channel, [user1, user2])
            return _stored_channel(tx.conn, channel.id)

        return await self._db.write(job)

    async def add_channel_participants(self, channel_id: str, entity_ids: Sequence[str]) -> None:
        target = check_id(channel_id, "channel_id")

        def job(tx: WriteTx) -> None:
            require_row(tx.conn, "channels", target, "channel")
            _add_participants(tx, target, entity_ids)

        await self._db.write(job)

    async def get_channel_participants(self, channel_id: str) -> list[str]:
        target = check_id(channel_id, "channel_id")
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT entity_id FROM channel_participants WHERE channel_id = ? ORDER BY rowid", (target,)
            ).fetchall()
        )
        return [r[0] for r in rows]

    async def is_channel_participant(self, channel_id: str, entity_id: str) -> bool:
        args = (check_id(channel_id, "channel_id"), str(entity_id))
        row = await self._db.read(
            lambda c: c.execute(
                "SELECT 1 FROM channel_participants WHERE channel_id = ? AND entity_id = ?", args
            ).fetchone()
        )
        return row is not None

    async def remove_channel_participant(self, channel_id: str, entity_id: str) -> None:
        args = (check_id(channel_id, "channel_id"), str(entity_id))
        await self._db.write(
            lambda tx: tx.conn.execute("DELETE FROM channel_participants WHERE channel_id = ? AND entity_id = ?", args)
        )

    # -- messages ----------------------------------------------------------------------------------------
    async def create_message(self, message: CentralMessage) -> CentralMessage:
        values = central_message_values(message, now_ms())

        def job(tx: WriteTx) -> CentralMessage:
            require_row(tx.conn, "channels", values[1], "channel")
            tx.conn.execute(
                f"INSERT INTO central_messages ({CENTRAL_MESSAGE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                values,
            )
            row = tx.conn.execute("SELECT * FROM central_messages WHERE id = ?", (values[0],)).fetchone()
            return central_message_from_row(row)

        return await self._db.write(job)

    async def get_message_by_id(self, message_id: str) -> CentralMessage | None:
        target = check_id(message_id, "message_id")
        row = await self._db.read(
            lambda c: c.execute("SELECT * FROM central_messages WHERE id = ?", (target,)).fetchone()
        )
        return central_message_from_row(row) if row else None

    async def update_message(self, message_id: str, changes: dict[str, Any]) -> CentralMessage | None:
        target = check_id(message_id, "message_id")
        assignments: list[str] = []
        args: list[Any] = []
        for raw_key, value in changes.items():
            key = to_snake(raw_key)
            if key not in _MESSAGE_FIELDS:
                if key in {"id", "channel_id", "author_id", "created_at", "updated_at"}:
                    continue
                raise InvalidInputError(f"update_message: unknown message field {raw_key!r}")
            if key in {"raw_message", "metadata"}:
                value = optional_json(value if value is not None or key != "metadata" else {}, f"message {key}")
            elif key == "in_reply_to_root_message_id":
                value = check_optional_id(value, key)
            assignments.append(f"{key} = ?")
            args.append(value)

        def job(tx: WriteTx) -> CentralMessage | None:
            tx.conn.execute(
                f"UPDATE central_messages SET {''.join(a + ', ' for a in assignments)}updated_at = ? WHERE id = ?",
                (*args, now_ms(), target),
            )
            row = tx.conn.execute("SELECT * FROM central_messages WHERE id = ?", (target,)).fetchone()
            return central_message_from_row(row) if row else None

        return await self._db.write(job)

    async def get_messages_for_channel(
        self, channel_id: str, limit: int = 50, before: int | None = None
    ) -> list[CentralMessage]:
        sql = "SELECT * FROM central_messages WHERE channel_id = ?"
        args: list[Any] = [check_id(channel_id, "channel_id")]
        if before is not None:
            sql += " AND created_at < ?"
            args.append(before)
        sql += " ORDER BY created_at DESC, rowid DESC LIMIT ?"
        args.append(max(0, int(limit)))
        rows = await self._db.read(lambda c: c.execute(sql, args).fetchall())
        return [central_message_from_row(r) for r in rows]

    async def delete_message(self, message_id: str) -> None:
        target = check_id(message_id, "message_id")
        await self._db.write(lambda tx: tx.conn.execute("DELETE FROM central_messages WHERE id = ?", (target,)))

    async def delete_messages_for_channel(self, channel_id: str) -> int:
        target = check_id(channel_id, "channel_id")
        return await self._db.write(
            lambda tx: tx.conn.execute("DELETE FROM central_messages WHERE channel_id = ?", (target,)).rowcount
        )
