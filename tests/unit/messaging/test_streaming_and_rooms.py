"""Streaming only the <text> element, and the per-room sequencer."""

from __future__ import annotations

import asyncio

from pyeliza.messaging._rooms import RoomSequencer
from pyeliza.messaging._streaming import TextTagStream, text_stream_forwarder


def test_text_is_streamed_without_tags_or_partial_closing_tags() -> None:
    stream = TextTagStream()
    chunks = ["<response><thought>x</thought><te", "xt>Hel", "lo wor", "ld</te", "xt><actions>REPLY</actions>"]
    assert "".join(stream.feed(chunk) for chunk in chunks) == "Hello world"
    assert stream.done
    assert stream.feed("<text>more</text>") == ""


async def test_forwarder_calls_sync_and_async_callbacks() -> None:
    seen: list[tuple[str, str | None]] = []

    async def on_chunk(chunk: str, message_id: str | None) -> None:
        seen.append((chunk, message_id))

    forward = text_stream_forwarder(on_chunk, "resp-1")
    for chunk in ["<text>ab", "c</text>"]:
        await forward(chunk)
    assert "".join(c for c, _ in seen) == "abc" and {m for _, m in seen} == {"resp-1"}


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


def test_latest_message_registry() -> None:
    rooms = RoomSequencer()
    rooms.announce("r", "m1")
    rooms.announce("r", "m2")
    assert not rooms.is_latest("r", "m1") and rooms.is_latest("r", "m2") and rooms.latest("r") == "m2"
    assert rooms.is_latest("idle-room", "anything")
