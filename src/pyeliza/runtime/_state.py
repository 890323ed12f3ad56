"""State composition: run the selected providers concurrently, isolated and time-limited, and merge results."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

from ..types import Memory, Provider, ProviderResult, State
from ._connections import ConnectionsMixin
from ._context import composition_scope
from ._core import logger
from ._eager import Finished, start_eagerly

DEFAULT_PROVIDER_TIMEOUT_MS = 5000


def _start(result: Awaitable[Any]) -> asyncio.Future[Any] | Finished[Any]:
    return start_eagerly(result) if asyncio.iscoroutine(result) else asyncio.ensure_future(result)


def _empty_state() -> State:
    return State(values={}, data={}, text="")


class StateMixin(ConnectionsMixin):
    def _provider_timeout_s(self) -> float:
        value = self._number_setting("PROVIDER_TIMEOUT_MS")
        return (value if value and value > 0 else DEFAULT_PROVIDER_TIMEOUT_MS) / 1000.0

    def _select_providers(self, include_list: Sequence[str] | None, only_include: bool) -> list[Provider]:
        if only_include and include_list:
            wanted = set(include_list)
        else:
            wanted = {p.name for p in self.providers if not p.private and not p.dynamic}
            wanted.update(include_list or ())
        selected = [p for p in self.providers if p.name in wanted]
        selected.sort(key=lambda p: p.position)
        return selected

    async def _run_providers(
        self, providers: Sequence[Provider], message: Memory, cached: State, limit_s: float
    ) -> list[ProviderResult]:
        """Run every provider as one task with a shared deadline; a failing or late provider gives an empty result.

        Each provider starts eagerly (``_eager.py``): one that finishes without waiting needs no task; the others
        become tasks under a single ``asyncio.wait`` (rather than a ``wait_for`` wrapper task per provider). All
        providers start together, so a shared deadline is the same limit for each.
        """
        if not providers:
            return []
        runtime = self.as_runtime
        tasks = [_start(p.get(runtime, message, cached)) for p in providers]
        waiting = [task for task in tasks if not isinstance(task, Finished) and not task.done()]
        late: set[asyncio.Future[Any]] = set()
        if waiting:
            try:
                _, late = await asyncio.wait(waiting, timeout=limit_s)
            except BaseException:
                for task in waiting:
                    task.cancel()
                raise
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)  # like wait_for: the late providers have stopped when composition returns
        return [self._provider_result(p, task, task in late, limit_s) for p, task in zip(providers, tasks, strict=True)]

    def _provider_result(
        self, provider: Provider, task: asyncio.Future[Any] | Finished[Any], late: bool, limit_s: float
    ) -> ProviderResult:
        if late or task.cancelled():
            logger.error(
                "agent %s: provider %s did not answer within %.0f ms; composing state without it",
                self.character.name,
                provider.name,
                limit_s * 1000,
            )
            return ProviderResult()
        error = task.exception()
        if error is not None:
            logger.error(
                "agent %s: provider %s failed; composing state without it",
                self.character.name,
                provider.name,
                exc_info=error,
            )
            return ProviderResult()
        result = task.result()
        if isinstance(result, ProviderResult):
            return result
        if isinstance(result, dict):
            return ProviderResult.model_validate(result)
        logger.error(
            "agent %s: provider %s returned %s, not a ProviderResult", self.agent_id, provider.name, type(result)
        )
        return ProviderResult()

    async def compose_state(
        self,
        message: Memory,
        include_list: Sequence[str] | None = None,
        only_include: bool = False,
        skip_cache: bool = False,
    ) -> State:
        """Compose the state for ``message`` from the providers.

        Default providers are those neither private nor dynamic, plus the names in ``include_list``;
        ``only_include`` runs exactly ``include_list``. Providers run concurrently, each with its own error
        handling and a timeout (``PROVIDER_TIMEOUT_MS``, default 5000). Within one message id state accumulates
        through the bounded state cache unless ``skip_cache``.
        """
        return await self._compose(message, include_list, only_include, skip_cache, reuse=False)

    async def _compose(
        self,
        message: Memory,
        include_list: Sequence[str] | None,
        only_include: bool,
        skip_cache: bool,
        *,
        reuse: bool,
    ) -> State:
        """``compose_state``; with ``reuse``, a selected provider outside ``include_list`` that already has a
        result in the message's cached state keeps that result instead of running again."""
        cached = None if skip_cache or not message.id else self.state_cache.get(message.id)
        base = cached or _empty_state()
        providers = self._select_providers(include_list, only_include)
        earlier: dict[str, Any] = dict(base.data.get("providers") or {})
        if reuse:
            again = set(include_list or ())
            to_run = [p for p in providers if p.name in again or p.name not in earlier]
        else:
            to_run = providers
        timeout = self._provider_timeout_s()
        with composition_scope():
            results = await self._run_providers(to_run, message, base, timeout)
        fresh = {
            provider.name: {
                "text": result.text or "",
                "values": result.values or {},
                "data": result.data or {},
                "providerName": provider.name,
            }
            for provider, result in zip(to_run, results, strict=True)
        }
        results_by_name = {**earlier, **fresh}
        texts: list[str] = []
        values: dict[str, Any] = dict(base.values)
        selected_names: set[str] = set()
        for provider in providers:
            selected_names.add(provider.name)
            entry = results_by_name[provider.name]
            provider_text = entry.get("text") or ""
            if provider_text and not provider_text.isspace():
                texts.append(provider_text)
            values.update(entry.get("values") or {})
        for name, entry in results_by_name.items():
            if name not in selected_names:
                values.update(entry.get("values") or {})
        text = "\n".join(texts)
        values["providers"] = text
        state = State(values=values, data={**base.data, "providers": results_by_name}, text=text)
        if message.id:
            self.state_cache.set(message.id, state)
        return state
