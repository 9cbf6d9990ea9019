"""collection use cases: each runs in one unit of work (postloan_runtime.unit_of_work)."""
