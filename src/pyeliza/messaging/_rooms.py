"""Per-room ordering and the newest-message registry per sender (reference §6.2 race check, per entity)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class RoomSequencer:
    """Runs one room's messages one after the other and remembers the newest message of each sender per room.

    Messages of different rooms run concurrently. A message announced while an older one **of the same sender in
    the same room** is still being handled supersedes it: the older one checks :meth:`is_latest` before replying.
    Two users of a group chat therefore both get answers. Entries are dropped as soon as a room is idle, so the
    maps never grow beyond the busy rooms.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}
        self._latest: dict[str, dict[str, tuple[int, str]]] = {}

    def announce(self, room_id: str, entity_id: str, message_id: str, created_at: int) -> None:
        """Register a message as its sender's newest in the room unless a later one was announced already."""
        senders = self._latest.setdefault(room_id, {})
        current = senders.get(entity_id)
        if current is None or created_at >= current[0]:
            senders[entity_id] = (created_at, message_id)

    def latest(self, room_id: str, entity_id: str | None = None) -> str | None:
        """The newest message of ``entity_id`` in the room, or of any sender when ``entity_id`` is None."""
        senders = self._latest.get(room_id)
        if not senders:
            return None
        if entity_id is not None:
            current = senders.get(entity_id)
            return current[1] if current else None
        return max(senders.values())[1]

    def is_latest(self, room_id: str, entity_id: str, message_id: str) -> bool:
        current = self._latest.get(room_id, {}).get(entity_id)
        return current is None or current[1] == message_id

    @asynccontextmanager
    async def turn(self, room_id: str) -> AsyncIterator[bool]:
        """Hold the room; yields whether another message of the room was ahead of this one."""
        lock = self._locks.get(room_id)
        if lock is None:
            lock = self._locks[room_id] = asyncio.Lock()
        self._users[room_id] = self._users.get(room_id, 0) + 1
        waited = lock.locked()
        try:
            async with lock:
                yield waited
        finally:
            remaining = self._users[room_id] - 1
            if remaining:
                self._users[room_id] = remaining
            else:
                del self._users[room_id]
                del self._locks[room_id]
                self._latest.pop(room_id, None)

    def busy_rooms(self) -> int:
        return len(self._locks)
