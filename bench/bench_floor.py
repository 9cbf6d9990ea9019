"""The floor under the RPC goals: what a Python gRPC server costs when each call does only the
least durable work an RPC of this suite must do, with none of the suite's own layers.

    python bench/bench_floor.py [--seconds 6] [--concurrency 16] [--rows 1000] [--client h2load]

Servers, each its own process, measured from one client in the same run, the same way as the
RPC benchmarks (bench/rpc_bench.py: closed loop for peak, open loop at 50% of each server's own
peak, latency from the scheduled arrival):

- **echo**: the bare ``grpc.aio`` echo server the issues name as the reference, measured first
  and again last (this box's own drift between the two is part of the result);
- **floor-read**: a bare ``grpc.aio`` server on uvloop whose handler runs one prepared
  ``SELECT`` of one row by primary key on a bare asyncpg pool (no authentication, no
  validation, no tracing, no SQLAlchemy, no idempotency, no events);
- **floor-write**: the same, but the statement is the smallest thing a mutating RPC must do:
  check a row under a share lock and append a record in one autocommit statement (one round
  trip, one transaction, one commit flushed to the write-ahead log);
- **floor-rmw**: read a row under an update lock, decide in Python, append a record, commit
  (BEGIN, SELECT … FOR UPDATE, INSERT, COMMIT): the least a read-modify-write RPC does;
- **floor-write xN**: floor-write served by N processes sharing the port (``SO_REUSEPORT``),
  the client spreading its calls over 4 connections a process;
- **floor-read+rmw**: floor-rmw that first calls a floor-read server over gRPC, as an RPC that
  reads another service's state, then reads and writes its own (QuotePlan: the loan from
  monitoring, then the plan under its version);
- **floor-write/rmw batched**: the calls that queue while the database is busy go to it as one
  statement or one transaction over arrays (the server's own group commit);
- **stack**, **stack+…**: the same handlers behind the suite's own server stack
  (``start_standalone``: a span per call, drain, token verification and authorization, error
  mapping) called with a real service token: ``stack`` alone (no database work), ``stack+rmw``,
  ``stack+write batched``, ``stack+rmw batched`` and ``stack+read+rmw`` (both servers behind the
  stack, the upstream call with a service token), and ``stack+write batched xN`` (Python client).
  Every RPC of the suite passes these layers: the issues ask for a verified caller and one
  trace across the services.

With ``--client h2load`` the load comes from nghttp2's ``h2load`` (C; ``apt-get install
nghttp2-client``) instead of this Python process: the same phases (16 streams on one connection
for peak; a timing script of Poisson arrivals at 50% of that peak for the open loop, each call's
latency from its scheduled start), so that the client's own cost and jitter are taken out of the
figures and what is left is the server's.

Each measured RPC does at least its floor's work, and adds authentication, validation,
idempotency, outbox events and tracing on top: RequestInquiry (reuse) floor-write (a consent
checked under a share lock, a record appended); PostRepayment and CheckContact floor-rmw (the loan
or the debtor locked and read, the allocation or the gate decided in Python, the result written);
QuotePlan floor-read+rmw. So where a floor misses a goal, no implementation of that RPC on this
stack and machine meets it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import grpc
from rpc_bench import ECHO_METHOD, Measured, describe_machine, echo_process, measure, ms, serial

from postloan_runtime.testing.databases import test_server

FLOOR_SERVER = Path(__file__).with_name("floor_server.py")
FLOOR_METHOD = "/bench.Floor/Call"
FEED_METHOD = "/postloan.common.v1.EventFeedService/GetFeedHead"  # a service:monitoring token's


@dataclass(frozen=True)
class Stack:
    """Keys for a floor server behind the suite's stack, and a token it accepts."""

    keys_dir: Path
    metadata: tuple[tuple[str, str], ...]

    @classmethod
    def generate(cls) -> Stack:
        from postloan_runtime.auth import generate_dev_keys
        from postloan_runtime.testing.auth import bearer, token_for

        keys_dir = Path(tempfile.mkdtemp(prefix="bench-floor-keys-"))
        generate_dev_keys(keys_dir)
        return cls(keys_dir, bearer(token_for(keys_dir, ["service:monitoring"], ttl=3600)))


