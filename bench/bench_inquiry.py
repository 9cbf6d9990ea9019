"""Credit-inquiry benchmark: RequestInquiry served from the reuse window (consent check, identity
lookup, reuse lookup, inquiry row, hash-chain append, outbox event, idempotency key: one
transaction) against a bare ``grpc.aio`` echo server, measured in the same run, same process,
same cores, same client.

    python bench/bench_inquiry.py [--seconds 10] [--concurrency 16] [--borrowers 200]
    python bench/bench_inquiry.py --profile sql|cpu     # where the time goes, no comparison

Many borrowers, each with a consent, a matched identity and a stored report; every call picks
one at random. Closed loop first (``concurrency`` callers back to back: peak throughput,
p50/p99), then an open loop at 50% of each server's own peak (Poisson arrivals; p50/p99
include queueing). The bureau is an in-process stub: the measured path never calls it
(that is the point of reuse).
Database: ``POSTLOAN_TEST_DATABASE_URL`` or embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc

from credit_inquiry.adapters.bureau import IdentityMatch, normalize_report
from credit_inquiry.domain.identity import IdentityMatchOutcome
from credit_inquiry.entrypoints.app import build_app
from credit_inquiry.service_layer.inquiries import InquirySettings
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc as ci_grpc
from postloan.credit_inquiry.v1 import resources_pb2 as res
from postloan.simulators.v1 import bureau_pb2
from postloan_runtime.auth import generate_dev_keys
from postloan_runtime.clock import ManualClock
from postloan_runtime.config import ServiceSettings
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.pii import PiiCipher
from postloan_runtime.server import start
from postloan_runtime.telemetry import configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.databases import test_server, unique_database_name

NOW = datetime(2025, 6, 1, 9, tzinfo=UTC)


class StubBureau:
    name = "bench-stub"

    async def match_identity(self, identity):  # type: ignore[no-untyped-def]
        return IdentityMatch(IdentityMatchOutcome.MATCHED, "BENCH")

    async def query_report(self, *, sections, **_):  # type: ignore[no-untyped-def]
        report = bureau_pb2.BureauCreditReport(report_number="BENCH1")
        report.reported_at.FromDatetime(NOW)
        return normalize_report(report, sections)

    async def close(self) -> None:
        return None


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


class SqlProfile:
    """Wall time per SQL statement shape (SQLAlchemy cursor events; includes lock waits)."""

    def __init__(self) -> None:
        self.totals: dict[str, list[float]] = {}
        self._began: dict[int, float] = {}

    def attach(self, engine) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy import event

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def before(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
            self._began[id(context)] = time.perf_counter()

        @event.listens_for(engine.sync_engine, "after_cursor_execute")
        def after(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
            began = self._began.pop(id(context), None)
            if began is not None:
                key = " ".join(statement.split())[:70]
                self.totals.setdefault(key, []).append(time.perf_counter() - began)

        @event.listens_for(engine.sync_engine, "commit")
        def commit(conn):  # type: ignore[no-untyped-def]
            self.totals.setdefault("COMMIT (count only)", []).append(0.0)

    def report(self, calls: int) -> None:
        print(f"SQL per RequestInquiry ({calls} calls):")
        for key, values in sorted(self.totals.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {len(values) / calls:5.2f}x  mean {statistics.fmean(values) * 1000:7.2f} ms"
                  f"  {key}")


async def main(seconds: float, concurrency: int, borrowers: int, profile: str,
               no_sql_spans: bool) -> None:
    if no_sql_spans:  # diagnostic only: what the per-statement spans cost
        import postloan_runtime.server as server_module

        server_module.instrument_engine = lambda *_args, **_kw: None  # type: ignore[assignment]
    keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    generate_dev_keys(keys)
    os.environ["POSTLOAN_KEYS_DIR"] = str(keys)
    os.environ["POSTLOAN_AUTH_TRUSTED_KEYS"] = str(keys / "trusted.jwks.json")
    os.environ.setdefault("POSTLOAN_LOG_LEVEL", "WARNING")
    pg = test_server()
    name = unique_database_name("bench_inquiry")
    url = await pg.ensure_database(name)
    await asyncio.to_thread(upgrade_head, "credit_inquiry", url)
    app = build_app(ManualClock(NOW), bureau=StubBureau(),  # type: ignore[arg-type]
                    cipher=PiiCipher.from_file(keys / "pii-keys.json"),
                    settings=InquirySettings(reuse_window=timedelta(days=3650)))
    app.workers = ()
    settings = ServiceSettings("credit_inquiry", "credit-inquiry", url, "127.0.0.1", 0, 0)
    server = await start(app, settings, telemetry=configure_telemetry("bench",
                                                                       configure_logs=False))

    echo = grpc.aio.server()
    echo.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(
            _echo)})])
    echo_port = echo.add_insecure_port("127.0.0.1:0")
    await echo.start()

    metadata = bearer(token_for(keys, ["credit_officer"], subject="bench-op"))
    rng = random.Random(11)
    try:
        async with grpc.aio.insecure_channel(server.address) as channel, \
                grpc.aio.insecure_channel(f"127.0.0.1:{echo_port}") as echo_channel:
            consents = ci_grpc.ConsentServiceStub(channel)
            inquiries = ci_grpc.InquiryServiceStub(channel)
            identities = ci_grpc.IdentityVerificationServiceStub(channel)

            async def onboard(index: int) -> tuple[str, str]:
                """A borrower with a consent, a matched identity and one stored report."""
                borrower_id = f"bench-b-{index}"
                grant = ci.GrantConsentRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower_id,
                    purposes=[res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
                              res.CONSENT_PURPOSE_IDENTITY_VERIFICATION],
                    sections=[res.REPORT_SECTION_BASIC_INFO, res.REPORT_SECTION_SUMMARY],
                    channel=res.CONSENT_CHANNEL_MOBILE_APP,
                    evidence=res.ConsentEvidence(document_sha256="ab" * 32,
                                                 signer_verification_reference="ekyc:1"),
                )
                grant.evidence.signed_at.FromDatetime(NOW - timedelta(hours=1))
                grant.valid_from.FromDatetime(NOW)
                grant.valid_until.FromDatetime(NOW + timedelta(days=365))
                consent = (await consents.GrantConsent(grant, metadata=metadata)).consent
                await identities.VerifyIdentity(ci.VerifyIdentityRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower_id, name="王小明",
                    resident_id_number="11010519491231002X", mobile_number="13812345678",
                    consent_id=consent.consent_id), metadata=metadata)
                first = (await request(borrower_id, consent.consent_id)).inquiry
                assert first.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
                return borrower_id, consent.consent_id

            def request(borrower_id: str, consent_id: str) -> Awaitable[ci.RequestInquiryResponse]:
                return inquiries.RequestInquiry(ci.RequestInquiryRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower_id, loan_id="L-1",
                    purpose=res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
                    consent_id=consent_id), metadata=metadata)

            population: list[tuple[str, str]] = []
            for batch in range(0, borrowers, 32):
                population += await asyncio.gather(
                    *(onboard(i) for i in range(batch, min(batch + 32, borrowers))))

            def inquiry() -> Awaitable[object]:
                return request(*rng.choice(population))

            reused = (await inquiry()).inquiry  # type: ignore[attr-defined]
            assert reused.outcome == res.INQUIRY_OUTCOME_REPORT_REUSED
            payload = ci.RequestInquiryRequest(request_id=str(uuid.uuid4())).SerializeToString()
            echo_call = echo_channel.unary_unary("/bench.Echo/Echo")

            def echo_once() -> Awaitable[object]:
                return echo_call(payload, metadata=metadata)

            print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
                  f"load average {os.getloadavg()[0]:.1f}, {seconds}s per phase, "
                  f"concurrency {concurrency}, {borrowers} borrowers")
            if profile:
                await run_profile(profile, inquiry, seconds, concurrency, server)
                return
            results = {}
            for label, call in (("echo", echo_once), ("inquiry (reuse)", inquiry)):
                await measure_closed(call, 1.0, concurrency)  # warm-up
                rate, lat = await measure_closed(call, seconds, concurrency)
                open_lat = await measure_open(call, rate / 2, seconds)
                results[label] = rate
                print(f"{label:16} closed: {rate:8.0f}/s p50 {pct(lat, .5):6.2f} ms "
                      f"p99 {pct(lat, .99):6.2f} ms | open @50%: p50 "
                      f"{pct(open_lat, .5):6.2f} ms p99 {pct(open_lat, .99):6.2f} ms "
                      f"(mean {statistics.fmean(open_lat) * 1000:.2f} ms)")
            print(f"ratio inquiry/echo: {results['inquiry (reuse)'] / results['echo']:.2f}x")
    finally:
        await echo.stop(0)
        await server.stop(grace=0)
        await pg.drop_database(name)


async def run_profile(profile: str, inquiry: Callable[[], Awaitable[object]], seconds: float,
                      concurrency: int, server) -> None:  # type: ignore[no-untyped-def]
    """``sql``: wall time per statement shape; ``cpu``: cProfile of this process (server and
    client share it), top functions by own time."""
    if profile == "sql":
        sql = SqlProfile()
        sql.attach(server.running.engine)
        cpu = time.process_time()
        rate, lat = await measure_closed(inquiry, seconds, concurrency)
        cpu = time.process_time() - cpu
        print(f"closed: {rate:.0f}/s p50 {pct(lat, .5):.2f} ms p99 {pct(lat, .99):.2f} ms; "
              f"this process (client + server) used {cpu / seconds:.0%} of a CPU, "
              f"{cpu / len(lat) * 1000:.2f} ms CPU per call")
        sql.report(len(lat))
    else:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        rate, lat = await measure_closed(inquiry, seconds, concurrency)
        profiler.disable()
        print(f"closed: {rate:.0f}/s over {len(lat)} calls")
        stats = pstats.Stats(profiler)
        by_package: dict[str, float] = {}
        for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
            parts = filename.split("site-packages/")
            package = parts[-1].split("/")[0] if len(parts) > 1 else (
                "postloan" if "/work/" in filename else filename[:40])
            by_package[package] = by_package.get(package, 0.0) + own
        print(f"own CPU by package, ms per call over {len(lat)} calls:")
        for package, own in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {own / len(lat) * 1000:7.2f}  {package}")
        stats.sort_stats("tottime").print_stats(25)


async def _echo(request: bytes, context: object) -> bytes:
    return request


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--borrowers", type=int, default=200,
                        help="borrowers, each with a consent and a stored report")
    parser.add_argument("--profile", choices=["sql", "cpu"], default="",
                        help="profile the inquiry instead of benchmarking")
    parser.add_argument("--no-sql-spans", action="store_true",
                        help="diagnostic: leave the SQL statements untraced")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.concurrency, args.borrowers, args.profile,
                     args.no_sql_spans))
