"""Quote benchmark: restructuring's QuotePlan RPC served by the real restructuring process, which
reads the loan from the real monitoring process over gRPC (GetLoan + GetLoanSchedule), evaluates
every eligibility rule, prices the plan with the exact schedule engine (new schedule, annualized
cost by IRR, NPV loss), and writes the quote (idempotency key, plan row under its version) in one
transaction; against a bare ``grpc.aio`` echo server process answering a reply of the same size,
measured in the same run, from the same client, with every process on the same cores.

    python bench/bench_quote.py [--seconds 10] [--concurrency 16] [--plans 64] [--cpus 0,1]

Closed loop first (``concurrency`` callers back to back: peak throughput), then an open loop at
50% of each server's own peak (Poisson arrivals; latency counted from the scheduled arrival, so
queueing is included). Plans are quoted round-robin (one plan per loan, ``--plans`` of them) so
callers rarely wait on the same plan's row lock. Services run as separate processes started like
``postloan run`` does (runtime/src/postloan_runtime/suite.py), each on its own migrated
database: ``POSTLOAN_TEST_DATABASE_URL`` or embedded PostgreSQL (on the same machine).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc

from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan.monitoring.v1 import resources_pb2 as mon
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rpc
from postloan.restructuring.v1 import restructuring_pb2_grpc
from postloan_runtime.suite import Suite
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.databases import test_server

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


async def measure_closed(call: Callable[[], Awaitable[object]], seconds: float,
                         concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def caller() -> None:
        while time.perf_counter() < stop:
            began = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - began), latencies


async def measure_open(call: Callable[[], Awaitable[object]], rate: float,
                       seconds: float) -> list[float]:
    latencies: list[float] = []
    tasks = []
    rng = random.Random(7)

    async def one(scheduled: float) -> None:
        await call()
        latencies.append(time.perf_counter() - scheduled)  # includes queueing delay

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


def start_echo(reply_size: int) -> tuple[subprocess.Popen[bytes], int]:
    """The bare echo server as its own process (replies of ``reply_size`` bytes); its port."""
    echo = subprocess.Popen([sys.executable, "-c", ECHO_SERVER, str(reply_size)],
                            stdout=subprocess.PIPE)
    assert echo.stdout is not None  # noqa: S101
    return echo, int(echo.stdout.readline())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


async def prepare_plans(suite: Suite, count: int) -> list[str]:
    """``count`` loans registered in monitoring, one requested plan each (rate cut + 12-period
    extension, so every quote prices a 24-period schedule)."""
    frontend = bearer(token_for(suite.keys_dir, ["lending_frontend"], subject="bench-lender"))
    maker = bearer(token_for(suite.keys_dir, ["collector"], subject="bench-maker"))
    disbursed = dt.date.today() - dt.timedelta(days=40)
    plan_ids = []
    async with grpc.aio.insecure_channel(suite.services["monitoring"].address) as m, \
            grpc.aio.insecure_channel(suite.services["restructuring"].address) as r:
        loans = monitoring_pb2_grpc.LoanServiceStub(m)
        plans = restructuring_pb2_grpc.PlanServiceStub(r)
        for n in range(count):
            loan_id = f"L-BENCH-{n:04d}-{uuid.uuid4().hex[:6]}"
            await loans.RegisterLoan(monitoring_pb2.RegisterLoanRequest(
                request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id=f"B-{n}",
                terms=mon.LoanTerms(
                    product_code="CASH-12M", principal=cny(1_200_000 + 1_000 * n),
                    annual_rate=money_pb2.DecimalValue(value="0.1800"), term_periods=12,
                    repayment_method=mon.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                    disbursement_date=money_pb2.Date(year=disbursed.year,
                                                     month=disbursed.month, day=disbursed.day),
                    due_day=1 + n % 28, grace_days=3,
                    penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
                )), metadata=frontend, timeout=10)
            plan = (await plans.RequestRestructuring(rpc.RequestRestructuringRequest(
                request_id=str(uuid.uuid4()), loan_id=loan_id,
                hardship=res.Hardship(reason=res.HARDSHIP_REASON_UNEMPLOYMENT,
                                      description="lost job"),
                terms=res.PlanTerms(
                    plan_types=[res.PLAN_TYPE_RATE_REDUCTION, res.PLAN_TYPE_TERM_EXTENSION],
                    new_annual_rate=money_pb2.DecimalValue(value="0.1200"),
                    additional_periods=12)), metadata=maker, timeout=10)).plan
            plan_ids.append(plan.plan_id)
    return plan_ids


async def run(args: argparse.Namespace) -> None:
    cpus = ({int(c) for c in args.cpus.split(",")} if args.cpus
            else os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set())
    if cpus:
        os.sched_setaffinity(0, cpus)  # the client; the children inherit it
    pg = test_server()
    prefix = f"bench_quote_{uuid.uuid4().hex[:8]}"
    suite = Suite(
        state_dir=Path(tempfile.mkdtemp(prefix="bench-quote-")), pg_url=pg.admin_url,
        database_prefix=prefix, free_ports=True, packages=("monitoring", "restructuring"),
        simulator_keys=(), smtp_sink=False,
        extra_env={"POSTLOAN_LOG_LEVEL": "WARNING", "OTEL_TRACES_EXPORTER": "none",
                   "POSTLOAN_SHUTDOWN_GRACE_SECONDS": "2"},
    )
    echo = None
    try:
        await suite.start(timeout=120)
        plan_ids = await prepare_plans(suite, args.plans)
        maker = bearer(token_for(suite.keys_dir, ["collector"], subject="bench-maker"))
        async with grpc.aio.insecure_channel(suite.services["restructuring"].address) as r:
            plans = restructuring_pb2_grpc.PlanServiceStub(r)
            sample = await plans.QuotePlan(
                rpc.QuotePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan_ids[0]),
                metadata=maker, timeout=10)
            assert len(sample.plan.quote.installments) >= 13, sample.plan.quote
            reply_size = sample.ByteSize()
        echo, echo_port = await asyncio.to_thread(start_echo, reply_size)
        print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} "
              f"CPUs; client, monitoring, restructuring and echo processes on CPUs "
              f"{sorted(cpus) if cpus else 'all'}; {args.seconds:.0f} s per phase, closed-loop "
              f"concurrency {args.concurrency}; {len(plan_ids)} plans quoted round-robin; "
              f"reply {reply_size} bytes")
        load_before = os.getloadavg()[0]
        counter = iter(range(10**12))
        async with grpc.aio.insecure_channel(suite.services["restructuring"].address) as r, \
                grpc.aio.insecure_channel(f"127.0.0.1:{echo_port}") as e:
            plans = restructuring_pb2_grpc.PlanServiceStub(r)
            echo_call = e.unary_unary("/bench.Echo/Echo")

            def quote() -> Awaitable[object]:
                plan_id = plan_ids[next(counter) % len(plan_ids)]
                return plans.QuotePlan(
                    rpc.QuotePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan_id),
                    metadata=maker, timeout=30)

            def echo_once() -> Awaitable[object]:
                request = rpc.QuotePlanRequest(request_id=str(uuid.uuid4()),
                                               plan_id=plan_ids[0]).SerializeToString()
                return echo_call(request, metadata=maker, timeout=30)

            # Where a quote's time goes, one caller at a time: monitoring's two reads (what
            # restructuring calls before its transaction), a plain read of restructuring
            # (auth, one row), and the quote itself.
            async with grpc.aio.insecure_channel(suite.services["monitoring"].address) as m:
                loans = monitoring_pb2_grpc.LoanServiceStub(m)
                loan_id = sample.plan.loan_id

                async def monitoring_reads() -> None:
                    await loans.GetLoan(monitoring_pb2.GetLoanRequest(loan_id=loan_id),
                                        metadata=maker, timeout=30)
                    await loans.GetLoanSchedule(
                        monitoring_pb2.GetLoanScheduleRequest(loan_id=loan_id),
                        metadata=maker, timeout=30)

                def get_plan() -> Awaitable[object]:
                    return plans.GetPlan(rpc.GetPlanRequest(plan_id=plan_ids[0]),
                                         metadata=maker, timeout=30)

                for label, call in (("monitoring GetLoan+Schedule", monitoring_reads),
                                    ("restructuring GetPlan", get_plan), ("QuotePlan", quote)):
                    _, serial = await measure_closed(call, min(args.seconds, 3.0), 1)
                    print(f"serial {label:27} p50 {pct(serial, .5):7.2f} ms "
                          f"p99 {pct(serial, .99):7.2f} ms ({len(serial)} calls)")
            results: dict[str, tuple[float, list[float], list[float]]] = {}
            for label, call in (("echo (bare grpc.aio)", echo_once), ("QuotePlan", quote)):
                await measure_closed(call, 2.0, args.concurrency)  # warm-up
                rate, closed = await measure_closed(call, args.seconds, args.concurrency)
                opened = await measure_open(call, rate / 2, args.seconds)
                results[label] = (rate, closed, opened)
                print(f"{label:22} closed: {rate:8.0f}/s p50 {pct(closed, .5):7.2f} ms p99 "
                      f"{pct(closed, .99):7.2f} ms | open @50% ({rate / 2:.0f}/s, "
                      f"{len(opened)} calls): p50 {pct(opened, .5):7.2f} ms p99 "
                      f"{pct(opened, .99):7.2f} ms mean {statistics.fmean(opened) * 1000:.2f} ms")
        load_after = os.getloadavg()[0]
        quote_rate, _, quote_open = results["QuotePlan"]
        echo_rate = results["echo (bare grpc.aio)"][0]
        p99 = pct(quote_open, .99)
        print(f"throughput ratio QuotePlan/echo: {quote_rate / echo_rate:.3f} "
              f"(echo {echo_rate / quote_rate:.1f}x faster); load average "
              f"{load_before:.2f} -> {load_after:.2f}")
        print(f"goal QuotePlan p99 <= 10 ms open-loop at 50% of peak: "
              f"{'met' if p99 <= 10 else 'NOT met'} ({p99:.2f} ms)")
    finally:
        if echo is not None:
            echo.terminate()
            echo.wait(timeout=10)
        suite.pg = None  # the database server outlives the run; only the services stop
        suite.stop(grace=10)
        for package in suite.services:
            await pg.drop_database(f"{prefix}_{package}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--plans", type=int, default=64)
    parser.add_argument("--cpus", default="", help="e.g. 0,1 (default: this process's CPUs)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
