"""Run tracking: which run (and action) the current task is executing, kept per task in ``contextvars``."""

from __future__ import annotations

from ..types import ActionContext, Memory, new_uuid
from ._context import RunContext, get_action, get_run, set_action, set_run
from ._events import EventsMixin


class RunsMixin(EventsMixin):
    def create_run_id(self) -> str:
        """A fresh run id (random UUID)."""
        return new_uuid()

    def start_run(self, room_id: str | None = None, message: Memory | None = None) -> str:
        """Start a run in the current task (and the tasks it creates afterwards); returns its id."""
        run_id = self.create_run_id()
        set_run(self.agent_id, RunContext(run_id, room_id, message))
        return run_id

    def end_run(self) -> None:
        """End the current task's run; the next ``get_current_run_id()`` starts a new one."""
        set_run(self.agent_id, None)

    def get_current_run_id(self) -> str:
        """The current task's run id, starting a run when there is none."""
        run = get_run(self.agent_id)
        if run is None:
            return self.start_run()
        return run.run_id

    def get_current_run_context(self) -> RunContext | None:
        """The current task's run (id, room, message), or ``None`` outside a run."""
        return get_run(self.agent_id)

    def _current_run_id_or_none(self) -> str | None:
        """The current run id for log rows, without starting a run as a side effect."""
        run = get_run(self.agent_id)
        return run.run_id if run else None

    def get_current_action_context(self) -> ActionContext | None:
        """The action being executed by the current task, if any (model calls record their prompts on it)."""
        return get_action(self.agent_id)

    def _set_action_context(self, context: ActionContext | None) -> None:
        set_action(self.agent_id, context)
