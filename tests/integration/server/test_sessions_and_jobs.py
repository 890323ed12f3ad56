"""Sessions (timeouts, renewal, expiry, messages over every transport) and jobs completed by the agent's reply."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from tests.integration.server._support import REPLY_TEXT, create_and_start, reply_xml
from tests.integration.server.conftest import StartServer

from pyeliza.types import GenerateTextParams, ModelType, Plugin, new_uuid, now_ms


async def _poll_job(client: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    async def until_finished() -> dict[str, Any]:
        while True:
            response = await client.get(f"/api/messaging/jobs/{job_id}")
            assert response.status_code == 200, response.text
            data: dict[str, Any] = response.json()["data"]
            if data["status"] not in ("pending", "processing"):
                return data
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(until_finished(), timeout=20)


async def test_a_session_carries_messages_and_renews_on_activity(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Host")
        user_id = new_uuid()
        created = await client.post(
            "/api/messaging/sessions",
            json={
                "agentId": agent_id,
                "userId": user_id,
                "metadata": {"topic": "tea"},
                "timeoutConfig": {"timeoutMinutes": 2, "warningThresholdMinutes": 1},
            },
        )
        assert created.status_code == 201, created.text
        session = created.json()["data"]
        assert session["timeoutConfig"]["timeoutMinutes"] == 5
        assert session["metadata"] == {"topic": "tea"}
        assert session["expiresAt"] - session["createdAt"] == 5 * 60_000
        session_id = session["sessionId"]

        answered = await client.post(
            f"/api/messaging/sessions/{session_id}/messages", json={"content": "Hello host", "transport": "http"}
        )
        assert answered.status_code == 201, answered.text
        data = answered.json()["data"]
        assert data["agentResponse"]["text"] == f"Host: {REPLY_TEXT}"
        assert data["sessionStatus"]["wasRenewed"] is True
        assert data["sessionStatus"]["renewalCount"] == 1

        page = (await client.get(f"/api/messaging/sessions/{session_id}/messages")).json()["data"]
        assert [m["content"] for m in page["messages"]] == [f"Host: {REPLY_TEXT}", "Hello host"]
        assert page["hasMore"] is False
        one = (await client.get(f"/api/messaging/sessions/{session_id}/messages", params={"limit": 1})).json()["data"]
        assert one["hasMore"] is True and len(one["messages"]) == 1

        info = (await client.get(f"/api/messaging/sessions/{session_id}")).json()["data"]
        assert info["renewalCount"] == 1 and info["timeRemaining"] > 0 and info["isNearExpiration"] is False
        patched = await client.patch(f"/api/messaging/sessions/{session_id}/timeout", json={"timeoutMinutes": 99999})
        assert patched.json()["data"]["timeoutConfig"]["timeoutMinutes"] == 1440
        listed = (await client.get("/api/messaging/sessions")).json()["data"]
        assert [s["sessionId"] for s in listed["sessions"]] == [session_id]
        assert (await client.get("/api/messaging/sessions/health")).json()["data"]["activeSessions"] == 1
        assert (await client.delete(f"/api/messaging/sessions/{session_id}")).status_code == 200
        gone = await client.get(f"/api/messaging/sessions/{session_id}")
        assert gone.status_code == 404
        assert gone.json()["error"]["code"] == "SESSION_NOT_FOUND"


async def test_expired_sessions_answer_410_and_errors_carry_no_stack_trace(
    start_server: StartServer, tmp_path: Path
) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Host")
        missing_agent = await client.post("/api/messaging/sessions", json={"agentId": new_uuid(), "userId": new_uuid()})
        assert missing_agent.status_code == 404
        assert missing_agent.json()["error"]["code"] == "AGENT_NOT_FOUND"
        created = await client.post("/api/messaging/sessions", json={"agentId": agent_id, "userId": new_uuid()})
        session_id = created.json()["data"]["sessionId"]
        too_long = await client.post(f"/api/messaging/sessions/{session_id}/messages", json={"content": "x" * 4001})
        assert too_long.status_code == 422
        assert too_long.json()["error"]["details"][0]["path"] == "body.content"
        big_metadata = await client.post(
            f"/api/messaging/sessions/{session_id}/messages", json={"content": "hi", "metadata": {"blob": "y" * 11_000}}
        )
        assert big_metadata.status_code == 422
        assert "metadata is larger than 10240 bytes" in big_metadata.text
        for response in (missing_agent, too_long, big_metadata):
            assert "Traceback" not in response.text

        session = live.server.sessions.get(session_id)
        assert session is not None
        session.expires_at = now_ms() - 1
        expired = await client.get(f"/api/messaging/sessions/{session_id}")
        assert expired.status_code == 410
        assert expired.json()["error"]["code"] == "SESSION_EXPIRED"
        assert (await client.get(f"/api/messaging/sessions/{session_id}")).status_code == 404


async def test_a_job_completes_with_the_agents_reply(start_server: StartServer, tmp_path: Path) -> None:
    live = await start_server()
    async with live.client() as client:
        agent_id = await create_and_start(client, tmp_path, "Worker")
        created = await client.post("/api/messaging/jobs", json={"userId": new_uuid(), "content": "Summarise the day"})
        assert created.status_code == 201, created.text
        job = created.json()["data"]
        assert job["status"] == "processing"
        assert job["expiresAt"] - job["createdAt"] == 30_000
        finished = await _poll_job(client, job["jobId"])
        assert finished["status"] == "completed"
        assert finished["agentId"] == agent_id
        assert finished["result"]["message"]["content"] == f"Worker: {REPLY_TEXT}"
        assert finished["result"]["message"]["authorId"] == agent_id
        assert finished["result"]["processingTimeMs"] >= 0
        health = (await client.get("/api/messaging/jobs/health")).json()["data"]
        assert health["statusCounts"]["completed"] == 1
        bad = await client.post("/api/messaging/jobs", json={"userId": new_uuid(), "content": "x", "timeoutMs": 10})
        assert bad.status_code == 422
        assert bad.json()["error"]["details"][0]["path"] == "body.timeoutMs"


def _stalling_plugin(release: asyncio.Event) -> Plugin:
    async def text(runtime: Any, params: GenerateTextParams) -> str:
        if "please stall" in params.prompt:
            await release.wait()
        return reply_xml(runtime.character.name)

    return Plugin(name="stalling-model", models={ModelType.TEXT_SMALL: text, ModelType.TEXT_LARGE: text}, priority=200)


async def test_a_job_without_an_answer_times_out(start_server: StartServer, tmp_path: Path) -> None:
    release = asyncio.Event()
    live = await start_server(extra=(_stalling_plugin(release),))
    async with live.client() as client:
        await create_and_start(client, tmp_path, "Sloth")
        created = await client.post(
            "/api/messaging/jobs", json={"userId": new_uuid(), "content": "please stall", "timeoutMs": 1000}
        )
        finished = await _poll_job(client, created.json()["data"]["jobId"])
        release.set()
        assert finished["status"] == "timeout"
        assert finished["error"] == "the agent did not answer within 1000 ms"
        no_agent = await client.post(
            "/api/messaging/jobs", json={"agentId": new_uuid(), "userId": new_uuid(), "content": "hi"}
        )
        assert no_agent.status_code == 404
