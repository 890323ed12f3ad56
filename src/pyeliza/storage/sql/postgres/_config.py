"""Search settings of a PostgreSQL database, read from the URL and the environment (no code change needed).

``postgresql://host/db?pyeliza_search=hnsw&pyeliza_ef_search=100`` or ``PYELIZA_PG_SEARCH=hnsw|exact`` and
``PYELIZA_PG_EF_SEARCH=<n>``; URL parameters win over the environment. The ``pyeliza_*`` parameters are removed
from the URL before it reaches asyncpg, which would otherwise send them to the server as settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ....errors import ConfigurationError

SEARCH_ENV = "PYELIZA_PG_SEARCH"
EF_SEARCH_ENV = "PYELIZA_PG_EF_SEARCH"
SEARCH_PARAM = "pyeliza_search"
EF_SEARCH_PARAM = "pyeliza_ef_search"
DEFAULT_EF_SEARCH = 400
MAX_EF_SEARCH = 1000
_MODES = {"exact": True, "hnsw": False}


@dataclass(frozen=True)
class SearchSettings:
    """``exact``: scan every candidate (recall 1.0); otherwise the HNSW index with ``ef_search`` candidates."""

    exact: bool = True
    ef_search: int = DEFAULT_EF_SEARCH


def _mode(value: str, source: str) -> bool:
    exact = _MODES.get(value.strip().lower())
    if exact is None:
        raise ConfigurationError(f"{source} must be 'exact' or 'hnsw', got {value!r}")
    return exact


def _ef_search(value: str, source: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_EF_SEARCH:
        raise ConfigurationError(f"{source} must be a whole number from 1 to {MAX_EF_SEARCH}, got {value!r}")
    return number


def split_url(url: str, environ: Mapping[str, str]) -> tuple[str, SearchSettings]:
    """The URL for asyncpg (without ``pyeliza_*`` parameters) and the search settings it and ``environ`` ask for."""
    parts = urlsplit(url)
    kept: list[tuple[str, str]] = []
    ours: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.startswith("pyeliza_"):
            if key not in (SEARCH_PARAM, EF_SEARCH_PARAM):
                raise ConfigurationError(
                    f"unknown database URL parameter {key!r}: known are {SEARCH_PARAM} and {EF_SEARCH_PARAM}"
                )
            ours[key] = value
        else:
            kept.append((key, value))
    exact = SearchSettings.exact
    if SEARCH_PARAM in ours:
        exact = _mode(ours[SEARCH_PARAM], f"the URL parameter {SEARCH_PARAM}")
    elif environ.get(SEARCH_ENV):
        exact = _mode(environ[SEARCH_ENV], SEARCH_ENV)
    ef_search = SearchSettings.ef_search
    if EF_SEARCH_PARAM in ours:
        ef_search = _ef_search(ours[EF_SEARCH_PARAM], f"the URL parameter {EF_SEARCH_PARAM}")
    elif environ.get(EF_SEARCH_ENV):
        ef_search = _ef_search(environ[EF_SEARCH_ENV], EF_SEARCH_ENV)
    stripped = urlunsplit(parts._replace(query=urlencode(kept))) if ours else url
    return stripped, SearchSettings(exact=exact, ef_search=ef_search)
