"""Local commands: ``character validate``, ``db migrate`` / ``db status``, ``plugins list``, ``memory reembed``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..characters import load_character
from ..errors import PluginError, UsageError
from ..plugins.loader import discover_plugins, load_plugin, validate_plugins
from ..server.agent_factory import agent_id_for, build_runtime, plan_plugins
from ..types import Character, ModelType, Plugin
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


@runtime_checkable
class _ResettableEmbeddings(Protocol):
    async def reset_embeddings(self, dimension: int, model: str | None = None) -> int: ...


async def probe_embedding(character: Character, plugins: Sequence[Plugin]) -> tuple[int, str]:
    """The vector size and provider of the embedding model ``plugins`` give ``character`` (no database needed).

    ``EMBEDDING_DIMENSION`` (character setting or environment) wins over the probe, like at initialisation.
    """
    from ..runtime import AgentRuntime, resolve_plugins

    probe = AgentRuntime(character, agent_id=agent_id_for(character))
    for plugin in resolve_plugins(plugins):
        if ModelType.TEXT_EMBEDDING in plugin.models:
            await probe.register_plugin(plugin)
    records = probe.models.get(ModelType.TEXT_EMBEDDING)
    if not records:
        raise UsageError(f"agent {character.name!r} has no TEXT_EMBEDDING model: add an embedding plugin first")
    configured = probe.get_setting("EMBEDDING_DIMENSION")
    if isinstance(configured, int | str) and str(configured).isdigit() and int(configured) > 0:
        return int(configured), records[0].provider
    vector = await probe.use_model(ModelType.TEXT_EMBEDDING, None)
    if not isinstance(vector, list) or not vector:
        raise UsageError(f"the TEXT_EMBEDDING model of {records[0].provider} gave no vector; set EMBEDDING_DIMENSION")
    return len(vector), records[0].provider


async def reembed(
    character_path: Path | None,
    data_dir: Path,
    url: str | None,
    table_name: str,
    extra_plugins: Sequence[Plugin] = (),
) -> int:
    """Recompute every memory's embedding of one agent with its current embedding model.

    When the model's vector size changed, the agent's stored vectors are dropped and the new size declared
    (``reset_embeddings``) before the runtime starts, so initialisation does not refuse the new model.
    """
    from ..storage import open_database

    character = load_characters([character_path] if character_path else None)[0]
    agent_id = agent_id_for(character)
    environment = dict(os.environ)
    count = 0
    async with open_database(database_url(data_dir, url)) as database:
        adapter = database.adapter(agent_id)
        dimension, model = await probe_embedding(character, plan_plugins(character, environment, extra_plugins).plugins)
        runtime = build_runtime(character, adapter, environment, extra_plugins)
        await adapter.init()
        previous = await adapter.get_embedding_dimension()
        if previous is not None and previous != dimension:
            if not isinstance(adapter, _ResettableEmbeddings):
                raise UsageError(f"the {type(adapter).__name__} database cannot change an agent's embedding size")
            dropped = await adapter.reset_embeddings(dimension, model)
            console.print(f"embedding size {previous} -> {dimension} ({model}): dropped {dropped} old vectors")
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
