"""Shared server overhead: what each layer of the shared runtime adds to one RPC.

Four targets measured in the same run, on the same CPU, round-robin:

- ``bare``     a bare ``grpc.aio`` server answering ``EventFeedService.GetFeedHead`` with a
               constant (no interceptors, no telemetry, no logging set-up);
- ``stack``    the same constant handler served by :func:`postloan_runtime.server.start`: JSON
               logs at INFO, telemetry, the interceptor chain [telemetry, drain, auth, error
               mapping], health watcher (real database), a real service token on every call;
- ``stack-db`` the real :class:`EventFeedServicer` through the same stack: ``GetFeedHead`` is a
               one-row ``SELECT max(position)`` on ``event_feed`` (1,000 rows);
- ``direct``   the same SELECT without gRPC, in a process of its own: through the service
               engine (:func:`postloan_runtime.db.create_engine`, SQLAlchemy + asyncpg) and
               through a bare asyncpg pool.

For each: closed-loop peak (N callers always in flight over one channel) and single-caller
latency (p50/p99 of back-to-back calls). Servers are separate processes pinned to the last CPU,
the load generator to the others; PostgreSQL runs wherever the OS puts it.

    python bench/bench_runtime_overhead.py [--seconds 5] [--rounds 2] [--concurrency 32]
        [--span-sink]   # also hand every span to a (no-op) batch exporter, as with OTLP on

Needs PostgreSQL: ``POSTLOAN_BENCH_PG_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); a fresh database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import grpc

from postloan.common.v1 import events_pb2, events_pb2_grpc

FEED_SERVICE = events_pb2.DESCRIPTOR.services_by_name["EventFeedService"].full_name
FEED_ROWS = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_cpu() -> set[int]:
    return {sorted(os.sched_getaffinity(0))[-1]}


def client_cpus() -> set[int]:
    cpus = sorted(os.sched_getaffinity(0))
    return set(cpus[:-1]) or set(cpus)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- servers (run as separate processes) ----------------------------------------------------


class ConstantFeed(events_pb2_grpc.EventFeedServiceServicer):
    """GetFeedHead without the database: the trivial handler."""

    async def GetFeedHead(self, request, context):  # noqa: N802 - generated name
        return events_pb2.GetFeedHeadResponse(head_position=FEED_ROWS)


async def serve_bare(port: int) -> None:
    server = grpc.aio.server()
    events_pb2_grpc.add_EventFeedServiceServicer_to_server(ConstantFeed(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


async def serve_stack(port: int, url: str, with_db: bool, span_sink: bool) -> None:
    from postloan_runtime.app import ServiceApp
    from postloan_runtime.config import ServiceSettings
    from postloan_runtime.db import new_metadata
    from postloan_runtime.events.feed_server import EventFeedServicer
    from postloan_runtime.logs import configure_logging
    from postloan_runtime.server import serve
    from postloan_runtime.telemetry import configure_telemetry

    configure_logging("monitoring")  # INFO, as run_service does
    telemetry = configure_telemetry("monitoring")
    if span_sink:
        from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

        class NullExporter(SpanExporter):
            def export(self, spans):  # noqa: ANN001
                return SpanExportResult.SUCCESS

        telemetry.add_span_exporter(NullExporter(), batch=True)

    def register(server, running) -> None:  # noqa: ANN001
        servicer = (
            EventFeedServicer(running.engine, "monitoring") if with_db else ConstantFeed()
        )
        events_pb2_grpc.add_EventFeedServiceServicer_to_server(servicer, server)

    app = ServiceApp(
        package="monitoring", metadata=new_metadata(), service_names=[FEED_SERVICE],
        register=register,
    )
    settings = ServiceSettings(
        package="monitoring", name="monitoring", database_url=url, grpc_host="127.0.0.1",
        grpc_port=port, shutdown_grace_seconds=1.0,
    )
    await serve(app, settings, telemetry=telemetry)


async def direct(url: str, seconds: float, concurrency: int) -> None:
    """The SELECT without gRPC: service engine, then a bare asyncpg pool. Prints JSON."""
    from postloan_runtime.db import create_engine
    from postloan_runtime.events.feed_server import feed_head

    engine = create_engine(url)
    pool = await asyncpg.create_pool(
        url.replace("postgresql+asyncpg://", "postgresql://", 1), min_size=10, max_size=20
    )
    sql = "SELECT coalesce(max(position), 0) FROM event_feed"

    async def via_engine() -> None:
        await feed_head(engine)

    async def via_asyncpg() -> None:
        async with pool.acquire() as conn:
            await conn.fetchval(sql)

    out = {}
    for name, call in (("engine", via_engine), ("asyncpg", via_asyncpg)):
        await closed_loop(call, 1, concurrency)  # warm-up
        rate = await closed_loop(call, seconds, concurrency)
        lat = await single_caller(call, seconds)
        out[name] = {"rate": rate, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99)}
    await pool.close()
    await engine.dispose()
    print(json.dumps(out))


# --- load -------------------------------------------------------------------------------------


async def closed_loop(call, seconds: float, concurrency: int) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await call()
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - start)


async def single_caller(call, seconds: float) -> list[float]:
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        await call()
        latencies.append(time.perf_counter() - t0)
    return latencies


async def wait_serving(address: str, seconds: float = 30) -> None:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    deadline = time.monotonic() + seconds
    while True:
        try:
            async with grpc.aio.insecure_channel(address) as channel:
                reply = await health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(), timeout=1
                )
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.UNIMPLEMENTED:  # the bare server has no health
                return
        if time.monotonic() > deadline:
            raise TimeoutError(address)
        await asyncio.sleep(0.2)


async def prepare_database(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from postloan_runtime.db import new_metadata

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(new_metadata().create_all)
    await engine.dispose()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    await conn.executemany(
        "INSERT INTO event_feed (position, event_id, event_type, ordering_key, payload,"
        " occurred_at) VALUES ($1, $2, 'bench.Event', 'k', '\\x00'::bytea, now())",
        [(n, uuid.uuid4()) for n in range(1, FEED_ROWS + 1)],
    )
    await conn.execute("ANALYZE event_feed")
    await conn.close()


async def main_async(args: argparse.Namespace) -> None:
    from postloan_runtime.auth import generate_dev_keys
    from postloan_runtime.testing.auth import bearer, token_for

    admin = os.environ.get("POSTLOAN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"bench_overhead_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f"CREATE DATABASE {name}")
    await conn.close()
    base, _, _ = admin.rpartition("/")
    url = f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    await prepare_database(url)
    keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    generate_dev_keys(keys)
    metadata = bearer(token_for(keys, ["service:monitoring"], ttl=3600))
    env = {**os.environ, "POSTLOAN_KEYS_DIR": str(keys), "POSTLOAN_LOG_LEVEL": "INFO"}
    for var in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        env.pop(var, None)
    cpu = server_cpu()
    ports = {"bare": free_port(), "stack": free_port(), "stack-db": free_port()}
    processes: dict[str, subprocess.Popen] = {}
    logs = []
    load_before = os.getloadavg()
    try:
        for target, port in ports.items():
            log = open(keys / f"{target}.log", "wb")  # noqa: SIM115, ASYNC230 - closed below
            logs.append(log)
            command = [sys.executable, __file__, "--serve", target, "--port", str(port),
                       "--url", url]
            if args.span_sink:
                command.append("--span-sink")
            processes[target] = subprocess.Popen(  # noqa: ASYNC220 - started before any load
                command, env=env, stdout=log, stderr=log,
                preexec_fn=lambda: os.sched_setaffinity(0, cpu),
            )
        os.sched_setaffinity(0, client_cpus())
        for port in ports.values():
            await wait_serving(f"127.0.0.1:{port}")
        if args.hold:
            print(json.dumps({t: p.pid for t, p in processes.items()}), flush=True)
        channels = {t: grpc.aio.insecure_channel(f"127.0.0.1:{p}") for t, p in ports.items()}
        calls = {}
        for target, channel in channels.items():
            stub = events_pb2_grpc.EventFeedServiceStub(channel)

            async def call(stub=stub) -> None:
                await stub.GetFeedHead(events_pb2.GetFeedHeadRequest(), metadata=metadata)

            calls[target] = call
        rates: dict[str, list[float]] = {t: [] for t in calls}
        latencies: dict[str, list[float]] = {t: [] for t in calls}
        for call in calls.values():
            await closed_loop(call, 1, args.concurrency)  # warm-up
        for _ in range(args.rounds):  # round-robin: load elsewhere hurts all alike
            for target, call in calls.items():
                rates[target].append(await closed_loop(call, args.seconds, args.concurrency))
                latencies[target].extend(await single_caller(call, args.seconds))
        for channel in channels.values():
            await channel.close()
        direct_run = subprocess.run(  # noqa: ASYNC221 - the load generator is idle meanwhile
            [sys.executable, __file__, "--direct", "--url", url, "--seconds", str(args.seconds),
             "--concurrency", str(args.concurrency)],
            env=env, capture_output=True, text=True, check=True,
            preexec_fn=lambda: os.sched_setaffinity(0, cpu),
        )
        direct_figures = json.loads(direct_run.stdout.strip().splitlines()[-1])
        load_after = os.getloadavg()
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(timeout=30)
        for log in logs:
            log.close()
        conn = await asyncpg.connect(admin)
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await conn.close()

    print(f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, grpcio {grpc.__version__}; servers pinned to CPU "
          f"{sorted(cpu)}, load generator to {sorted(client_cpus())}")
    print(f"load average before/after: {load_before} / {load_after}")
    print(f"concurrency {args.concurrency}, {args.rounds} rounds of {args.seconds:.0f} s, "
          f"span sink {'on' if args.span_sink else 'off'}")
    bare_peak = max(rates["bare"])
    print(f"{'target':28s} {'peak calls/s':>12s} {'x bare':>7s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for target in calls:
        lat = latencies[target]
        peak = max(rates[target])
        print(f"{'gRPC ' + target:28s} {peak:12.0f} {peak / bare_peak:7.3f} "
              f"{pct(lat, 0.5) * 1e3:8.3f} {pct(lat, 0.99) * 1e3:8.3f}   "
              f"rounds {[round(r) for r in rates[target]]}")
    for target, fig in direct_figures.items():
        print(f"{'direct SELECT via ' + target:28s} {fig['rate']:12.0f} {'':7s} "
              f"{fig['p50'] * 1e3:8.3f} {fig['p99'] * 1e3:8.3f}")
    per_call = {t: 1e6 / max(r) for t, r in rates.items()}
    print(f"1/peak, us per call: bare {per_call['bare']:.0f}, stack "
          f"{per_call['stack']:.0f} (+{per_call['stack'] - per_call['bare']:.0f} runtime), "
          f"stack-db {per_call['stack-db']:.0f} (+{per_call['stack-db'] - per_call['stack']:.0f}"
          f" SELECT through the engine)")
    single = {t: statistics.median(v) * 1e3 for t, v in latencies.items()}
    print(f"single-caller p50 added (ms): runtime +{single['stack'] - single['bare']:.3f}, "
          f"SELECT +{single['stack-db'] - single['stack']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--span-sink", action="store_true")
    parser.add_argument("--hold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", choices=["bare", "stack", "stack-db"], help=argparse.SUPPRESS)
    parser.add_argument("--direct", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "bare":
        asyncio.run(serve_bare(args.port))
    elif args.serve:
        asyncio.run(serve_stack(args.port, args.url, args.serve == "stack-db", args.span_sink))
    elif args.direct:
        asyncio.run(direct(args.url, args.seconds, args.concurrency))
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
