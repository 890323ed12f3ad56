"""Run every workload (each in its own process, so RSS and imports do not leak between them)."""

from __future__ import annotations

import subprocess
import sys

WORKLOADS = [
    "bench.w1_cold_start",
    "bench.w2_create_memory",
    "bench.w3_search_memories",
    "bench.w4_compose_state",
    "bench.w5_message_round_trip",
    "bench.w6_ensure_connections",
    "bench.w7_emit_event",
    "bench.w8_idle_agents",
]


def main() -> int:
    selected = [w for w in WORKLOADS if not sys.argv[1:] or any(a in w for a in sys.argv[1:])]
    failures = 0
    for module in selected:
        completed = subprocess.run([sys.executable, "-m", module], check=False)
        failures += completed.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
