"""ensure_connection / ensure_connections with the fixes of the reference's weak spots."""

from __future__ import annotations

import pytest

from pyeliza import Entity, Room, World
from pyeliza.errors import InvalidInputError
from pyeliza.testing import runtime_for_test
from pyeliza.types import ChannelType, create_unique_uuid

USER = "00000000-0000-0000-0000-0000000000d1"
ROOM = "00000000-0000-0000-0000-0000000000d2"
SERVER = "00000000-0000-0000-0000-0000000000d3"


async def test_ensure_connection_creates_everything(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        await rt.ensure_connection(
            USER,
            ROOM,
            world_name="My Server",
            user_name="ada99",
            name="Ada",
            source="discord",
            type=ChannelType.GROUP,
            channel_id="chan-1",
            message_server_id=SERVER,
            user_id="discord-user-1",
            metadata={"owner": USER},
        )
        world_id = create_unique_uuid(rt.agent_id, SERVER)
        world = await rt.get_world(world_id)
        assert world is not None and world.name == "My Server"
        room = await rt.get_room(ROOM)
        assert room is not None
        assert (room.world_id, room.type, room.source, room.channel_id) == (
            world_id,
            ChannelType.GROUP,
            "discord",
            "chan-1",
        )
        assert room.metadata == {"owner": USER}
        entity = await rt.get_entity_by_id(USER)
        assert entity is not None
        assert entity.names == ["Ada", "ada99"]
        assert entity.metadata["discord"] == {"id": "discord-user-1", "name": "Ada", "userName": "ada99"}
        participants = await rt.get_participants_for_room(ROOM)
        assert set(participants) == {USER, rt.agent_id}


async def test_reconnecting_merges_names_and_metadata_without_moving_the_entity(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        await rt.ensure_connection(USER, ROOM, name="Ada")
        entity = await rt.get_entity_by_id(USER)
        assert entity is not None and entity.metadata == {"default": {"name": "Ada"}}
        assert (await rt.get_world(ROOM)) is not None
        await rt.ensure_connection(USER, ROOM, user_name="ada_l", source="telegram")
        again = await rt.get_entity_by_id(USER)
        assert again is not None
        assert again.names == ["Ada", "ada_l"]
        assert set(again.metadata) == {"default", "telegram"}
        assert again.agent_id == rt.agent_id
        assert (await rt.get_participants_for_room(ROOM)).count(USER) == 1


async def test_room_without_world_is_rejected(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        with pytest.raises(InvalidInputError, match="world"):
            await rt.ensure_room_exists(Room(id=ROOM))


async def test_ensure_connections_adds_entities_to_every_room(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        world = World(id=create_unique_uuid(rt.agent_id, "guild"), name="Guild", message_server_id=SERVER)
        rooms = [Room(id=create_unique_uuid(rt.agent_id, f"room-{i}"), name=f"r{i}") for i in range(3)]
        entities = [Entity(id=create_unique_uuid(rt.agent_id, f"user-{i}"), names=[f"u{i}"]) for i in range(20)]
        await rt.ensure_connections(entities, rooms, "discord", world)
        await rt.ensure_connections(entities, rooms, "discord", world)
        for room in rooms:
            stored = await rt.get_room(room.id)
            assert stored is not None and stored.world_id == world.id and stored.source == "discord"
            participants = await rt.get_participants_for_room(room.id)
            assert len(participants) == 21
        assert await rt.get_world(world.id) is not None
        await rt.ensure_connections([], rooms, "discord", world)
