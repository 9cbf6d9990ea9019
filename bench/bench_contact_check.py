"""Collection benchmark: the CheckContact RPC (authenticate, validate, idempotency claim, lock the
debtor's row, load its profile, flags, jurisdiction profile and the last days' attempts and open
clearances, run the gate in the borrower's zone, record the check: one transaction) against a
bare ``grpc.aio`` echo server, measured in the same run, same process, same cores, same client.

    python bench/bench_contact_check.py [--seconds 10] [--concurrency 16] [--debtors 1000]

Closed loop first (``concurrency`` callers back to back: peak throughput, p50/p99), then an
open loop at 50% of each server's own peak (Poisson arrivals; p50/p99 include queueing). Each
check picks a random debtor and alternates SMS and agent calls, so allowed checks (clearances)
and refusals (caps reached) are both in the mix. Goal: p99 <= 5 ms open-loop at 50% of peak.
Database: ``POSTLOAN_TEST_DATABASE_URL`` or embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import grpc

from collection.adapters.channels import ChannelRouter, SmtpMailer
from collection.entrypoints.app import build_app
from collection.entrypoints.contacts import contact_servicers
from postloan.collection.v1 import collection_pb2 as cp
from postloan.collection.v1 import collection_pb2_grpc as cp_grpc
from postloan.collection.v1 import resources_pb2 as res
from postloan_runtime.auth import generate_dev_keys
from postloan_runtime.clock import ManualClock
from postloan_runtime.config import ServiceSettings
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.pii import PiiCipher
from postloan_runtime.server import start
from postloan_runtime.servicers import add_servicers
from postloan_runtime.telemetry import configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.databases import test_server, unique_database_name

# Monday 2 June 2025, 10:00 in Shanghai.
NOW = datetime(2025, 6, 2, 2, tzinfo=UTC)


async def measure_closed(call: Callable[[], Awaitable[object]], seconds: float,
                         concurrency: int) -> tuple[float, list[float]]:
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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _echo(request: bytes, context: object) -> bytes:
    return request


async def main(seconds: float, concurrency: int, debtors: int) -> None:
    keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    generate_dev_keys(keys)
    os.environ["POSTLOAN_KEYS_DIR"] = str(keys)
    os.environ["POSTLOAN_AUTH_TRUSTED_KEYS"] = str(keys / "trusted.jwks.json")
    os.environ.setdefault("POSTLOAN_LOG_LEVEL", "WARNING")
    pg = test_server()
    name = unique_database_name("bench_contacts")
    url = await pg.ensure_database(name)
    await asyncio.to_thread(upgrade_head, "collection", url)
    clock = ManualClock(NOW)
    cipher = PiiCipher.from_file(keys / "pii-keys.json")

    def register(server: grpc.aio.Server, running: object) -> None:
        unused = SmtpMailer("127.0.0.1", 9)  # the benchmark never dispatches
        servicers = contact_servicers(running, clock=clock, cipher=cipher,  # type: ignore[arg-type]
                                      channels=ChannelRouter(unused, unused))
        add_servicers(server, cp, cp_grpc, servicers)

    app = build_app()
    app.register = register
    app.workers = ()
    settings = ServiceSettings("collection", "collection", url, "127.0.0.1", 0, 0)
    server = await start(app, settings, telemetry=configure_telemetry("bench",
                                                                       configure_logs=False))
    echo = grpc.aio.server()
    echo.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(_echo)})])
    echo_port = echo.add_insecure_port("127.0.0.1:0")
    await echo.start()

    supervisor = bearer(token_for(keys, ["collection_supervisor"], subject="bench-sup"))
    agent = bearer(token_for(keys, ["collector"], subject="bench-agent"))
    outcomes: Counter[str] = Counter()
    try:
        async with grpc.aio.insecure_channel(server.address) as channel, \
                grpc.aio.insecure_channel(f"127.0.0.1:{echo_port}") as echo_channel:
            debtor_stub = cp_grpc.DebtorServiceStub(channel)
            contacts = cp_grpc.ContactServiceStub(channel)
            points: list[tuple[str, str]] = []
            for n in range(debtors):
                borrower = f"bench-b-{n}"
                point = await debtor_stub.RegisterContactPoint(cp.RegisterContactPointRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower,
                    party=res.CONTACT_PARTY_DEBTOR, kind=res.CONTACT_POINT_KIND_PHONE,
                    value=f"138{n:08d}"), metadata=supervisor)
                points.append((borrower, point.contact_point.contact_point_id))
            rng = random.Random(11)
            channels = itertools.cycle((res.CONTACT_CHANNEL_SMS, res.CONTACT_CHANNEL_AGENT_CALL))

            async def check() -> object:
                borrower, point_id = points[rng.randrange(len(points))]
                response = await contacts.CheckContact(cp.CheckContactRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower, channel=next(channels),
                    party=res.CONTACT_PARTY_DEBTOR, contact_point_id=point_id), metadata=agent)
                outcomes[res.ContactDecision.Name(response.check.decision)] += 1
                return response

            payload = cp.CheckContactRequest(request_id=str(uuid.uuid4()), borrower_id="b",
                                             contact_point_id=str(uuid.uuid4()),
                                             channel=res.CONTACT_CHANNEL_SMS).SerializeToString()
            echo_call = echo_channel.unary_unary("/bench.Echo/Echo")

            def echo_once() -> Awaitable[object]:
                return echo_call(payload, metadata=agent)

            print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
                  f"{seconds}s per phase, concurrency {concurrency}, {debtors} debtors")
            results = {}
            for label, call in (("echo", echo_once), ("CheckContact", check)):
                await measure_closed(call, 1.0, concurrency)  # warm-up
                rate, lat = await measure_closed(call, seconds, concurrency)
                open_lat = await measure_open(call, rate / 2, seconds)
                results[label] = rate
                print(f"{label:13} closed: {rate:8.0f}/s p50 {pct(lat, .5):6.2f} ms "
                      f"p99 {pct(lat, .99):6.2f} ms | open @50%: p50 "
                      f"{pct(open_lat, .5):6.2f} ms p99 {pct(open_lat, .99):6.2f} ms "
                      f"(mean {statistics.fmean(open_lat) * 1000:.2f} ms)")
            print(f"ratio CheckContact/echo (peak rate): "
                  f"{results['CheckContact'] / results['echo']:.2f}x; decisions {dict(outcomes)}")
    finally:
        await echo.stop(0)
        await server.stop(grace=0)
        await pg.drop_database(name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--debtors", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.concurrency, args.debtors))
