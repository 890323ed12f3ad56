"""SQLAlchemy Core statements on plugin tables, compiled for one backend and shaped into plain dict rows.

Plugins declare their tables in ``Plugin.schema`` and query them with Core statements (``select``, ``insert``,
``update``, ``delete``, optionally with ``returning``). Each backend compiles the statement for its own dialect
(bound parameters in the driver's style, ``IN`` lists expanded), runs it on its own connection and turns the
rows into dicts keyed by the statement's column names, with SQLAlchemy's type conversions applied both ways
(JSON, booleans, dates), so a plugin sees the same rows on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.expression import Executable

from ...errors import InvalidInputError

ResultProcessor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class CompiledStatement:
    """SQL text with positional parameters for one dialect, and how to read its rows back."""

    sql: str
    parameters: tuple[Any, ...]
    is_select: bool
    columns: tuple[str, ...]
    processors: tuple[ResultProcessor, ...]

    def rows(self, raw_rows: Sequence[Sequence[Any]], names: Sequence[str]) -> list[dict[str, Any]]:
        """Driver rows as dicts; ``names`` (the cursor's) are used when the statement declares no columns."""
        if not self.columns:
            return [dict(zip(names, row, strict=True)) for row in raw_rows]
        out: list[dict[str, Any]] = []
        for row in raw_rows:
            values = [value if p is None else p(value) for p, value in zip(self.processors, row, strict=True)]
            out.append(dict(zip(self.columns, values, strict=True)))
        return out


def dialect_for(driver_url: str) -> Dialect:
    """A fresh dialect for a URL scheme such as ``sqlite://`` or ``postgresql+asyncpg://``."""
    return make_url(driver_url).get_dialect()()


def compile_statement(statement: object, dialect: Dialect) -> CompiledStatement:
    """Compile a Core statement for ``dialect``; anything else is an :class:`InvalidInputError`."""
    if not isinstance(statement, ClauseElement) or not isinstance(statement, Executable):
        raise InvalidInputError(
            f"expected a SQLAlchemy Core statement (select, insert, update, delete), got {type(statement).__name__}"
        )
    try:
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    except sa_exc.SQLAlchemyError as exc:
        raise InvalidInputError(f"cannot compile the statement for {dialect.name}: {exc}") from exc
    if not isinstance(compiled, SQLCompiler):
        raise InvalidInputError(f"expected a SQL statement, got {type(statement).__name__}")
    values = dict(compiled.construct_params() or {})
    _fill_python_defaults(compiled, values)
    names = compiled.positiontup or []  # an expanded ``IN`` list binds ``<name>_1``, ``<name>_2``, ...
    parameters: list[Any] = []
    for name in names:
        bind = compiled.binds[name] if name in compiled.binds else compiled.binds[name.rsplit("_", 1)[0]]
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        value = values[name]
        parameters.append(value if processor is None else processor(value))
    exported = list(getattr(statement, "exported_columns", ()))
    columns = tuple(str(getattr(column, "key", None) or getattr(column, "name", "")) for column in exported)
    processors = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) if hasattr(column, "type") else None
        for column in exported
    )
    return CompiledStatement(
        sql=str(compiled),
        parameters=tuple(parameters),
        is_select=bool(statement.is_select),
        columns=columns,
        processors=processors,
    )


def _fill_python_defaults(compiled: SQLCompiler, values: dict[str, Any]) -> None:
    """Columns' Python-side ``default`` / ``onupdate`` (a value or a callable; a callable gets no context)."""
    prefetch = [(c, c.default) for c in compiled.insert_prefetch] + [(c, c.onupdate) for c in compiled.update_prefetch]
    for column, default in prefetch:
        if default is None or column.key not in values:
            continue
        arg: Any = getattr(default, "arg", None)
        values[column.key] = arg(None) if getattr(default, "is_callable", False) else arg


__all__ = ["CompiledStatement", "compile_statement", "dialect_for"]
