"""Many agents in one server, agent lifecycle routes, runs and logs, memories, and plugin routes."""

from __future__ import annotations

from pathlib import Path

from tests.integration.server._support import (
    REPLY_TEXT,
    create_and_start,
    group_channel,
    history,
)
from tests.integration.server.conftest import StartServer

from pyeliza.types import DEFAULT_SERVER_ID, Plugin, Route, RouteRequest, new_uuid


async def test_two_agents_in_one_channel_both_answer_once(
    start_server: StartServer, socket_clients, tmp_path: Path
) -> None:
    live = await start_server()
    async with live.client() as client:
        quill = await create_and_start(client, tmp_path, "Quill")
        sage = await create_and_start(client, tmp_path, "Sage")
        user = socket_clients()
        await user.connect(live.url)
        channel_id = await group_channel(client, "workshop", [user.entity_id, quill, sage])
        agents = (await client.get(f"/api/messaging/channels/{channel_id}/agents")).json()["data"]
        assert sorted(agents["participants"]) == sorted([quill, sage])
        await user.sio.emit("1", {"channelId": channel_id, "entityId": user.entity_id})
        await user.wait_for("channel_joined")
        await user.sio.emit(
            "2",
            {
                "channelId": channel_id,
                "senderId": user.entity_id,
                "senderName": "Ada",
                "message": "Quill and Sage, what do you both think?",
                "messageServerId": DEFAULT_SERVER_ID,
                "source": "client_group_chat",
            },
        )
        await user.wait_for("messageBroadcast", lambda d: d["senderId"] == quill)
        await user.wait_for("messageBroadcast", lambda d: d["senderId"] == sage)
        messages = await history(client, channel_id)
        authors = sorted(m["authorId"] for m in messages)
        assert authors == sorted([user.entity_id, quill, sage])
        by_author = {m["authorId"]: m["content"] for m in messages}
        assert by_author[quill] == f"Quill: {REPLY_TEXT}"
        assert by_author[sage] == f"Sage: {REPLY_TEXT}"
        assert len([d for d in user.events["messageBroadcast"] if d["senderId"] in (quill, sage)]) == 2


