"""The event loop a long-running process runs on: services, simulators, the relay and the
daily-cycle job.

uvloop (libuv, written in Cython) is the loop asyncpg recommends; grpc.aio runs on it unchanged.
It spends a third fewer instructions on the loop's own work (a grpc.aio call answered after one
asyncpg query: 856k → 571k instructions, callgrind), which is a small share of a service call
(docs/performance.md). ``POSTLOAN_EVENT_LOOP=asyncio`` runs on the standard loop, for comparison
or where uvloop is not available (it is not built for Windows)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

ENV = "POSTLOAN_EVENT_LOOP"
CHOICES = ("uvloop", "asyncio")


def chosen_loop() -> str:
    """``uvloop`` unless ``POSTLOAN_EVENT_LOOP`` says ``asyncio``; any other value stops the
    process at start-up rather than silently running on a loop nobody asked for."""
    choice = os.environ.get(ENV, "uvloop").strip().lower() or "uvloop"
    if choice not in CHOICES:
        raise SystemExit(f"{ENV} must be one of {', '.join(CHOICES)}, not {choice!r}")
    return choice


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the chosen loop."""
    try:
        choice = chosen_loop()
    except SystemExit:
        main.close()  # never started: no "never awaited" warning on top of the refusal
        raise
    if choice == "asyncio":
        return asyncio.run(main)
    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def running_loop_name() -> str:
    """``uvloop`` or ``asyncio``: which loop runs this coroutine (logged when a server listens)."""
    module = type(asyncio.get_running_loop()).__module__
    return "uvloop" if module.startswith("uvloop") else "asyncio"
