"""The workload harness of ../shared/bench/WORKLOAD.md: `python -m bench` runs every workload."""
