"""The ``pyeliza`` command (typer + rich): start the server, chat in the terminal, manage agents and data."""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from ._common import configure_logging, console, run_async

app = typer.Typer(name="pyeliza", help="Run elizaOS-style agents in Python.", no_args_is_help=True)
agent_app = typer.Typer(help="Manage agents on a running server.", no_args_is_help=True)
character_app = typer.Typer(help="Character files.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
plugins_app = typer.Typer(help="Installed plugins.", no_args_is_help=True)
memory_app = typer.Typer(help="Agent memories.", no_args_is_help=True)
app.add_typer(agent_app, name="agent")
app.add_typer(character_app, name="character")
app.add_typer(db_app, name="db")
app.add_typer(plugins_app, name="plugins")
app.add_typer(memory_app, name="memory")

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_URL = f"http://127.0.0.1:{os.environ.get('PYELIZA_SERVER_PORT', '3000')}"

CharacterFiles = Annotated[
    list[Path] | None, typer.Option("--character", "-c", help="Character JSON file (repeatable).")
]
CharacterFile = Annotated[Path | None, typer.Option("--character", "-c", help="Character JSON file.")]
DataDir = Annotated[
    Path, typer.Option("--data-dir", envvar="PYELIZA_DATA_DIR", help="Where the SQLite database and uploads live.")
]
DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", envvar="PYELIZA_DATABASE_URL", help="sqlite:///file.db or postgresql://")
]
ServerUrl = Annotated[str, typer.Option("--url", "-u", help="Base URL of the running server.")]
AuthToken = Annotated[
    str | None, typer.Option("--auth-token", envvar="PYELIZA_SERVER_AUTH_TOKEN", help="The server's API key.")
]
LogLevel = Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")]


@app.command()
def start(
    character: CharacterFiles = None,
    port: Annotated[
        int | None, typer.Option("--port", "-p", help="Port (default 3000 or PYELIZA_SERVER_PORT).")
    ] = None,
    host: Annotated[str | None, typer.Option("--host", help="Bind address (default 127.0.0.1).")] = None,
    data_dir: DataDir = Path(".pyeliza"),
    log_level: LogLevel = "warning",
) -> None:
    """Start the server with the given characters, or the default character Eliza."""
    from ._start import start_server

    configure_logging(log_level)
    run_async(start_server)(character, host, port, data_dir)


@app.command()
def chat(
    character: CharacterFile = None,
    data_dir: DataDir = Path(".pyeliza"),
    database_url: DatabaseUrl = None,
    log_level: LogLevel = "error",
) -> None:
    """Chat with an agent in the terminal (no server needed)."""
    from ._chat import chat as run_chat

    configure_logging(log_level)
    run_async(run_chat)(character, data_dir, database_url)


@agent_app.command("list")
def agent_list(
    url: ServerUrl = DEFAULT_URL,
    auth_token: AuthToken = None,
    as_json: Annotated[bool, typer.Option("--json", "-j", help="Print JSON.")] = False,
) -> None:
    """List the agents of a running server."""
    from ._remote import list_agents

    run_async(list_agents)(url, auth_token, as_json)


@agent_app.command("start")
def agent_start(
    name: Annotated[str | None, typer.Option("--name", "-n", help="Name or id of a stored agent.")] = None,
    path: Annotated[str | None, typer.Option("--path", help="Character file to create the agent from.")] = None,
    url: ServerUrl = DEFAULT_URL,
    auth_token: AuthToken = None,
) -> None:
    """Create (from --path) and/or start an agent on a running server."""
    from ._remote import start_agent

    run_async(start_agent)(url, auth_token, name, path)


@agent_app.command("stop")
def agent_stop(
    name: Annotated[str | None, typer.Option("--name", "-n", help="Name or id of the agent.")] = None,
    stop_all: Annotated[bool, typer.Option("--all", help="Stop every running agent.")] = False,
    url: ServerUrl = DEFAULT_URL,
    auth_token: AuthToken = None,
) -> None:
    """Stop an agent on a running server."""
    from ._remote import stop_agent

    run_async(stop_agent)(url, auth_token, name, stop_all)


@agent_app.command("remove")
def agent_remove(
    name: Annotated[str, typer.Option("--name", "-n", help="Name or id of the agent.")],
    url: ServerUrl = DEFAULT_URL,
    auth_token: AuthToken = None,
) -> None:
    """Stop and delete an agent on a running server."""
    from ._remote import remove_agent

    run_async(remove_agent)(url, auth_token, name)


@character_app.command("validate")
def character_validate(file: Annotated[Path, typer.Argument(help="Character JSON file.")]) -> None:
    """Check a character file; errors name the file and the field path."""
    from ._local import validate_character

    run_async(_sync(validate_character))(file)


@db_app.command("migrate")
def db_migrate(
    character: CharacterFiles = None, data_dir: DataDir = Path(".pyeliza"), database_url: DatabaseUrl = None
) -> None:
    """Create or upgrade the schema (core tables and the characters' plugin tables)."""
    from ._local import migrate

    run_async(migrate)(data_dir, database_url, character)


@db_app.command("status")
def db_status(data_dir: DataDir = Path(".pyeliza"), database_url: DatabaseUrl = None) -> None:
    """Show the applied migrations."""
    from ._local import status

    run_async(status)(data_dir, database_url)


@plugins_app.command("list")
def plugins_list() -> None:
    """Plugins declared under the ``pyeliza.plugins`` entry point, with version and validation status."""
    from ._local import list_plugins

    run_async(_sync(list_plugins))()


@memory_app.command("reembed")
def memory_reembed(
    character: CharacterFile = None,
    table: Annotated[str, typer.Option("--table", help="Memory table to re-embed.")] = "messages",
    data_dir: DataDir = Path(".pyeliza"),
    database_url: DatabaseUrl = None,
) -> None:
    """Re-embed an agent's memories with its current embedding model."""
    from ._local import reembed

    run_async(reembed)(character, data_dir, database_url, table)


def _sync(fn: Callable[P, T]) -> Callable[P, Coroutine[Any, Any, T]]:
    """Wrap a synchronous command body so it shares ``run_async``'s error handling."""

    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return fn(*args, **kwargs)

    return wrapper


def main() -> None:
    """Entry point of the ``pyeliza`` script."""
    app()


__all__ = ["app", "console", "main"]
