"""A bounded least-recently-used cache of composed states, keyed by message id."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from ..errors import InvalidInputError
from ..types import State

DEFAULT_STATE_CACHE_SIZE = 1000


class StateCache:
    """Keeps the ``max_entries`` most recently used states; older ones are evicted."""

    def __init__(self, max_entries: int = DEFAULT_STATE_CACHE_SIZE) -> None:
        if max_entries < 1:
            raise InvalidInputError("a state cache needs room for at least one entry")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, State] = OrderedDict()

    def get(self, key: str) -> State | None:
        state = self._entries.get(key)
        if state is not None:
            self._entries.move_to_end(key)
        return state

    def set(self, key: str, state: State) -> None:
        self._entries[key] = state
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def discard(self, key: str) -> None:
        """Forget ``key`` (nothing happens when it is not cached)."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._entries))