async def test_agent_lifecycle_runs_logs_and_memories(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Quill")
        user_id = new_uuid()
        channel_id = await group_channel(client, "room", [user_id, agent_id])
        sent = await client.post(
            f"/api/messaging/channels/{channel_id}/messages",
            json={
                "author_id": user_id,
                "content": "Quill, hello",
                "message_server_id": DEFAULT_SERVER_ID,
                "transport": "http",
            },
        )
        assert sent.status_code == 201, sent.text

        runs = (await client.get(f"/api/agents/{agent_id}/runs")).json()["data"]
        assert runs["total"] >= 1
        run_id = runs["runs"][0]["runId"]
        detail = (await client.get(f"/api/agents/{agent_id}/runs/{run_id}")).json()["data"]
        assert detail["summary"]["runId"] == run_id
        assert "RUN_STARTED" in [e["type"] for e in detail["events"]]
        assert (await client.get(f"/api/agents/{agent_id}/runs/{new_uuid()}")).status_code == 404

        logs = (await client.get(f"/api/agents/{agent_id}/logs", params={"count": 100})).json()["data"]
        assert any(row["type"].startswith("useModel:") for row in logs)
        only_models = (
            await client.get(f"/api/agents/{agent_id}/logs", params={"count": 100, "type": "TEXT_LARGE"})
        ).json()["data"]
        assert only_models and all(
            row["body"].get("modelType") == "TEXT_LARGE" or row["type"] == "TEXT_LARGE" for row in only_models
        )

        memories = (await client.get(f"/api/agents/{agent_id}/rooms/{channel_id}/memories")).json()["data"]
        assert sorted(m["content"]["text"] for m in memories["memories"]) == sorted(
            ["Quill, hello", f"Quill: {REPLY_TEXT}"]
        )
        assert all("embedding" not in m for m in memories["memories"])
        rooms = (await client.get(f"/api/agents/{agent_id}/rooms")).json()["data"]["rooms"]
        assert any(r.get("channelId") == channel_id for r in rooms)

        user_message_id = sent.json()["data"]["userMessage"]["id"]
        deleted = await client.delete(f"/api/messaging/channels/{channel_id}/messages/{user_message_id}")
        assert deleted.status_code == 204
        await live.server.bus.drain()
        left = (await client.get(f"/api/agents/{agent_id}/rooms/{channel_id}/memories")).json()["data"]["memories"]
        assert [m["content"]["text"] for m in left] == [f"Quill: {REPLY_TEXT}"]
        assert (await client.delete(f"/api/messaging/channels/{channel_id}/messages")).status_code == 204
        await live.server.bus.drain()
        assert await history(client, channel_id) == []
        left = (await client.get(f"/api/agents/{agent_id}/rooms/{channel_id}/memories")).json()["data"]["memories"]
        assert left == []

        patched = await client.patch(f"/api/agents/{agent_id}", json={"system": "Be terse."})
        assert patched.status_code == 200, patched.text
        assert patched.json()["data"]["system"] == "Be terse."
        assert patched.json()["data"]["status"] == "active"

        stopped = await client.post(f"/api/agents/{agent_id}/stop")
        assert stopped.status_code == 200
        assert (await client.get(f"/api/agents/{agent_id}")).json()["data"]["status"] == "inactive"
        assert (await client.get("/health")).status_code == 503
        assert (await client.delete(f"/api/agents/{agent_id}")).status_code == 204
        assert (await client.get(f"/api/agents/{agent_id}")).status_code == 404


async def _hello(request: RouteRequest, runtime: object) -> dict[str, object]:
    return {"hello": request.params.get("who"), "agent": getattr(runtime, "agent_id", None)}


async def _broken(request: RouteRequest, runtime: object) -> dict[str, object]:
    raise LookupError("widget not found")


GREETER = Plugin(
    name="greeter",
    routes=[
        Route(type="GET", path="/hello/:who", handler=_hello, public=True, name="Greeter"),
        Route(type="POST", path="/broken", handler=_broken),
    ],
)


async def test_plugin_routes_are_served_per_agent_and_at_app_level(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server(extra=(GREETER,))
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Quill")
        scoped = await client.get(f"/api/agents/{agent_id}/plugins/greeter/hello/ada")
        assert scoped.status_code == 200
        assert scoped.json() == {"hello": "ada", "agent": agent_id}
        app_level = await client.get("/greeter/hello/bob", params={"agentId": agent_id})
        assert app_level.json() == {"hello": "bob", "agent": agent_id}
        assert (await client.get("/greeter/hello/cy")).json()["hello"] == "cy"
        broken = await client.post(f"/api/agents/{agent_id}/plugins/greeter/broken")
        assert broken.status_code == 404
        assert "widget not found" in broken.json()["error"]["message"]
        assert (await client.get(f"/api/agents/{new_uuid()}/plugins/greeter/hello/x")).status_code == 404
        panels = (await client.get(f"/api/agents/{agent_id}/panels")).json()["data"]
        assert panels == [
            {"name": "Greeter", "path": f"/api/agents/{agent_id}/plugins/greeter/hello/:who?agentId={agent_id}"}
        ]


async def test_character_secrets_come_from_the_environment_and_urls_are_refused(
    start_server: StartServer, tmp_path: Path
) -> None:
    live = await start_server()
    live.server.env["CHARACTER.SAGE.API_TOKEN"] = "from-env"
    async with live.client() as client:
        for url in ("https://example.com/sage.json", "file:///etc/passwd"):
            refused = await client.post("/api/agents", json={"characterPath": url})
            assert refused.status_code == 400
            assert refused.json()["error"]["code"] == "CREATE_ERROR"
            assert "must be a file path; URLs are not loaded" in refused.json()["error"]["message"]
        agent_id = await create_and_start(client, tmp_path, "Sage")
        runtime = live.server.get_runtime(agent_id)
        assert runtime is not None
        assert runtime.get_setting("API_TOKEN") == "from-env"
        shown = (await client.get(f"/api/agents/{agent_id}")).json()["data"]
        assert shown["secrets"] == {"API_TOKEN": "********"}
        assert "from-env" not in (await client.get(f"/api/agents/{agent_id}")).text
