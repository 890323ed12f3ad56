"""Local commands: ``character validate``, ``db migrate`` / ``db status``, ``plugins list``, ``memory reembed``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..characters import load_character
from ..errors import PluginError
from ..plugins.loader import discover_plugins, load_plugin, validate_plugins
from ..server.agent_factory import agent_id_for, build_runtime
from ..types import Character
from ._common import console, database_url, load_characters


def validate_character(path: Path) -> Character:
    character = load_character(path)
    console.print(f"[green]ok[/] {path}: character {character.name!r} (id {agent_id_for(character)})")
    return character


async def migrate(data_dir: Path, url: str | None, characters: list[Path] | None) -> None:
    """Create/upgrade the core schema and the schemas of the characters' plugins."""
    from ..storage import open_database

    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    loaded = load_characters(characters)
    with _progress() as progress:
        task = progress.add_task("migrating", total=1 + len(loaded))
        async with open_database(database_url(data_dir, url)) as database:
            progress.advance(task)
            for character in loaded:
                runtime = build_runtime(character, database.adapter(agent_id_for(character)), dict(os.environ))
                progress.update(task, description=f"migrating {character.name}")
                await runtime.initialize()
                await runtime.stop()
                progress.advance(task)
    console.print("[green]database is up to date[/]")


async def status(data_dir: Path, url: str | None) -> None:
    from ..storage import open_database

    async with open_database(database_url(data_dir, url)) as database:
        rows = await database.get_migration_status()
    table = Table(title="applied migrations")
    for column in ("plugin", "version", "checksum", "applied at (ms)"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.plugin_name, str(row.version), row.checksum[:12], str(row.applied_at))
    console.print(table)


def list_plugins() -> None:
    table = Table(title="installed pyeliza plugins")
    for column in ("name", "version", "distribution", "status"):
        table.add_column(column)
    for found in discover_plugins():
        try:
            plugin = load_plugin(found.name)
            problems = validate_plugins([plugin], os.environ.get)
            state = "[green]ready[/]" if not problems else "[yellow]" + "; ".join(problems) + "[/]"
            version = plugin.version if plugin.version != "0.0.0" else (found.version or "?")
        except PluginError as exc:
            state = f"[red]{exc}[/]"
            version = found.version or "?"
        table.add_row(found.name, version, found.distribution or "?", state)
    console.print(table)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    )


async def reembed(character_path: Path | None, data_dir: Path, url: str | None, table_name: str) -> int:
    """Recompute every memory's embedding of one agent with its current embedding model."""
    from ..storage import open_database
    from ..types import ModelType

    character = load_characters([character_path] if character_path else None)[0]
    agent_id = agent_id_for(character)
    count = 0
    async with open_database(database_url(data_dir, url)) as database:
        runtime = build_runtime(character, database.adapter(agent_id), dict(os.environ))
        await runtime.initialize()
        try:
            memories = await runtime.get_memories(table_name)
            with _progress() as progress:
                task = progress.add_task(f"re-embedding {character.name}", total=len(memories))
                for memory in memories:
                    text = memory.content.text
                    if text:
                        vector = await runtime.use_model(ModelType.TEXT_EMBEDDING, {"text": text})
                        await runtime.update_memory(memory.model_copy(update={"embedding": list(vector)}))
                        count += 1
                    progress.advance(task)
        finally:
            await runtime.stop()
    console.print(f"re-embedded {count} memories of {character.name} ({table_name})")
    return count
