"""Entities, components, relationships, worlds, rooms and participants."""

from __future__ import annotations

import pytest

from pyeliza.errors import IntegrityError, InvalidInputError
from pyeliza.storage import Database, DatabaseAdapter
from pyeliza.types import ChannelType, Component, Entity, Room, World, new_uuid

from .conftest import Place, make_place, new_agent


async def test_entities_insert_or_ignore_and_lookups(adapter: DatabaseAdapter, place: Place) -> None:
    [alice] = await adapter.get_entities_by_ids([place.entity_id])
    assert alice.names == ["Alice", "al"] and alice.agent_id == adapter.agent_id
    assert alice.metadata == {"test": {"name": "Alice"}} and alice.components == []
    assert await adapter.create_entities([Entity(id=place.entity_id, names=["Changed"])])
    [again] = await adapter.get_entities_by_ids([place.entity_id])
    assert again.names == ["Alice", "al"]
    await adapter.update_entity(Entity(id=place.entity_id, names=["Alicia"], metadata={"k": 1}))
    [updated] = await adapter.get_entities_by_ids([place.entity_id])
    assert updated.names == ["Alicia"] and updated.metadata == {"k": 1}
    assert [e.id for e in await adapter.get_entities_by_names(["Alicia"])] == [place.entity_id]
    assert await adapter.get_entities_by_names(["nobody"]) == []
    assert [e.id for e in await adapter.search_entities_by_name("lic")] == [place.entity_id]
    assert await adapter.search_entities_by_name("%") == []
    ghost = new_uuid()
    with pytest.raises(IntegrityError, match=ghost):
        await adapter.update_entity(Entity(id=ghost, names=["ghost"]))


async def test_entities_for_room_include_other_agents_entities(database: Database, adapter: DatabaseAdapter) -> None:
    place = await make_place(adapter)
    other = await new_agent(database, "Other")
    await other.create_entities([Entity(id=place.entity_id, names=["ignored"])])
    [other_room] = await other.create_rooms([Room(id=new_uuid(), source="test")])
    assert await other.add_participants_room([place.entity_id], other_room)
    seen = await other.get_entities_for_room(other_room)
    assert [e.id for e in seen] == [place.entity_id]
    [entity] = await adapter.get_entities_by_ids([place.entity_id])
    assert entity.agent_id == adapter.agent_id
    await other.delete_agent(other.agent_id)


async def test_components_crud(adapter: DatabaseAdapter, place: Place) -> None:
    component = Component(
        id=new_uuid(),
        entity_id=place.entity_id,
        agent_id=adapter.agent_id,
        room_id=place.room_id,
        world_id=place.world_id,
        source_entity_id=place.entity_id,
        type="telegram",
        data={"handle": "@alice"},
    )
    assert await adapter.create_component(component)
    found = await adapter.get_component(place.entity_id, "telegram", place.world_id, place.entity_id)
    assert found is not None and found.data == {"handle": "@alice"} and found.created_at is not None
    assert await adapter.get_component(place.entity_id, "discord") is None
    await adapter.update_component(component.model_copy(update={"data": {"handle": "@al"}}))
    assert [c.data for c in await adapter.get_components(place.entity_id)] == [{"handle": "@al"}]
    [with_components] = await adapter.get_entities_for_room(place.room_id, include_components=True)
    assert with_components.components is not None and len(with_components.components) == 1
    await adapter.delete_component(component.id)
    assert await adapter.get_components(place.entity_id) == []
    with pytest.raises(IntegrityError):
        await adapter.create_component(component.model_copy(update={"room_id": new_uuid()}))


async def test_delete_entity_removes_its_components(adapter: DatabaseAdapter, place: Place) -> None:
    component = Component(
        id=new_uuid(), entity_id=place.entity_id, agent_id=adapter.agent_id, room_id=place.room_id, type="t"
    )
    await adapter.create_component(component)
    await adapter.delete_entity(place.entity_id)
    assert await adapter.get_entities_by_ids([place.entity_id]) == []
    assert await adapter.get_components(place.entity_id) == []
    assert await adapter.get_participants_for_room(place.room_id) == []


async def test_relationships(adapter: DatabaseAdapter, place: Place) -> None:
    bob = new_uuid()
    await adapter.create_entities([Entity(id=bob, names=["Bob"])])
    assert await adapter.create_relationship(place.entity_id, bob, ["friend"], {"interactions": 1})
    assert await adapter.create_relationship(place.entity_id, bob) is False
    rel = await adapter.get_relationship(place.entity_id, bob)
    assert rel is not None and rel.tags == ["friend"] and rel.metadata == {"interactions": 1}
    assert rel.created_at is not None and rel.created_at.endswith("Z")
    await adapter.update_relationship(rel.model_copy(update={"tags": ["friend", "colleague"], "metadata": {}}))
    assert [r.id for r in await adapter.get_relationships(bob)] == [rel.id]
    assert [r.id for r in await adapter.get_relationships(bob, ["colleague", "enemy"])] == [rel.id]
    assert await adapter.get_relationships(bob, ["enemy"]) == []
    assert await adapter.get_relationship(bob, place.entity_id) is None
    with pytest.raises(IntegrityError):
        await adapter.create_relationship(place.entity_id, new_uuid())


