"""SIGKILL the process at several points of handling a message; after a restart each message has one reply."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CHILD = Path(__file__).with_name("crash_child.py")


def _run(database: Path, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHILD), str(database), mode], capture_output=True, text=True, timeout=120, check=False
    )


def _observed(completed: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("mode", "answered_on_restart"),
    [("after-store", 1), ("in-model", 1), ("after-reply", 0)],
)
def test_exactly_one_reply_per_message_after_a_crash(tmp_path: Path, mode: str, answered_on_restart: int) -> None:
    database = tmp_path / "agent.db"

    crashed = _run(database, mode)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr

    restarted = _observed(_run(database, "recover"))
    assert restarted["recovered"] == answered_on_restart
    assert restarted["model_calls"] == answered_on_restart
    assert sorted(restarted["replies"].values()) == [["answer 0"], ["answer 1"]]

    again = _observed(_run(database, "recover"))
    assert again["recovered"] == 0 and again["model_calls"] == 0
    assert sorted(again["replies"].values()) == [["answer 0"], ["answer 1"]]
