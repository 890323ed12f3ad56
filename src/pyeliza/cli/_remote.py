"""``pyeliza agent ...``: manage agents on a running server over its REST API."""

from __future__ import annotations

from typing import Any

import httpx
from rich.table import Table

from ..characters import load_character
from ..errors import InvalidInputError, RuntimeFailure
from ..types import validate_uuid
from ._common import console


class ServerClient:
    """A small REST client for the agent routes; errors become pyeliza errors with the server's message."""

    def __init__(self, url: str, auth_token: str | None) -> None:
        headers = {"X-API-KEY": auth_token} if auth_token else {}
        self.client = httpx.AsyncClient(base_url=url.rstrip("/"), headers=headers, timeout=30.0)

    async def __aenter__(self) -> ServerClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def call(self, method: str, path: str, json: Any = None) -> Any:
        try:
            response = await self.client.request(method, path, json=json)
        except httpx.HTTPError as exc:
            raise RuntimeFailure(f"cannot reach the server at {self.client.base_url}: {exc}") from exc
        if response.status_code == 204:
            return None
        body = response.json() if response.content else {}
        if response.status_code >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            message = error.get("message") if isinstance(error, dict) else error
            raise InvalidInputError(f"{method} {path} failed ({response.status_code}): {message or response.text}")
        return body.get("data", body) if isinstance(body, dict) else body

    async def agents(self) -> list[dict[str, Any]]:
        data = await self.call("GET", "/api/agents")
        return list(data["agents"])

    async def resolve(self, name_or_id: str) -> dict[str, Any]:
        """An agent by id, name (case-insensitive) or position in the list."""
        agents = await self.agents()
        for agent in agents:
            if agent["id"] == name_or_id or str(agent["name"]).lower() == name_or_id.lower():
                return agent
        if name_or_id.isdigit() and int(name_or_id) < len(agents):
            return agents[int(name_or_id)]
        raise InvalidInputError(f"no agent named {name_or_id!r} on the server")


async def list_agents(url: str, token: str | None, as_json: bool) -> None:
    async with ServerClient(url, token) as client:
        agents = await client.agents()
    if as_json:
        console.print_json(data=agents)
        return
    table = Table(title=f"agents on {url}")
    for column in ("name", "id", "status"):
        table.add_column(column)
    for agent in agents:
        table.add_row(agent["name"], agent["id"], agent["status"])
    console.print(table)


async def start_agent(url: str, token: str | None, name: str | None, path: str | None) -> None:
    async with ServerClient(url, token) as client:
        if path:
            character = load_character(path)
            created = await client.call("POST", "/api/agents", {"characterJson": character.to_json_dict()})
            agent_id = created["id"]
        elif name:
            agent_id = (await client.resolve(name))["id"]
        else:
            raise InvalidInputError("give --name of an existing agent or --path to a character file")
        started = await client.call("POST", f"/api/agents/{agent_id}/start")
    console.print(f"started {started['name']} ({agent_id})")


async def stop_agent(url: str, token: str | None, name: str | None, stop_all: bool) -> None:
    async with ServerClient(url, token) as client:
        if stop_all:
            targets = [a for a in await client.agents() if a["status"] == "active"]
        elif name:
            targets = [await client.resolve(name)]
        else:
            raise InvalidInputError("give --name NAME or --all")
        for agent in targets:
            await client.call("POST", f"/api/agents/{agent['id']}/stop")
            console.print(f"stopped {agent['name']} ({agent['id']})")


async def remove_agent(url: str, token: str | None, name: str) -> None:
    async with ServerClient(url, token) as client:
        agent = await client.resolve(name) if validate_uuid(name) is None else {"id": name, "name": name}
        await client.call("DELETE", f"/api/agents/{agent['id']}")
    console.print(f"removed {agent['name']} ({agent['id']})")
