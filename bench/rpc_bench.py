"""What the RPC benchmarks share: the services under test run as their own processes (started
like ``postloan run`` does, runtime/src/postloan_runtime/suite.py, each on its own migrated
database), the bare reference is a ``grpc.aio`` echo server process answering a reply of the
measured RPC's size, and one client (this process) measures both in the same run, on the same
cores, the same way:

- closed loop: ``concurrency`` callers back to back, the peak rate and its p50/p99;
- open loop at 50% of each server's own peak: Poisson arrivals, latency counted from each
  call's scheduled arrival (queueing included, no coordinated omission).

Database: ``POSTLOAN_TEST_DATABASE_URL`` (a server) or embedded PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import grpc

from postloan_runtime.suite import Suite
from postloan_runtime.testing.databases import test_server

Call = Callable[[], Awaitable[object]]
T = TypeVar("T")

ECHO_SERVER = """
import asyncio, sys, grpc
REPLY = bytes(int(sys.argv[1]))
async def echo(request, context):
    return REPLY
async def main():
    server = grpc.aio.server()
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(echo)})])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(port, flush=True)
    await server.wait_for_termination()
asyncio.run(main())
"""


ECHO_METHOD = "/bench.Echo/Echo"


@asynccontextmanager
async def echo_process(
    reply_size: int,
) -> AsyncIterator[tuple[str, grpc.aio.UnaryUnaryMultiCallable]]:
    """A bare grpc.aio echo server process replying ``reply_size`` bytes; yields its address
    and its Echo call (``ECHO_METHOD``)."""
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, before any load
        [sys.executable, "-c", ECHO_SERVER, str(reply_size)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        address = f"127.0.0.1:{int(await asyncio.to_thread(process.stdout.readline))}"
        async with grpc.aio.insecure_channel(address) as channel:
            yield address, channel.unary_unary(ECHO_METHOD)
    finally:
        process.terminate()
        process.wait(timeout=10)


@asynccontextmanager
async def echo_server(reply_size: int) -> AsyncIterator[grpc.aio.UnaryUnaryMultiCallable]:
    """A bare grpc.aio echo server process replying ``reply_size`` bytes; yields its Echo call."""
    async with echo_process(reply_size) as (_, call):
        yield call


@asynccontextmanager
async def services(name: str, packages: Sequence[str], simulators: Sequence[str] = (),
                   extra_env: dict[str, str] | None = None) -> AsyncIterator[Suite]:
    """``packages`` (and ``simulators``) running as processes on fresh databases, dropped after.
    Logs at WARNING, no span export (the benchmark measures the service, not a collector)."""
    pg = test_server()
    prefix = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    suite = Suite(
        state_dir=Path(tempfile.mkdtemp(prefix=f"bench-{name}-")), pg_url=pg.admin_url,
        database_prefix=prefix, free_ports=True, packages=tuple(packages),
        simulator_keys=tuple(simulators), smtp_sink=False,
        extra_env={"POSTLOAN_LOG_LEVEL": "WARNING", "OTEL_TRACES_EXPORTER": "none",
                   "POSTLOAN_SHUTDOWN_GRACE_SECONDS": "2", **(extra_env or {})},
    )
    try:
        await suite.start(timeout=120)
        yield suite
    finally:
        suite.pg = None  # the database server outlives the run; only the processes stop
        suite.stop(grace=10)
        for package in suite.services:
            await pg.drop_database(f"{prefix}_{package}")


async def prepare(count: int, make: Callable[[int], Awaitable[T]], at_once: int = 32) -> list[T]:
    """``make(0) … make(count - 1)``, ``at_once`` of them in flight: the benchmark's data."""
    made: list[T] = []
    for start in range(0, count, at_once):
        made += await asyncio.gather(*(make(n) for n in range(start, min(start + at_once, count))))
    return made


async def measure_closed(call: Call, seconds: float, concurrency: int) -> tuple[float, list[float]]:
    """Peak calls per second with ``concurrency`` calls always in flight, and each latency (s)."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < stop:
            began = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - began), latencies


async def measure_open(call: Call, rate: float, seconds: float, seed: int = 7) -> list[float]:
    """Latencies (s) of calls arriving as a Poisson process at ``rate`` per second, each counted
    from its scheduled arrival."""
    latencies: list[float] = []
    tasks = []
    rng = random.Random(seed)

    async def one(scheduled: float) -> None:
        await call()
        latencies.append(time.perf_counter() - scheduled)

    next_at = time.perf_counter()
    stop = next_at + seconds
    while next_at < stop:
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(next_at)))
        next_at += rng.expovariate(rate)
    await asyncio.gather(*tasks)
    return latencies


def ms(values: list[float], q: float) -> float:
    """The ``q`` quantile of latencies in seconds, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass
class Measured:
    label: str
    rate: float  # peak calls/s, closed loop
    closed: list[float]
    opened: list[float]  # open loop at rate / 2

    def line(self) -> str:
        return (f"{self.label:22} closed: {self.rate:8.0f}/s p50 {ms(self.closed, .5):7.2f} ms "
                f"p99 {ms(self.closed, .99):7.2f} ms | open @50% ({self.rate / 2:.0f}/s, "
                f"{len(self.opened)} calls): p50 {ms(self.opened, .5):7.2f} ms "
                f"p99 {ms(self.opened, .99):7.2f} ms mean "
                f"{statistics.fmean(self.opened) * 1000:.2f} ms")


async def measure(label: str, call: Call, seconds: float, concurrency: int) -> Measured:
    """Warm up, closed loop, then open loop at half the closed loop's peak; prints the line."""
    await measure_closed(call, min(2.0, seconds), concurrency)
    rate, closed = await measure_closed(call, seconds, concurrency)
    opened = await measure_open(call, rate / 2, seconds)
    measured = Measured(label, rate, closed, opened)
    print(measured.line(), flush=True)
    return measured


async def serial(label: str, call: Call, seconds: float) -> list[float]:
    """One caller at a time: the latency without queueing; prints p50/p99."""
    _, latencies = await measure_closed(call, seconds, 1)
    print(f"serial {label:28} p50 {ms(latencies, .5):7.2f} ms p99 {ms(latencies, .99):7.2f} ms "
          f"({len(latencies)} calls)", flush=True)
    return latencies


def describe_machine(extra: str) -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}; every server its own process, this client "
          f"one more, all on the same cores; {extra}", flush=True)


def report(measured: Measured, echo: Measured, *, ratio_goal: float | None,
           p99_goal_ms: float) -> None:
    """The throughput ratio against echo and the open-loop p99 against the issue's goals."""
    ratio = measured.rate / echo.rate
    p99 = ms(measured.opened, .99)
    goal = f" (goal >= {ratio_goal}x: {'met' if ratio >= ratio_goal else 'NOT met'})" \
        if ratio_goal is not None else ""
    print(f"throughput ratio {measured.label}/echo: {ratio:.3f}{goal}; load average now "
          f"{os.getloadavg()[0]:.2f}")
    print(f"goal {measured.label} p99 <= {p99_goal_ms:g} ms open-loop at 50% of peak: "
          f"{'met' if p99 <= p99_goal_ms else 'NOT met'} ({p99:.2f} ms)", flush=True)
