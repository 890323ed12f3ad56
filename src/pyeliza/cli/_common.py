"""Shared pieces of the CLI: the consoles, turning pyeliza errors into a clean exit, model routing text."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from ..characters import default_character, load_character, with_env_secrets
from ..errors import PyElizaError
from ..types import Character, ModelType, string_to_uuid

if TYPE_CHECKING:
    from ..runtime import AgentRuntime

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
T = TypeVar("T")

ROUTED_MODEL_TYPES = (ModelType.TEXT_SMALL, ModelType.TEXT_LARGE, ModelType.TEXT_EMBEDDING)


def run_async(fn: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Run an async command body; a pyeliza error prints one red line and exits with status 1."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return asyncio.run(fn(*args, **kwargs))
        except PyElizaError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(1) from exc

    return wrapper


def configure_logging(level: str) -> None:
    """The CLI (an application, unlike the library) configures log output once."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.WARNING), format="%(levelname)s %(name)s: %(message)s"
    )


def load_characters(paths: list[Path] | None, env: Mapping[str, str] | None = None) -> list[Character]:
    """The characters in ``paths`` (or the default character), with their environment-prefixed secrets merged."""
    environment = os.environ if env is None else env
    loaded = [load_character(path) for path in paths] if paths else [default_character()]
    return [with_env_secrets(c.model_copy(update={"id": c.id or string_to_uuid(c.name)}), environment) for c in loaded]


def model_routing(runtime: AgentRuntime) -> dict[str, str]:
    """Which provider serves each main model type on ``runtime`` (``"none"`` when no handler is registered)."""
    routing: dict[str, str] = {}
    for model_type in ROUTED_MODEL_TYPES:
        records = runtime.models.get(str(model_type)) or []
        routing[str(model_type)] = records[0].provider if records else "none"
    return routing


def database_url(data_dir: Path, url: str | None) -> str:
    return url or f"sqlite:///{(data_dir / 'pyeliza.db').resolve()}"
