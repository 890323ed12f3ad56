"""Reading the numeric and boolean settings of the message pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..runtime import AgentRuntime


def int_setting(
    runtime: AgentRuntime, key: str, default: int, *, low: int | None = None, high: int | None = None
) -> int:
    """``key`` as an integer clamped to ``[low, high]``; ``default`` when unset or not a number."""
    raw = runtime.get_setting(key)
    value = default
    if isinstance(raw, bool):
        value = default
    elif isinstance(raw, int | float):
        value = int(raw)
    elif isinstance(raw, str):
        try:
            value = int(float(raw.strip()))
        except ValueError:
            value = default
    if low is not None:
        value = max(low, value)
    if high is not None:
        value = min(high, value)
    return value


def bool_setting(runtime: AgentRuntime, key: str) -> bool:
    """True when ``key`` is set to true (``get_setting`` turns "true" into True)."""
    return runtime.get_setting(key) is True
