"""Daily-cycle benchmark: the full cycle (penalty accrual, days past due, buckets,
classification, installment ageing, bucket history, due-soon / delinquency / classification
events into the outbox, first-payment-default alerts, checkpoints) against a bare set-based SQL
UPDATE computing the same days past due on the same data, in the same run and database.

    python bench/bench_daily_cycle.py [--loans 100000] [--batch-size 5000]

A synthetic book (``monitoring.testing.synthetic_book``: 12 monthly installments, 8% of loans
overdue by 1..6 installments) is generated set-based with generate_series. The cycle is run
once untimed for the day before (so stored statuses are one day old, as in production), then:

* bare: the reference UPDATE for day D inside a transaction that is rolled back (best of 3),
* cycle K=1: the full daily cycle for D, one partition,
* bare again for D+1, then cycle K=2: both partitions of D+1 run concurrently.

Database: ``POSTLOAN_TEST_DATABASE_URL`` or embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import time

from sqlalchemy import text

from monitoring.adapters.daily_cycle_sql import bare_days_past_due_sql
from monitoring.service_layer.daily_cycle import DailyCyclePolicy, run_daily_cycle
from monitoring.testing.synthetic_book import generate_book
from postloan_runtime.clock import ManualClock
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.testing.databases import test_server, unique_database_name

BOOK_DATE = dt.date(2024, 6, 26)  # D-1 = Jun 26, D = Jun 27, D+1 = Jun 28 (not month ends)


async def bare(engine, policy: DailyCyclePolicy, day: dt.date) -> tuple[float, int]:
    best, changed = float("inf"), 0
    for _ in range(3):
        async with engine.connect() as conn:
            started = time.perf_counter()
            result = await conn.execute(
                bare_days_past_due_sql(policy.delinquency),
                {"d": day, "tolerance": policy.delinquency.tolerance_fen},
            )
            best = min(best, time.perf_counter() - started)
            changed = result.rowcount
            await conn.rollback()
    return best, changed


async def cycle(engine, policy: DailyCyclePolicy, day: dt.date, count: int) -> float:
    clock = ManualClock(dt.datetime(2024, 7, 1, 1, tzinfo=dt.UTC))

    async def one(index: int) -> None:
        async for _ in run_daily_cycle(engine, day, index, count, clock=clock, policy=policy):
            pass

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    return time.perf_counter() - started


async def row_updates(engine) -> dict[str, tuple[int, int]]:
    """Row updates and heap-only (HOT) updates so far of the tables the cycle rewrites daily.
    Backends report their counts when idle, at most once a second: wait for that first."""
    await asyncio.sleep(1.5)
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
            "WHERE relname IN ('loans', 'installments')"
        ))).all()
    return {r.relname: (r.n_tup_upd, r.n_tup_hot_upd) for r in rows}


async def main(args: argparse.Namespace) -> None:
    server = test_server()
    name = unique_database_name("bench_daily_cycle")
    url = await server.ensure_database(name)
    try:
        upgrade_head("monitoring", url)
        engine = create_engine(url, pool_size=6)
        policy = DailyCyclePolicy(batch_size=args.batch_size)
        started = time.perf_counter()
        async with engine.begin() as conn:
            await generate_book(conn, args.loans, as_of=BOOK_DATE)
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
            installments = await conn.scalar(text("SELECT count(*) FROM installments"))
            active = await conn.scalar(text("SELECT count(*) FROM loans WHERE state='ACTIVE'"))
        print(f"book: {args.loans} loans ({active} active), {installments} installments, "
              f"generated in {time.perf_counter() - started:.1f}s")
        warm = await cycle(engine, policy, BOOK_DATE, 1)
        print(f"warm-up cycle D-1 (statuses from disbursement to D-1): {warm:.2f}s")
        rows = []
        for offset, count in ((1, 1), (2, 2)):
            day = BOOK_DATE + dt.timedelta(days=offset)
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("VACUUM ANALYZE"))
                outbox_before = await conn.scalar(text("SELECT count(*) FROM outbox"))
            bare_s, bare_rows = await bare(engine, policy, day)
            before = await row_updates(engine)
            cycle_s = await cycle(engine, policy, day, count)
            after = await row_updates(engine)
            for table in sorted(after):
                updated = after[table][0] - before.get(table, (0, 0))[0]
                hot = after[table][1] - before.get(table, (0, 0))[1]
                print(f"{day} {table}: {updated:,} rows updated, {hot:,} heap-only "
                      f"({hot / max(updated, 1):.0%})")
            async with engine.connect() as conn:
                events = await conn.scalar(text("SELECT count(*) FROM outbox")) - outbox_before
            rows.append((day, count, bare_s, bare_rows, cycle_s, events))
        print(f"\nPostgreSQL {server.version if hasattr(server, 'version') else ''} "
              f"on {platform.machine()}, {os.cpu_count()} cores; batch {args.batch_size}")
        print("| loans | business date | partitions | bare UPDATE (s) | loans changed "
              "| daily cycle (s) | events | cycle / bare |")
        print("|---|---|---|---|---|---|---|---|")
        for day, count, bare_s, bare_rows, cycle_s, events in rows:
            print(f"| {args.loans:,} | {day} | {count} | {bare_s:.2f} | {bare_rows:,} "
                  f"| {cycle_s:.2f} | {events:,} | {cycle_s / bare_s:.2f}x |")
        await engine.dispose()
    finally:
        await server.drop_database(name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    asyncio.run(main(parser.parse_args()))
