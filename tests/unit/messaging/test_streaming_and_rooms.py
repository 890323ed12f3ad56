"""Streaming only the <text> element, and the per-room sequencer."""

from __future__ import annotations

import asyncio

from pyeliza.messaging._rooms import RoomSequencer
from pyeliza.messaging._streaming import text_stream_forwarder


async def _collect(chunks: list[str], *, plan: bool) -> tuple[str, set[str | None]]:
    seen: list[tuple[str, str | None]] = []

    async def on_chunk(chunk: str, message_id: str | None) -> None:
        seen.append((chunk, message_id))

    forward = text_stream_forwarder(on_chunk, "resp-1", plan=plan)
    for chunk in chunks:
        await forward(chunk)
    return "".join(c for c, _ in seen), {m for _, m in seen}


async def test_text_is_streamed_without_tags_or_partial_closing_tags() -> None:
    chunks = ["<response><thought>x</thought><te", "xt>Hel", "lo wor", "ld</te", "xt><more>x</more>", "<text>no</text>"]
    assert await _collect(chunks, plan=False) == ("Hello world", {"resp-1"})


async def test_plan_text_streams_only_for_a_plain_reply() -> None:
    reply = ["<response><actions>REP", "LY</actions><text>Hi th", "ere</text></response>"]
    assert (await _collect(reply, plan=True))[0] == "Hi there"
    other = ["<response><actions>REPLY,NOTE</actions><text>not the reply</text></response>"]
    assert (await _collect(other, plan=True))[0] == ""


async def test_room_sequencer_orders_one_room_and_forgets_idle_rooms() -> None:
    rooms = RoomSequencer()
    order: list[str] = []
    gate = asyncio.Event()

    async def hold(name: str, room: str, wait: bool) -> bool:
        async with rooms.turn(room) as waited:
            order.append(f"{name}-start")
            if wait:
                await gate.wait()
            order.append(f"{name}-end")
            return waited

    first = asyncio.create_task(hold("a", "r1", True))
    await asyncio.sleep(0)
    second = asyncio.create_task(hold("b", "r1", False))
    other = asyncio.create_task(hold("c", "r2", False))
    await other
    gate.set()
    assert await first is False and await second is True
    assert order.index("a-end") < order.index("b-start")
    assert order.index("c-end") < order.index("a-end")
    assert rooms.busy_rooms() == 0


def test_latest_message_registry_is_per_sender() -> None:
    rooms = RoomSequencer()
    rooms.announce("r", "alice", "m1", 1)
    rooms.announce("r", "alice", "m2", 2)
    assert not rooms.is_latest("r", "alice", "m1") and rooms.is_latest("r", "alice", "m2")
    assert rooms.latest("r", "alice") == "m2"
    rooms.announce("r", "alice", "m1", 1)  # a late duplicate of an older message does not take over
    assert rooms.latest("r", "alice") == "m2"
    rooms.announce("r", "bob", "m3", 3)  # another sender never supersedes alice's newest message
    assert rooms.is_latest("r", "alice", "m2") and rooms.is_latest("r", "bob", "m3")
    assert rooms.latest("r") == "m3" and rooms.latest("r", "carol") is None
    assert rooms.is_latest("idle-room", "alice", "anything")