@asynccontextmanager
async def floor_server(
    dsn: str,
    mode: str,
    rows: int,
    reply_size: int,
    upstream: str | None = None,
    processes: int = 1,
    batched: bool = False,
    stack: Stack | None = None,
) -> AsyncIterator[tuple[str, str, Callable]]:
    """A floor server (bench/floor_server.py: ``mode`` none, read, write or rmw; calling
    ``upstream`` first when given; batched; behind the suite's stack) of ``processes``
    processes sharing one port; yields its address, its method and its call. Several
    processes get 4 connections each, spread by the kernel; one gets one, as the echo has."""
    started: list[subprocess.Popen[str]] = []
    try:
        port = 0
        for _ in range(processes):
            process = subprocess.Popen(  # noqa: ASYNC220 - started before any load
                [
                    sys.executable,
                    str(FLOOR_SERVER),
                    dsn,
                    mode,
                    str(rows),
                    str(reply_size),
                    str(port),
                    *(["--upstream", upstream] if upstream else []),
                    *(["--batched"] if batched else []),
                    *(["--stack", str(stack.keys_dir)] if stack else []),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            started.append(process)
            assert process.stdout is not None
            port = int(await asyncio.to_thread(process.stdout.readline))
        address = f"127.0.0.1:{port}"
        options = [("grpc.use_local_subchannel_pool", 1)]
        channels = [
            grpc.aio.insecure_channel(address, options=options)
            for _ in range(1 if processes == 1 else 4 * processes)
        ]
        method = FEED_METHOD if stack else FLOOR_METHOD
        calls = itertools.cycle([c.unary_unary(method) for c in channels])
        metadata = stack.metadata if stack else None
        try:
            yield address, method, lambda *a, **k: next(calls)(*a, metadata=metadata, **k)
        finally:
            for channel in channels:
                await channel.close()
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=10)


GRPC_HEADERS = ("-H", "content-type: application/grpc", "-H", "te: trailers")


def latencies_from_log(path: Path) -> list[float]:
    """Seconds per call from an h2load ``--log-file`` (start µs, status, duration µs)."""
    lines = path.read_text().splitlines()
    return [int(line.split("\t")[2]) / 1e6 for line in lines if line.strip()]


async def h2load_measure(
    label: str,
    address: str,
    method: str,
    request: bytes,
    seconds: float,
    concurrency: int,
    headers: tuple[tuple[str, str], ...] = (),
) -> Measured:
    """Closed loop (``concurrency`` streams on one connection) then an open loop of Poisson
    arrivals at half the peak, both driven by h2load; prints the line like ``measure``."""
    url = f"http://{address}{method}"
    work = Path(tempfile.mkdtemp(prefix="bench-floor-h2load-"))
    body = work / "body"
    body.write_bytes(b"\x00" + len(request).to_bytes(4, "big") + request)  # one gRPC frame

    async def h2load(*options: str) -> list[float]:
        log = work / "log"
        log.unlink(missing_ok=True)
        process = await asyncio.create_subprocess_exec(
            "h2load",
            "-d",
            str(body),
            *GRPC_HEADERS,
            *(option for name, value in headers for option in ("-H", f"{name}: {value}")),
            f"--log-file={log}",
            *options,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await process.wait()
        return latencies_from_log(log)

    await h2load("-c", "1", "-m", str(concurrency), "-D", "2", url)  # warm-up
    closed = await h2load("-c", "1", "-m", str(concurrency), "-D", f"{seconds:g}", url)
    rate = len(closed) / seconds
    arrivals, at, rng = [], 0.0, random.Random(7)
    while at < seconds * 1000:
        arrivals.append(f"{at:.3f}\t{url}")
        at += rng.expovariate(rate / 2) * 1000
    script = work / "arrivals"
    script.write_text("\n".join(arrivals) + "\n")
    opened = await h2load("-c", "1", "-m", "4096", f"--timing-script-file={script}")
    measured = Measured(label, rate, closed, opened)
    print(measured.line(), flush=True)
    return measured


async def run(args: argparse.Namespace) -> None:
    pg = test_server()
    database = f"bench_floor_{uuid.uuid4().hex[:8]}"
    dsn = await pg.ensure_database(database)
    try:
        connection = await asyncpg.connect(dsn)
        await connection.execute(
            "CREATE TABLE floor_grants (id int PRIMARY KEY, holder text NOT NULL,"
            " valid boolean NOT NULL);"
            "CREATE TABLE floor_records (seq bigserial PRIMARY KEY, grant_id int NOT NULL"
            " REFERENCES floor_grants, payload bytea NOT NULL,"
            " recorded_at timestamptz NOT NULL DEFAULT now());"
        )
        await connection.executemany(
            "INSERT INTO floor_grants VALUES ($1, $2, true)",
            [(n, f"holder-{n}") for n in range(args.rows)],
        )
        await connection.close()
        request = bytes(args.request_size)

        describe_machine(
            f"{args.seconds:g} s per phase, closed-loop concurrency "
            f"{args.concurrency}, reply {args.reply_size} bytes"
        )
        results: dict[str, Measured] = {}
        stack = Stack.generate()

        async def measured(label: str, call: Callable, address: str, method: str) -> None:
            # One call first: h2load counts a refused gRPC call (HTTP 200) as an answer.
            await call(request, timeout=30)
            if args.client == "h2load":
                headers = stack.metadata if method == FEED_METHOD else ()
                results[label] = await h2load_measure(
                    label, address, method, request, args.seconds, args.concurrency, headers
                )
                return
            await serial(label, lambda: call(request, timeout=30), 3.0)
            results[label] = await measure(
                label, lambda: call(request, timeout=30), args.seconds, args.concurrency
            )

        async def floor(label: str, mode: str, **options: object) -> None:
            async with floor_server(dsn, mode, args.rows, args.reply_size, **options) as (
                address, method, call
            ):
                await measured(label, call, address, method)

        async with echo_process(args.reply_size) as (address, call):
            await measured("echo", call, address, ECHO_METHOD)
        echo_first = results["echo"]
        for mode in ("read", "write", "rmw"):
            await floor(f"floor-{mode}", mode)
        for mode in ("write", "rmw"):
            await floor(f"floor-{mode} batched", mode, batched=True)
        if args.processes > 1 and args.client == "python":  # h2load's script is per connection
            await floor(f"floor-write x{args.processes}", "write", processes=args.processes)
        async with (
            floor_server(dsn, "read", args.rows, args.reply_size) as (upstream, _, _),
            floor_server(dsn, "rmw", args.rows, args.reply_size, upstream) as (
                address, method, call
            ),
        ):
            await measured("floor-read+rmw", call, address, method)
        await floor("stack", "none", stack=stack)
        await floor("stack+rmw", "rmw", stack=stack)
        for mode in ("write", "rmw"):
            await floor(f"stack+{mode} batched", mode, batched=True, stack=stack)
        async with (
            floor_server(dsn, "read", args.rows, args.reply_size, stack=stack) as (
                upstream, _, _
            ),
            floor_server(dsn, "rmw", args.rows, args.reply_size, upstream, stack=stack) as (
                address, method, call
            ),
        ):
            await measured("stack+read+rmw", call, address, method)
        if args.processes > 1 and args.client == "python":
            await floor(
                f"stack+write batched x{args.processes}",
                "write",
                batched=True,
                stack=stack,
                processes=args.processes,
            )
        async with echo_process(args.reply_size) as (address, call):
            await measured("echo", call, address, ECHO_METHOD)
        echo_last = results.pop("echo")
        results["echo"] = echo_first
        print(f"echo peak {echo_first.rate:.0f}/s first, {echo_last.rate:.0f}/s last")
        for label, result in results.items():
            print(
                f"{label:24} {result.rate / echo_first.rate:6.3f}x / "
                f"{result.rate / echo_last.rate:6.3f}x echo throughput (first / last); "
                f"open-loop p99 at 50% of its own peak {ms(result.opened, 0.99):6.2f} ms"
            )
        print(
            f"echo (last)              open-loop p99 at 50% of its own peak "
            f"{ms(echo_last.opened, 0.99):6.2f} ms"
        )
    finally:
        await pg.drop_database(database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--request-size", type=int, default=64)
    parser.add_argument("--reply-size", type=int, default=600)
    parser.add_argument(
        "--client",
        choices=["python", "h2load"],
        default="python",
        help="the load generator: this process (grpc.aio) or nghttp2's h2load",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="also floor-write served by this many processes on one port",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
