"""The newest memories of each room, kept in memory so the conversation read of every message skips the database.

Every message composes a state whose RECENT_MESSAGES provider reads the room's last 32 messages; reading and
decoding them was the largest single cost of a composition. A SQLite file is held by exactly one process (the
backend locks it), so everything written to it passes through this process and a write-through cache is sound:

* ``create_memory`` adds the stored memory to its room's window after the commit; a vector-only
  ``update_memory`` (the background embedding) and ``set_cache``/``delete_cache`` leave the windows alone (they
  hold no vectors; the cache table holds no memories).
* Every other write (content updates, deletes, cascades from rooms, entities, worlds and agents, plugin
  statements, migrations, writes through ``SqliteDatabase.write`` by anyone else) drops every window, before
  it is submitted and again once it finished.
* A window is loaded from a read that may overlap a write; it is kept only when no write finished while it was
  being read (``generation``), so a load never installs a state older than a finished write.

The same drops forget ``rooms``, the rooms known to exist, whose log rows are written without waiting
(``logs.py``), and the remembered rows: results of reads of tables that only dropping writes change (rooms,
worlds, participants, entities, tasks, relationships), of cache entries and of room counts, kept under a key
naming the query (``SqliteDatabase.read_remembered``).
The writes that keep the windows and touch remembered data maintain it themselves: ``create_memory`` counts
the new memory into its room's remembered counts, ``set_cache`` remembers the row it wrote. Everything here runs
on the event loop thread. The memories handed out are copies: a caller may change them; remembered rows are
immutable and decoded afresh for every caller. A reader that only looks (``shared=True``, the conversation and
entities read of every composition) gets read-only snapshots instead, made once per memory (per remembered read
of entities) and shared: assigning to one raises, and copying 32 memories per composition was an eighth of a W5
message's instructions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from ....types import Content, Memory, MemoryMetadata

WINDOW = 64
"""Memories kept per (agent, table, room): reads asking for at most this many are answered from the window."""

MAX_REMEMBERED = 4096
"""Most remembered reads; when full, new results are not kept until the next drop."""

MISSING: Any = object()
"""``remembered(key)`` when nothing is kept under ``key``."""

Key = tuple[str, str, str]


def count_key(key: Key, unique: bool) -> Hashable:
    """The remembered-rows key of the count of ``key``'s room memories (only unique ones with ``unique``)."""
    return ("count", *key, unique)


def _order(memory: Memory) -> tuple[int, str]:
    return (memory.created_at or 0, memory.id or "")


_new = object.__new__
_set = object.__setattr__


class _ReadOnlyContent(Content):
    model_config = ConfigDict(frozen=True, defer_build=True)


class _ReadOnlyMetadata(MemoryMetadata):
    model_config = ConfigDict(frozen=True, defer_build=True)


class _ReadOnlyMemory(Memory):
    """A shared snapshot of a window's memory (still a ``Memory``): assigning to it or its parts raises."""

    model_config = ConfigDict(frozen=True, defer_build=True)


def _containers(model: BaseModel | None) -> tuple[str, ...]:
    """The fields of ``model`` that hold a list or a dict (a copy for a caller copies those too)."""
    if model is None:
        return ()
    return tuple([name for name, value in model.__dict__.items() if type(value) is list or type(value) is dict])


def _copy_model(model: Any, containers: tuple[str, ...], cls: type[BaseModel] | None = None) -> Any:
    """A copy (of class ``cls``, by default the model's) whose fields, and the lists and dicts among them, are the
    copy's own."""
    if model is None:
        return None
    clone = _new(cls or model.__class__)
    fields = model.__dict__.copy()
    for name in containers:
        fields[name] = fields[name].copy()
    extra = model.__pydantic_extra__
    _set(clone, "__dict__", fields)
    _set(clone, "__pydantic_fields_set__", model.__pydantic_fields_set__.copy())
    _set(clone, "__pydantic_extra__", None if extra is None else extra.copy())
    _set(clone, "__pydantic_private__", model.__pydantic_private__)
    return clone


@dataclass(slots=True, frozen=True)
class _Kept:
    """A memory of a window, as its read-only snapshot, with the names of its content's and metadata's list and
    dict fields. Copies for callers are made from the snapshot: a window holds one model per memory, not two
    (window memories outlive young garbage collections, and the objects they hold decide how often the full
    collection runs)."""

    snapshot: Memory
    content_containers: tuple[str, ...]
    metadata_containers: tuple[str, ...]

    @classmethod
    def of(cls, memory: Memory) -> _Kept:
        content, metadata = _containers(memory.content), _containers(memory.metadata)
        return cls(_clone(memory, content, metadata, read_only=True), content, metadata)

    def handed_out(self) -> Memory:
        """A copy for a caller: its fields, content and metadata are the caller's own."""
        return _clone(self.snapshot, self.content_containers, self.metadata_containers, read_only=False)