async def test_worlds(adapter: DatabaseAdapter) -> None:
    world_id = new_uuid()
    assert await adapter.create_world(World(id=world_id, metadata={"ownership": {"ownerId": "x"}})) == world_id
    world = await adapter.get_world(world_id)
    assert world is not None and world.name == "" and world.agent_id == adapter.agent_id
    await adapter.update_world(World(id=world_id, name="renamed", metadata={"roles": {}}))
    world = await adapter.get_world(world_id)
    assert world is not None and world.name == "renamed" and world.metadata == {"roles": {}}
    assert [w.id for w in await adapter.get_all_worlds()] == [world_id]
    await adapter.remove_world(world_id)
    assert await adapter.get_world(world_id) is None


async def test_worlds_owned_by_an_entity(adapter: DatabaseAdapter) -> None:
    owner, other = new_uuid(), new_uuid()
    first = await adapter.create_world(World(id=new_uuid(), metadata={"ownership": {"ownerId": owner}}))
    await adapter.create_world(World(id=new_uuid(), metadata={"ownership": {"ownerId": other}}))
    await adapter.create_world(World(id=new_uuid(), metadata={"roles": {owner: "OWNER"}}))
    second = await adapter.create_world(World(id=new_uuid(), metadata={"ownership": {"ownerId": owner}, "x": 1}))
    assert {w.id for w in await adapter.get_worlds_owned_by(owner)} == {first, second}
    await adapter.update_world(World(id=first, metadata={"ownership": {"ownerId": other}}))
    assert [w.id for w in await adapter.get_worlds_owned_by(owner)] == [second]
    assert await adapter.get_worlds_owned_by(new_uuid()) == []
    with pytest.raises(InvalidInputError):
        await adapter.get_worlds_owned_by("not-a-uuid")


async def test_rooms(adapter: DatabaseAdapter, place: Place) -> None:
    second = Room(id=new_uuid(), name="dm", type=ChannelType.DM, world_id=place.world_id, channel_id="c1")
    ids = await adapter.create_rooms([second, Room(id=place.room_id, name="ignored")])
    assert ids == [second.id, place.room_id]
    rooms = {r.id: r for r in await adapter.get_rooms_by_ids([place.room_id, second.id])}
    assert rooms[second.id].type == ChannelType.DM and rooms[second.id].channel_id == "c1"
    assert rooms[place.room_id].name == "room" and rooms[place.room_id].agent_id == adapter.agent_id
    await adapter.update_room(second.model_copy(update={"name": "dm2", "metadata": {"k": "v"}}))
    [updated] = await adapter.get_rooms_by_ids([second.id])
    assert updated.name == "dm2" and updated.metadata == {"k": "v"}
    assert {r.id for r in await adapter.get_rooms_by_world(place.world_id)} == {place.room_id, second.id}
    await adapter.delete_room(second.id)
    assert await adapter.get_rooms_by_ids([second.id]) == []
    await adapter.delete_rooms_by_world_id(place.world_id)
    assert await adapter.get_rooms_by_world(place.world_id) == []


async def test_participants_are_unique_and_stateful(adapter: DatabaseAdapter, place: Place) -> None:
    assert await adapter.add_participants_room([place.entity_id, place.entity_id], place.room_id)
    assert await adapter.get_participants_for_room(place.room_id) == [place.entity_id]
    assert await adapter.is_room_participant(place.room_id, place.entity_id)
    [participant] = await adapter.get_participants_for_entity(place.entity_id)
    assert participant.entity.id == place.entity_id
    assert await adapter.get_rooms_for_participant(place.entity_id) == [place.room_id]
    assert await adapter.get_rooms_for_participants([place.entity_id, new_uuid()]) == [place.room_id]
    assert await adapter.get_participant_user_state(place.room_id, place.entity_id) is None
    await adapter.set_participant_user_state(place.room_id, place.entity_id, "MUTED")
    assert await adapter.get_participant_user_state(place.room_id, place.entity_id) == "MUTED"
    await adapter.set_participant_user_state(place.room_id, place.entity_id, None)
    assert await adapter.get_participant_user_state(place.room_id, place.entity_id) is None
    with pytest.raises(InvalidInputError):
        await adapter.set_participant_user_state(place.room_id, place.entity_id, "SLEEPING")
    assert await adapter.remove_participant(place.entity_id, place.room_id) is True
    assert await adapter.remove_participant(place.entity_id, place.room_id) is False
    assert not await adapter.is_room_participant(place.room_id, place.entity_id)


async def test_add_participants_names_the_unknown_id(adapter: DatabaseAdapter, place: Place) -> None:
    ghost = new_uuid()
    with pytest.raises(IntegrityError, match=ghost):
        await adapter.add_participants_room([place.entity_id, ghost], place.room_id)
    missing_room = new_uuid()
    with pytest.raises(IntegrityError, match=missing_room):
        await adapter.add_participants_room([place.entity_id], missing_room)
    assert await adapter.get_participants_for_room(place.room_id) == [place.entity_id]
