"""PostRepayment benchmark: throughput of the real monitoring service (a separate process on a
real, migrated PostgreSQL database, authenticated calls, relay running) against a bare
``grpc.aio`` echo server measured in the same run on the same core, then p50/p99 latency in an
open-loop run at 50% of the measured peak.

    python bench/bench_post_repayment.py [--loans 500] [--seconds 15] [--concurrency 32]

Needs a PostgreSQL server: ``POSTLOAN_BENCH_PG_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); a fresh database is created and dropped.
Both servers are pinned to the same CPU (the last one), the load generator to the others.
The echo server answers every call with a payload the size of a real PostRepaymentResponse,
so serialization and transport costs are alike; what differs is the service's work (auth,
validation, one transaction with the loan row lock, allocation, outbox, idempotency key).
Open-loop latency is measured from each request's scheduled send time (no coordinated
omission).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
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

from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime.auth import generate_dev_keys
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.testing.auth import bearer, token_for

ECHO_METHOD = "/bench.Echo/Echo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_cpu() -> set[int]:
    cpus = sorted(os.sched_getaffinity(0))
    return {cpus[-1]}


def client_cpus() -> set[int]:
    cpus = sorted(os.sched_getaffinity(0))
    return set(cpus[:-1]) or set(cpus)


# --- the bare reference -------------------------------------------------------------------


async def serve_echo(port: int, response_size: int) -> None:
    payload = b"x" * response_size

    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return payload

    server = grpc.aio.server()
    handler = grpc.method_handlers_generic_handler(
        "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


# --- load ---------------------------------------------------------------------------------


class Load:
    def __init__(self, channel: grpc.aio.Channel, metadata, loan_ids: list[str]) -> None:
        self.stub = monitoring_pb2_grpc.RepaymentServiceStub(channel)
        self.echo = channel.unary_unary(ECHO_METHOD)
        self.metadata = metadata
        self.loan_ids = loan_ids
        self.n = 0

    def request(self) -> monitoring_pb2.PostRepaymentRequest:
        self.n += 1
        req = monitoring_pb2.PostRepaymentRequest(
            request_id=str(uuid.uuid4()),
            loan_id=self.loan_ids[self.n % len(self.loan_ids)],
            amount=money_pb2.Money(currency_code="CNY", minor_units=100),
            channel=resources_pb2.REPAYMENT_CHANNEL_AUTO_DEBIT,
            external_transaction_id=f"TX-{uuid.uuid4().hex[:16]}",
        )
        req.paid_at.FromDatetime(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        return req

    async def call_post(self) -> None:
        await self.stub.PostRepayment(self.request(), metadata=self.metadata)

    async def call_echo(self) -> None:
        await self.echo(self.request().SerializeToString(), metadata=self.metadata)


async def closed_loop(call, seconds: float, concurrency: int) -> float:
    """Calls per second with ``concurrency`` calls always in flight."""
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


async def open_loop(call, rate: float, seconds: float) -> list[float]:
    """Latencies (s) of calls sent at a fixed ``rate``, from each call's scheduled time."""
    latencies: list[float] = []
    tasks = []
    start = time.perf_counter()
    total = int(rate * seconds)

    async def one(scheduled: float) -> None:
        await call()
        latencies.append(time.perf_counter() - scheduled)

    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def wait_ready(address: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with grpc.aio.insecure_channel(address) as channel:
                await asyncio.wait_for(channel.channel_ready(), 1)
                return
        except (TimeoutError, grpc.aio.AioRpcError):
            if time.monotonic() > deadline:
                raise


async def register_loans(channel, metadata, count: int) -> list[str]:
    stub = monitoring_pb2_grpc.LoanServiceStub(channel)
    today = dt.datetime.now(dt.UTC).date()
    disbursed = today - dt.timedelta(days=20)
    ids = []
    for n in range(count):
        loan_id = f"BENCH-{n:06d}"
        await stub.RegisterLoan(
            monitoring_pb2.RegisterLoanRequest(
                request_id=str(uuid.uuid4()),
                loan_id=loan_id,
                borrower_id=f"B-{n:06d}",
                terms=resources_pb2.LoanTerms(
                    product_code="CASH-12M",
                    principal=money_pb2.Money(currency_code="CNY", minor_units=5_000_000),
                    annual_rate=money_pb2.DecimalValue(value="0.1800"),
                    term_periods=12,
                    repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                    disbursement_date=money_pb2.Date(
                        year=disbursed.year, month=disbursed.month, day=disbursed.day
                    ),
                    due_day=min(disbursed.day, 28),
                    grace_days=3,
                    penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
                ),
            ),
            metadata=metadata,
        )
        ids.append(loan_id)
    return ids


async def main_async(args: argparse.Namespace) -> None:
    load_before = os.getloadavg()
    admin = os.environ.get("POSTLOAN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    db = f"bench_repay_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f"CREATE DATABASE {db}")
    await conn.close()
    base, _, _ = admin.rpartition("/")
    url = f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{db}"
    await asyncio.to_thread(upgrade_head, "monitoring", url)
    keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    generate_dev_keys(keys)
    metadata = bearer(token_for(keys, ["lending_frontend"], ttl=3600))

    port, echo_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "POSTLOAN_GRPC_PORT": str(port),
        "POSTLOAN_KEYS_DIR": str(keys),
        "POSTLOAN_LOG_LEVEL": "WARNING",
    }
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    cpu = server_cpu()
    log = open(keys / "monitoring.log", "wb")  # noqa: SIM115, ASYNC230 - closed at the end
    service = subprocess.Popen(  # noqa: ASYNC220 - started once, before any load
        [sys.executable, "-m", "monitoring"], env=env, stdout=log, stderr=log,
        preexec_fn=lambda: os.sched_setaffinity(0, cpu),
    )
    echo = None
    try:
        os.sched_setaffinity(0, client_cpus())
        address = f"127.0.0.1:{port}"
        await wait_ready(address)
        async with grpc.aio.insecure_channel(address) as channel:
            loan_ids = await register_loans(channel, metadata, args.loans)
            load = Load(channel, metadata, loan_ids)
            sample = await load.stub.PostRepayment(load.request(), metadata=metadata)
            response_size = sample.ByteSize()
            echo = subprocess.Popen(  # noqa: ASYNC220 - started once, before any load
                [sys.executable, __file__, "--echo-server", str(echo_port),
                 "--response-size", str(response_size)],
                preexec_fn=lambda: os.sched_setaffinity(0, cpu),
            )
            await wait_ready(f"127.0.0.1:{echo_port}")
            async with grpc.aio.insecure_channel(f"127.0.0.1:{echo_port}") as echo_channel:
                echo_load = Load(echo_channel, metadata, loan_ids)
                await closed_loop(echo_load.call_echo, 2, args.concurrency)  # warm-up
                await closed_loop(load.call_post, 2, args.concurrency)
                echo_rates, post_rates = [], []
                for _ in range(args.rounds):  # round-robin: load elsewhere hurts both alike
                    echo_rates.append(
                        await closed_loop(echo_load.call_echo, args.seconds, args.concurrency)
                    )
                    post_rates.append(
                        await closed_loop(load.call_post, args.seconds, args.concurrency)
                    )
            peak = max(post_rates)
            latencies = await open_loop(load.call_post, peak / 2, args.seconds)
        echo_peak = max(echo_rates)
        print(f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}, grpcio {grpc.__version__}; servers pinned to CPU "
              f"{sorted(cpu)}, load generator to {sorted(client_cpus())}")
        print(f"load average before/after: {load_before} / {os.getloadavg()}")
        print(f"loans: {args.loans}, concurrency {args.concurrency}, {args.rounds} rounds of "
              f"{args.seconds:.0f} s, response {response_size} bytes")
        print(f"echo         : {echo_peak:8.0f} calls/s (rounds {[round(r) for r in echo_rates]})")
        print(f"PostRepayment: {peak:8.0f} calls/s (rounds {[round(r) for r in post_rates]})")
        print(f"ratio        : {peak / echo_peak:.3f} x echo")
        print(f"open loop at {peak / 2:.0f} calls/s for {args.seconds:.0f} s "
              f"({len(latencies)} calls): p50 {pct(latencies, 0.5) * 1000:.2f} ms, "
              f"p99 {pct(latencies, 0.99) * 1000:.2f} ms, "
              f"mean {statistics.fmean(latencies) * 1000:.2f} ms")
    finally:
        for process in (service, echo):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        log.close()
        conn = await asyncpg.connect(admin)
        await conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--echo-server", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--response-size", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_server:
        asyncio.run(serve_echo(args.echo_server, args.response_size))
        return
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