def _clone(memory: Memory, content: tuple[str, ...], metadata: tuple[str, ...], *, read_only: bool) -> Memory:
    """A copy of ``memory`` with copies of its content and metadata, of the read-only classes or the plain ones."""
    copy: Memory = _copy_model(memory, (), _ReadOnlyMemory if read_only else Memory)
    fields = copy.__dict__
    fields["content"] = _copy_model(memory.content, content, _ReadOnlyContent if read_only else Content)
    fields["metadata"] = _copy_model(memory.metadata, metadata, _ReadOnlyMetadata if read_only else MemoryMetadata)
    return copy


@dataclass(slots=True)
class _Window:
    memories: list[_Kept]  # newest first, as the reads order them
    whole_room: bool  # the room holds no more memories of this table than these
    ids: set[str | None]  # the ids of ``memories``


class RecentMemories:
    """Per (agent, table, room) windows of the newest memories (without vectors); see the module docstring."""

    __slots__ = ("_decoded", "_remembered", "_windows", "generation", "inserting", "rooms")

    def __init__(self) -> None:
        self._windows: dict[Key, _Window] = {}
        self._remembered: dict[Hashable, Any] = {}
        self._decoded: dict[Hashable, tuple[Any, tuple[Any, ...]]] = {}
        self.generation = 0
        self.inserting = 0
        """``create_memory`` calls submitted and not finished (see ``read_remembered(counted_up=True)``)."""
        self.rooms: set[str] = set()
        """Ids of rooms known to exist (a write into them committed); dropped with the windows, as a room delete
        drops both. Log rows for these rooms are written without waiting (``LogStore.log``)."""

    def clear(self) -> None:
        self._windows.clear()
        self._remembered.clear()
        self._decoded.clear()
        self.rooms.clear()
        self.generation += 1

    def remembered(self, key: Hashable) -> Any:
        """The rows kept under ``key``, or ``MISSING``."""
        return self._remembered.get(key, MISSING)

    def remember(self, key: Hashable, rows: Any, generation: int) -> None:
        """Keep ``rows`` (read at ``generation``) under ``key`` unless a write finished since."""
        if generation == self.generation and len(self._remembered) < MAX_REMEMBERED:
            self._remembered[key] = rows

    def decoded(self, key: Hashable, rows: Any, decode: Callable[[Any], tuple[Any, ...]]) -> tuple[Any, ...]:
        """``decode(rows)``, made once while ``rows`` are the ones remembered under ``key`` (read-only snapshots
        for readers that only look, such as the room's entities every composition reads)."""
        kept = self._decoded.get(key)
        if kept is not None and kept[0] is rows:
            return kept[1]
        value = decode(rows)
        if self._remembered.get(key) is rows and len(self._decoded) < MAX_REMEMBERED:
            self._decoded[key] = (rows, value)
        return value

    def forget(self, key: Hashable) -> None:
        """A write changed what ``key`` names: drop it, and keep no read that overlapped the write."""
        self._remembered.pop(key, None)
        self._decoded.pop(key, None)
        self.generation += 1

    def room_exists(self, room_id: str, generation: int) -> None:
        """A write into ``room_id`` submitted at ``generation`` committed: remember the room unless a write
        finished since (it may have deleted the room)."""
        if generation == self.generation:
            self.rooms.add(room_id)

    def newest(self, key: Key, limit: int | None, shared: bool = False) -> list[Memory] | None:
        """Copies (read-only snapshots when ``shared``) of the room's ``limit`` newest memories, or ``None`` when
        the window does not cover the request."""
        window = self._windows.get(key)
        if window is None or not (window.whole_room or (limit is not None and limit <= WINDOW)):
            return None
        chosen = window.memories if limit is None else window.memories[:limit]
        if shared:
            return [kept.snapshot for kept in chosen]
        return [kept.handed_out() for kept in chosen]

    def install(self, key: Key, memories: Sequence[Memory], generation: int) -> bool:
        """Keep ``memories`` (the room's newest ``WINDOW``, read at ``generation``) unless a write finished since."""
        if generation != self.generation:
            return False
        kept = [_Kept.of(memory) for memory in memories]
        self._windows[key] = _Window(kept, len(memories) < WINDOW, {memory.id for memory in memories})
        return True

    def added(self, key: Key, build: Callable[[], Memory], unique: bool) -> None:
        """A memory committed to ``key``'s room: count it and put it (``build()``) in place in the window."""
        self.generation += 1
        for counted in (count_key(key, False), count_key(key, True)) if unique else (count_key(key, False),):
            total = self._remembered.get(counted)
            if total is not None:
                self._remembered[counted] = total + 1
        window = self._windows.get(key)
        if window is None:
            return
        memory = build()
        memories = window.memories
        if memory.id in window.ids:
            return
        position = _order(memory)
        index = 0
        while index < len(memories) and _order(memories[index].snapshot) > position:
            index += 1
        if index == len(memories) and not window.whole_room:
            return  # older than the window: the window still holds the room's newest memories
        memories.insert(index, _Kept.of(memory))
        window.ids.add(memory.id)
        if len(memories) > WINDOW:
            window.ids.discard(memories.pop().snapshot.id)
            window.whole_room = False
