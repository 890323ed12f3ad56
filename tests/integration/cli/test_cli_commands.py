"""The ``pyeliza`` command end to end: start with no configuration, chat in the terminal, manage agents."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from tests.integration.cli._support import PYELIZA, clean_env, free_port

from pyeliza.types import DEFAULT_SERVER_ID, new_uuid


def run_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYELIZA, *args], cwd=cwd, env=clean_env(), input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
async def started_server(tmp_path: Path) -> AsyncIterator[tuple[str, list[str]]]:
    """``pyeliza start`` in an empty folder (default character, no API key); yields its URL and output lines."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        PYELIZA,
        "start",
        "--port",
        str(port),
        cwd=tmp_path,
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    lines: list[str] = []
    url = f"http://127.0.0.1:{port}"

    async def until_listening() -> None:
        while True:
            raw = await process.stdout.readline()
            if not raw:
                raise AssertionError("pyeliza start exited early:\n" + "\n".join(lines))
            lines.append(raw.decode().rstrip())
            if "listening on" in lines[-1]:
                return

    await asyncio.wait_for(until_listening(), timeout=60)
    yield url, lines
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.wait(), timeout=30)


async def test_start_serves_the_default_character_without_any_api_key(
    started_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, lines = started_server
    output = "\n".join(lines)
    assert f"listening on {url}" in output
    assert "Eliza" in output and "classic" in output and "local" in output
    assert (tmp_path / ".pyeliza" / "pyeliza.db").exists()
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        agents = (await client.get("/api/agents")).json()["data"]["agents"]
        assert [(a["name"], a["status"]) for a in agents] == [("Eliza", "active")]
        user = new_uuid()
        channel = (
            await client.get(
                "/api/messaging/dm-channel", params={"targetUserId": agents[0]["id"], "currentUserId": user}
            )
        ).json()["data"]
        response = await client.post(
            f"/api/messaging/channels/{channel['id']}/messages",
            json={
                "author_id": user,
                "content": "I am worried about my exams.",
                "message_server_id": DEFAULT_SERVER_ID,
                "transport": "http",
                "source_type": "client_chat",
            },
        )
        assert response.status_code == 201, response.text
        assert response.json()["data"]["agentResponse"]["text"].strip()
        page = await client.get("/")
        assert "pyeliza" in page.text


async def test_agent_commands_manage_a_running_server(started_server: tuple[str, list[str]], tmp_path: Path) -> None:
    url, _ = started_server
    character = tmp_path / "sage.json"
    character.write_text(json.dumps({"name": "Sage", "bio": "A calm helper."}), encoding="utf-8")

    async def cli(*args: str) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            PYELIZA,
            "agent",
            *args,
            "--url",
            url,
            cwd=tmp_path,
            env=clean_env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await process.communicate()
        return process.returncode or 0, out.decode()

    code, out = await cli("start", "--path", str(character))
    assert code == 0, out
    assert "started Sage" in out
    code, out = await cli("list", "--json")
    assert code == 0, out
    listed = {a["name"]: a["status"] for a in json.loads(out)}
    assert listed == {"Eliza": "active", "Sage": "active"}
    code, out = await cli("stop", "--name", "sage")
    assert code == 0 and "stopped Sage" in out
    code, out = await cli("remove", "--name", "Sage")
    assert code == 0 and "removed Sage" in out
    code, out = await cli("remove", "--name", "Nobody")
    assert code == 1
    assert "no agent named 'Nobody'" in out


def test_chat_answers_in_the_terminal_and_its_memories_can_be_reembedded(tmp_path: Path) -> None:
    result = run_cli("chat", cwd=tmp_path, stdin="Hello, I feel sad today.\nMy mother never listens to me.\n/quit\n")
    assert result.returncode == 0, result.stderr
    replies = [line for line in result.stdout.splitlines() if line.startswith("Eliza> ")]
    assert len(replies) == 2, result.stdout
    assert all(reply.removeprefix("Eliza> ").strip() for reply in replies)
    reembedded = run_cli("memory", "reembed", cwd=tmp_path)
    assert reembedded.returncode == 0, reembedded.stderr
    assert "re-embedded 4 memories of Eliza (messages)" in reembedded.stdout


def test_character_validate_names_the_file_and_field(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"name": "Quill", "bio": ["editor"]}), encoding="utf-8")
    result = run_cli("character", "validate", str(good), cwd=tmp_path)
    assert result.returncode == 0
    assert "Quill" in result.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "Quill", "bio": ["editor", 3], "style": {"al": []}}), encoding="utf-8")
    result = run_cli("character", "validate", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert str(bad) in result.stderr
    assert "bio[1]: expected string" in result.stderr
    assert "style.al: unknown field" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "Quill",\n "bio": }', encoding="utf-8")
    result = run_cli("character", "validate", str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert "line 2" in result.stderr


def test_db_migrate_then_status_and_plugins_list(tmp_path: Path) -> None:
    migrated = run_cli("db", "migrate", "--data-dir", str(tmp_path / "data"), cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "up to date" in migrated.stdout
    status = run_cli("db", "status", "--data-dir", str(tmp_path / "data"), cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "applied migrations" in status.stdout
    plugins = run_cli("plugins", "list", cwd=tmp_path)
    assert plugins.returncode == 0, plugins.stderr
    for name in ("bootstrap", "sql", "openai", "anthropic", "local", "classic"):
        assert name in plugins.stdout
    assert "ready" in plugins.stdout


def test_start_refuses_a_character_whose_plugins_do_not_resolve(tmp_path: Path) -> None:
    character = tmp_path / "broken.json"
    character.write_text(
        json.dumps(
            {
                "name": "Broken",
                "bio": "x",
                "plugins": ["no-such-plugin", "tests.missing_module:plugin", "@elizaos/plugin-discord"],
            }
        ),
        encoding="utf-8",
    )
    result = run_cli("start", "--character", str(character), "--port", str(free_port()), cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot start the agent's plugins" in result.stderr
    assert "plugin 'no-such-plugin' is not installed" in result.stderr
    assert "cannot import module 'tests.missing_module'" in result.stderr
    assert "'@elizaos/plugin-discord' connects a platform pyeliza does not support" in result.stderr


def test_start_on_a_busy_port_fails_with_a_clear_message(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        completed = run_cli("start", "--port", str(port), cwd=tmp_path)
    assert completed.returncode != 0
    output = " ".join((completed.stdout + completed.stderr).split())
    assert f"cannot listen on 127.0.0.1:{port}" in output
    assert "Traceback" not in output
