"""Plugin routes at app level need the auth token unless public; STATIC routes serve files inside their folder only."""

from __future__ import annotations

from pathlib import Path

from tests.integration.server._support import create_and_start
from tests.integration.server.conftest import StartServer

from pyeliza.types import Plugin, Route, RouteRequest

TOKEN = "plugin-route-token"


async def _secret(request: RouteRequest, runtime: object) -> dict[str, object]:
    return {"secret": "only with the token"}


async def _open(request: RouteRequest, runtime: object) -> dict[str, object]:
    return {"open": True}


def _vault_plugin(assets: Path, single: Path) -> Plugin:
    return Plugin(
        name="vault",
        routes=[
            Route(type="GET", path="/secret", handler=_secret),
            Route(type="GET", path="/open", handler=_open, public=True),
            Route(type="STATIC", path="/assets", file_path=str(assets), public=True),
            Route(type="STATIC", path="/private-assets", file_path=str(assets)),
            Route(type="STATIC", path="/logo.txt", file_path=str(single), public=True),
        ],
    )


def _files(tmp_path: Path) -> tuple[Path, Path]:
    assets = tmp_path / "assets"
    (assets / "css").mkdir(parents=True)
    (assets / "css" / "site.css").write_text("body { color: red; }", encoding="utf-8")
    (assets / "index.html").write_text("<h1>vault</h1>", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("must never be served", encoding="utf-8")
    single = tmp_path / "logo.txt"
    single.write_text("LOGO", encoding="utf-8")
    return assets, single


async def test_app_level_plugin_routes_need_the_token_unless_public(start_server: StartServer, tmp_path: Path) -> None:
    assets, single = _files(tmp_path)
    live = await start_server(extra=(_vault_plugin(assets, single),), auth_token=TOKEN)
    async with live.client(TOKEN) as authed, live.client() as anonymous:
        await create_and_start(authed, tmp_path, "Keeper")
        refused = await anonymous.get("/vault/secret")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "UNAUTHORIZED"
        assert "secret" not in refused.text.replace("/vault/secret", "")
        assert (await anonymous.get("/vault/secret", headers={"X-API-KEY": "wrong"})).status_code == 401
        assert (await authed.get("/vault/secret")).json() == {"secret": "only with the token"}
        bearer = await anonymous.get("/vault/secret", headers={"Authorization": f"Bearer {TOKEN}"})
        assert bearer.status_code == 200
        assert (await anonymous.get("/vault/open")).json() == {"open": True}
        assert (await anonymous.get("/vault/private-assets/index.html")).status_code == 401
        assert (await authed.get("/vault/private-assets/index.html")).text == "<h1>vault</h1>"


async def test_static_routes_serve_files_inside_their_folder_only(start_server: StartServer, tmp_path: Path) -> None:
    assets, single = _files(tmp_path)
    live = await start_server(extra=(_vault_plugin(assets, single),))
    async with live.client() as client:
        await create_and_start(client, tmp_path, "Keeper")
        css = await client.get("/vault/assets/css/site.css")
        assert css.status_code == 200
        assert css.text == "body { color: red; }"
        assert css.headers["content-type"].startswith("text/css")
        assert (await client.get("/vault/logo.txt")).text == "LOGO"
        for attempt in (
            "/vault/assets/../outside.txt",
            "/vault/assets/%2e%2e/outside.txt",
            "/vault/assets/css/..%2f..%2foutside.txt",
            "/vault/assets/..%5coutside.txt",
            "/vault/assets/missing.css",
            "/vault/assets",
            "/vault/logo.txt/extra",
        ):
            response = await client.get(attempt)
            assert response.status_code == 404, attempt
            assert "must never be served" not in response.text
        assert (await client.post("/vault/assets/index.html")).status_code == 404
