"""Auth on and off, body validation with field paths, upload limits and path sanitising, CORS, health routes."""

from __future__ import annotations

from pathlib import Path

import pytest
import socketio
from tests.integration.server.conftest import StartServer

from pyeliza.types import DEFAULT_SERVER_ID, new_uuid

TOKEN = "correct horse battery staple"


async def test_without_a_token_the_api_is_open(start_server: StartServer) -> None:
    live = await start_server()
    async with live.client() as client:
        response = await client.get("/api/agents")
        assert response.status_code == 200
        assert response.json() == {"success": True, "data": {"agents": []}}


async def test_with_a_token_every_api_request_needs_it(start_server: StartServer) -> None:
    live = await start_server(auth_token=TOKEN)
    async with live.client() as client:
        missing = await client.get("/api/agents")
        assert missing.status_code == 401
        assert missing.json()["error"] == "API key required"
        assert (await client.get("/api/agents", headers={"X-API-KEY": "wrong"})).status_code == 401
        assert (await client.post("/api/agents", json={})).status_code == 401
        assert (await client.get("/api/agents", headers={"X-API-KEY": TOKEN})).status_code == 200
        assert (await client.get("/api/agents", headers={"Authorization": f"Bearer {TOKEN}"})).status_code == 200
        assert (await client.get("/healthz")).status_code == 200


async def test_with_a_token_sockets_need_it_too(start_server: StartServer, socket_clients) -> None:
    live = await start_server(auth_token=TOKEN)
    for auth in ({}, {"apiKey": "nope"}):
        refused = socket_clients()
        with pytest.raises(socketio.exceptions.ConnectionError):
            await refused.connect(live.url, auth=auth)
        assert "a valid API key is required" in str(refused.events["connect_error"])
    by_api_key = socket_clients()
    await by_api_key.connect(live.url, auth={"apiKey": TOKEN})
    await by_api_key.wait_for("authenticated")
    by_token = socket_clients()
    await by_token.connect(live.url, auth={"token": TOKEN})
    await by_token.wait_for("connection_established")


async def test_a_socket_needs_a_valid_entity_id(start_server: StartServer, socket_clients) -> None:
    live = await start_server()
    client = socket_clients("not-a-uuid")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(live.url)
    assert "Valid entityId required" in str(client.events["connect_error"])


async def test_bad_bodies_answer_422_with_the_field_path(start_server: StartServer) -> None:
    live = await start_server()
    channel = new_uuid()
    async with live.client() as client:
        response = await client.post(
            f"/api/messaging/channels/{channel}/messages",
            json={"content": "hi", "message_server_id": DEFAULT_SERVER_ID, "transport": "carrier-pigeon"},
        )
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        paths = {d["path"] for d in error["details"]}
        assert paths == {"body.author_id", "body.transport"}
        assert "body.author_id" in error["message"]

        response = await client.post(
            "/api/messaging/channels",
            json={
                "name": "x",
                "participantCentralUserIds": [new_uuid(), "nope"],
                "message_server_id": DEFAULT_SERVER_ID,
            },
        )
        assert response.status_code == 422
        assert [d["path"] for d in response.json()["error"]["details"]] == ["body.participantCentralUserIds[1]"]

        response = await client.post("/api/agents", json={"characterJson": {"name": "Bad", "bio": ["ok", 7]}})
        assert response.status_code == 400
        assert "bio[1]: expected string" in response.json()["error"]["message"]

        response = await client.get("/api/agents/not-a-uuid")
        assert response.status_code == 400
        assert "agentId" in response.json()["error"]["message"]

        response = await client.post(
            f"/api/messaging/channels/{channel}/messages",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422


async def test_uploads_are_size_limited_and_stay_in_the_upload_folder(start_server: StartServer) -> None:
    live = await start_server(upload_limit_bytes=1000)
    channel = new_uuid()
    upload_root = live.server.config.upload_dir.resolve()
    async with live.client() as client:
        response = await client.post(
            f"/api/messaging/channels/{channel}/upload-media",
            files={"file": ("../../../etc/evil name.txt", b"hello file", "text/plain")},
        )
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["filename"].endswith("evil_name.txt")
        assert "/" not in data["filename"] and ".." not in data["filename"]
        stored = [p for p in upload_root.rglob("*") if p.is_file()]
        assert len(stored) == 1
        assert stored[0].resolve().parent == upload_root / "channels" / channel
        served = await client.get(data["url"])
        assert served.status_code == 200
        assert served.content == b"hello file"

        too_big = await client.post(
            f"/api/media/channels/{channel}/upload-media", files={"file": ("big.txt", b"x" * 5000, "text/plain")}
        )
        assert too_big.status_code == 413
        assert len([p for p in upload_root.rglob("*") if p.is_file()]) == 1

        wrong_type = await client.post(
            f"/api/media/channels/{channel}/upload-media",
            files={"file": ("run.sh", b"#!/bin/sh", "application/x-sh")},
        )
        assert wrong_type.status_code == 415

        escape = await client.get(f"/media/uploads/channels/{channel}/..%2F..%2F..%2Fpyeliza.db")
        assert escape.status_code == 404


async def test_cors_is_off_by_default_and_configurable(start_server: StartServer) -> None:
    closed = await start_server()
    async with closed.client() as client:
        response = await client.get("/api/server/ping", headers={"Origin": "http://example.test"})
        assert "access-control-allow-origin" not in response.headers
    opened = await start_server(cors_origins=("http://example.test",))
    async with opened.client() as client:
        response = await client.get("/api/server/ping", headers={"Origin": "http://example.test"})
        assert response.headers["access-control-allow-origin"] == "http://example.test"


async def test_health_version_docs_and_unknown_api_routes(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        assert (await client.get("/healthz")).json()["status"] == "ok"
        health = await client.get("/health")
        assert health.status_code == 503
        assert health.json()["agentCount"] == 0
        assert (await client.get("/api/server/ping")).json()["pong"] is True
        assert (await client.get("/api/system/version")).json()["source"] == "server"
        docs = await client.get("/docs")
        assert docs.status_code == 200
        spec = (await client.get("/openapi.json")).json()
        assert "/api/messaging/channels/{channel_id}/messages" in spec["paths"]
        missing = await client.get("/api/nothing/here")
        assert missing.status_code == 404
        assert missing.json()["success"] is False
        page = await client.get("/")
        assert page.status_code == 200
        assert "pyeliza" in page.text
