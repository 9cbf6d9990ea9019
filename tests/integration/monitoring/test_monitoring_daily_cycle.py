"""The daily cycle on real PostgreSQL: the set-based SQL agrees with the domain rules for every
loan; a second run of a date changes and emits nothing; 2 partitions and overlapping batches
give what 1 partition with one batch at a time gives; a run killed with SIGKILL mid-way and
restarted ends with the same state and events as a clean run; a failed batch leaves the batch
in flight behind it unwritten; refusals (order of dates, partition count, concurrent caller)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import subprocess
import sys
from collections import namedtuple
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from monitoring.domain.delinquency import (
    DEFAULT_BUCKETS,
    DEFAULT_TOLERANCE_FEN,
    InstallmentArrears,
    classify,
    days_past_due,
    effective_penalty_rate,
    is_past_due,
    penalty_accrual_days,
    penalty_for_days,
    penalty_increment,
)
from monitoring.domain.loans import DEFAULT_RATE_CAP
from monitoring.service_layer.daily_cycle import DailyCyclePolicy, run_daily_cycle
from monitoring.testing.synthetic_book import generate_book
from postloan.monitoring.v1 import events_pb2 as monitoring_events
from postloan_runtime.clock import ManualClock
from postloan_runtime.db import create_engine
from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.migrate import upgrade_head

pytestmark = pytest.mark.integration

BOOK_DATE = dt.date(2024, 2, 27)  # the cycle then crosses Feb 29 (leap) and a month end
LOANS = 240
CLOCK = ManualClock(dt.datetime(2024, 3, 2, 1, tzinfo=dt.UTC))
SMALL_BATCHES = DailyCyclePolicy(batch_size=17)


async def book(make_database, n: int = LOANS) -> tuple[str, AsyncEngine]:
    url = await make_database("monitoring")
    upgrade_head("monitoring", url)
    engine = create_engine(url, pool_size=3)
    async with engine.begin() as conn:
        await generate_book(conn, n, as_of=BOOK_DATE, overdue_percent=15)
    return url, engine


async def run(engine: AsyncEngine, day: dt.date, index: int = 0, count: int = 1,
              policy: DailyCyclePolicy = SMALL_BATCHES) -> list:
    return [p async for p in run_daily_cycle(engine, day, index, count, clock=CLOCK,
                                             policy=policy)]


async def state_of(engine: AsyncEngine) -> dict[str, list]:
    """Everything the cycle writes, in a comparable form (ids and clocks left out where they
    are assigned by the database)."""
    queries = {
        "loans": "SELECT loan_id, days_past_due, bucket, classification, status_as_of, "
                 "breach_reported_plan_id FROM loans ORDER BY loan_id",
        "installments": "SELECT loan_id, sequence, state, days_past_due, penalty_due_fen, "
                        "penalty_accrued_through FROM installments ORDER BY 1, 2",
        "history": "SELECT loan_id, business_date, from_bucket, to_bucket, days_past_due, "
                   "overdue_fen, cause FROM bucket_history ORDER BY 1, 2, 3",
        "month_ends": "SELECT * FROM bucket_month_ends ORDER BY 1, 2",
        "events": "SELECT event_id, event_type, ordering_key, payload FROM outbox ORDER BY 1",
        "alerts": "SELECT alert_id, rule_code, loan_id, state FROM alerts ORDER BY 1",
    }
    async with engine.connect() as conn:
        return {name: [tuple(r) for r in (await conn.execute(text(q))).all()]
                for name, q in queries.items()}


DAYS = [BOOK_DATE + dt.timedelta(days=k) for k in range(4)]  # Feb 27 .. Mar 1


async def test_set_based_cycle_agrees_with_the_domain_rules(make_database) -> None:
    _, engine = await book(make_database)
    try:
        for day in DAYS:
            await run(engine, day)
        day = DAYS[-1]
        async with engine.connect() as conn:
            loans = (await conn.execute(text(
                "SELECT loan_id, grace_days, days_past_due, bucket, classification "
                "FROM loans WHERE state = 'ACTIVE'"))).all()
            items = (await conn.execute(text(
                "SELECT loan_id, due_date, state, principal_due_fen + interest_due_fen "
                "+ penalty_due_fen - principal_paid_fen - interest_paid_fen - penalty_paid_fen "
                "- penalty_waived_fen FROM installments"))).all()
        by_loan: dict[str, list[InstallmentArrears]] = {}
        for loan_id, due, state, unpaid in items:
            by_loan.setdefault(loan_id, []).append(
                InstallmentArrears(due, int(unpaid), settled=state == "PAID"))
        delinquent = 0
        for loan_id, grace, dpd, bucket, category in loans:
            expected = days_past_due(by_loan[loan_id], day, grace_days=grace)
            assert (dpd, bucket, category) == (
                expected, DEFAULT_BUCKETS.bucket_for(expected), classify(expected).value
            ), loan_id
            delinquent += expected > 0
        assert delinquent > 10  # the book has real arrears to age
        # The outstanding principal reported by the month-end snapshot (Feb 29) and by each
        # DelinquencyChanged counts every open installment of the current schedule, also those
        # due after the batch's horizon (the cycle changes no principal, so today's figures
        # are the ones it saw).
        async with engine.connect() as conn:
            outstanding = dict((await conn.execute(text(
                "SELECT l.loan_id, COALESCE(sum(i.principal_due_fen - i.principal_paid_fen) "
                "FILTER (WHERE i.state NOT IN ('PAID', 'SUPERSEDED')), 0) FROM loans l "
                "JOIN installments i ON i.loan_id = l.loan_id "
                "AND i.schedule_version = l.schedule_version GROUP BY l.loan_id"))).all())
            month_end = (await conn.execute(text(
                "SELECT loan_id, outstanding_principal_fen FROM bucket_month_ends "
                "WHERE month_end = '2024-02-29'"))).all()
            changes = (await conn.execute(text(
                "SELECT payload FROM outbox WHERE event_type LIKE '%.DelinquencyChanged'"
            ))).scalars().all()
        assert len(month_end) == LOANS
        assert all(fen == outstanding[loan_id] for loan_id, fen in month_end)
        assert sum(1 for fen in outstanding.values() if fen > 0) > LOANS // 2
        assert len(changes) > 10
        for payload in changes:
            changed = monitoring_events.DelinquencyChanged.FromString(payload)
            assert changed.outstanding_principal.minor_units == outstanding[changed.loan_id]
    finally:
        await engine.dispose()


async def test_penalty_accrues_daily_within_the_cap_and_grace_days_count(make_database) -> None:
    _, engine = await book(make_database, n=60)
    try:
        async with engine.connect() as conn:
            target = (await conn.execute(text(
                "SELECT i.loan_id, i.sequence, i.due_date, i.principal_due_fen "
                "FROM installments i JOIN loans l USING (loan_id) "
                "WHERE i.state <> 'PAID' AND i.due_date + l.grace_days < :d "
                "ORDER BY i.due_date DESC LIMIT 1"), {"d": DAYS[0]})).one()
        for day in DAYS[:2]:
            await run(engine, day)
        async with engine.connect() as conn:
            penalty, through = (await conn.execute(text(
                "SELECT penalty_due_fen, penalty_accrued_through FROM installments "
                "WHERE loan_id = :l AND sequence = :s"),
                {"l": target.loan_id, "s": target.sequence})).one()
        rate = effective_penalty_rate(Decimal("0.09"), Decimal("0.18"), Decimal("0.24"))
        first_days = (DAYS[0] - target.due_date).days
        # Two runs (the grace days and the first day after them, then one more day), rounded
        # once on the cumulative principal-days: the same fen as one run over all the days.
        expected = penalty_for_days(target.principal_due_fen, rate, first_days + 1)
        assert (penalty, through) == (expected, DAYS[1])
    finally:
        await engine.dispose()


async def test_penalty_sql_agrees_with_the_domain_for_random_inputs(make_database) -> None:
    """Random rates, grace periods, partial payments, penalty already owed (some of it accrued
    before principal-days were kept) and random gaps between runs: after every run each
    installment's penalty, principal-days and accrual date are what the domain's functions
    give (``penalty_accrual_days``, ``penalty_increment``, ``is_past_due``)."""
    _, engine = await book(make_database, n=80)
    rng = random.Random(20240227)
    try:
        async with engine.begin() as conn:
            for loan_id in (await conn.execute(text("SELECT loan_id FROM loans"))).scalars():
                await conn.execute(text(
                    "UPDATE loans SET penalty_annual_rate = :p, current_annual_rate = :c, "
                    "grace_days = :g WHERE loan_id = :l"), {
                        "l": loan_id, "g": rng.randint(0, 5),
                        "p": Decimal(rng.randint(0, 1500)) / 10_000,
                        "c": Decimal(rng.randint(500, 2600)) / 10_000})
            rows = (await conn.execute(text(
                "SELECT loan_id, sequence, due_date, principal_due_fen FROM installments "
                "WHERE state <> 'PAID'"))).all()
            for loan_id, sequence, due, principal in rows:
                through = (rng.choice([None, due + dt.timedelta(days=rng.randint(0, 20))])
                           if due < BOOK_DATE - dt.timedelta(days=21) else None)
                await conn.execute(text(
                    "UPDATE installments SET principal_paid_fen = :paid, penalty_due_fen = :pen,"
                    " penalty_paid_fen = :pen_paid, penalty_principal_days = :pdays,"
                    " penalty_accrued_through = :through, penalty_days_from = :days_from"
                    " WHERE loan_id = :l AND sequence = :s"), {
                        "l": loan_id, "s": sequence,
                        "paid": rng.choice([0, 0, principal - rng.randint(0, 150),
                                            rng.randint(0, principal)]),
                        "pen": (pen := rng.choice([0, rng.randint(0, 5000)])),
                        "pen_paid": rng.randint(0, pen),
                        "pdays": rng.choice([0, rng.randint(0, 10**9)]) if through else 0,
                        "through": through, "days_from": rng.choice([None, through])})
        query = text(
            "SELECT i.loan_id, i.sequence, i.due_date, i.state, l.grace_days,"
            " l.penalty_annual_rate, l.current_annual_rate, i.principal_due_fen,"
            " i.principal_paid_fen, i.interest_due_fen - i.interest_paid_fen AS interest_unpaid,"
            " i.penalty_due_fen, i.penalty_paid_fen + i.penalty_waived_fen AS penalty_settled,"
            " i.penalty_principal_days, i.penalty_accrued_through"
            " FROM installments i JOIN loans l USING (loan_id) WHERE l.state = 'ACTIVE'"
            " ORDER BY 1, 2")
        async with engine.connect() as conn:
            result = (await conn.execute(query)).all()
        item = namedtuple("item", result[0]._fields)  # type: ignore[misc]
        expected = {(r.loan_id, r.sequence): item(*r) for r in result}
        day, accruing = BOOK_DATE, 0
        while day < BOOK_DATE + dt.timedelta(days=40):
            for key, r in expected.items():
                if r.state in ("PAID", "SUPERSEDED"):
                    continue
                unpaid = (r.principal_due_fen - r.principal_paid_fen + r.interest_unpaid
                          + r.penalty_due_fen - r.penalty_settled)
                days = penalty_accrual_days(r.due_date, r.penalty_accrued_through, day,
                                            grace_days=r.grace_days)
                if days == 0 or not is_past_due(
                    InstallmentArrears(r.due_date, unpaid), day, grace_days=r.grace_days,
                    tolerance_fen=DEFAULT_TOLERANCE_FEN,
                ):
                    continue
                rate = effective_penalty_rate(
                    r.penalty_annual_rate, r.current_annual_rate, DEFAULT_RATE_CAP)
                added = (r.principal_due_fen - r.principal_paid_fen) * days
                accruing += 1
                expected[key] = r._replace(
                    penalty_due_fen=r.penalty_due_fen
                    + penalty_increment(r.penalty_principal_days, added, rate),
                    penalty_principal_days=r.penalty_principal_days + added,
                    penalty_accrued_through=day)
            await run(engine, day)
            async with engine.connect() as conn:
                got = {(r.loan_id, r.sequence): r for r in (await conn.execute(query)).all()}
            for key, r in expected.items():
                g = got[key]
                assert (g.penalty_due_fen, g.penalty_principal_days,
                        g.penalty_accrued_through) == (
                    r.penalty_due_fen, r.penalty_principal_days, r.penalty_accrued_through
                ), (key, day)
                expected[key] = r._replace(state=g.state)
            day += dt.timedelta(days=rng.randint(1, 6))  # runs every day or every few days
        assert accruing > 100
    finally:
        await engine.dispose()


async def test_running_a_date_twice_changes_and_emits_nothing(make_database) -> None:
    _, engine = await book(make_database)
    try:
        for day in DAYS:
            await run(engine, day)
        before = await state_of(engine)
        assert before["events"] and before["history"] and before["month_ends"]
        again = await run(engine, DAYS[-1])
        assert len(again) == 1 and again[0].run.state.value == "COMPLETED"
        assert await state_of(engine) == before
    finally:
        await engine.dispose()


async def test_two_partitions_give_what_one_gives(make_database) -> None:
    _, one = await book(make_database)
    _, two = await book(make_database)
    one_at_a_time = DailyCyclePolicy(batch_size=17, batches_in_flight=1)
    three_at_once = DailyCyclePolicy(batch_size=17, batches_in_flight=3)
    try:
        for day in DAYS:
            await run(one, day, policy=one_at_a_time)
            # Both partitions at once, as two workers would, each with batches overlapping.
            await asyncio.gather(run(two, day, 0, 2, three_at_once),
                                 run(two, day, 1, 2, three_at_once))
        async with two.connect() as conn:
            sizes = (await conn.execute(text(
                "SELECT loans_total FROM daily_cycle_runs WHERE business_date = :d "
                "ORDER BY partition_index"), {"d": DAYS[-1]})).scalars().all()
        assert len(sizes) == 2 and all(s > 0 for s in sizes)
        assert await state_of(two) == await state_of(one)
    finally:
        await one.dispose()
        await two.dispose()


async def test_runs_in_one_process_never_wait_on_each_other_for_pool_connections(
    make_database,
) -> None:
    """Two partitions at once on a pool of two connections, each run needing two (its lock's
    and one batch's). Taken one by one, each run held one and waited for the other's until the
    pool's timeout; a run now takes its whole set at once, so they run one after the other."""
    url, setup = await book(make_database)
    await setup.dispose()
    small = create_engine(url, pool_size=1)  # one connection plus one overflow
    one_batch = DailyCyclePolicy(batch_size=17, batches_in_flight=1)
    try:
        runs = await asyncio.wait_for(
            asyncio.gather(run(small, DAYS[0], 0, 2, one_batch),
                           run(small, DAYS[0], 1, 2, one_batch)),
            timeout=20,
        )
        assert all(progress[-1].run.state.value == "COMPLETED" for progress in runs)
    finally:
        await small.dispose()


async def test_examining_only_the_loans_a_date_can_change_gives_what_examining_all_gives(
    make_database,
) -> None:
    _, candidates = await book(make_database)
    _, everything = await book(make_database)
    every_loan = DailyCyclePolicy(batch_size=17, examine_all_loans=True)
    # Across a month end (Feb 29) and two weeks of March: installments fall due, age, accrue.
    days = [BOOK_DATE + dt.timedelta(days=k) for k in range(16)]
    try:
        for day in days:
            await run(candidates, day)
            await run(everything, day, policy=every_loan)
        async with candidates.connect() as conn:
            examined = dict((await conn.execute(text(
                "SELECT business_date, loans_total FROM daily_cycle_runs"))).all())
        assert examined[dt.date(2024, 2, 29)] == LOANS  # the month-end snapshot takes all
        # Nothing is repaid here, so the loans in arrears grow day by day; still not all.
        assert 0 < examined[days[1]] < LOANS // 2 and examined[days[-1]] < LOANS
        expected = await state_of(everything)
        assert len(expected["events"]) > LOANS // 4 and len(expected["history"]) > 10
        assert await state_of(candidates) == expected
    finally:
        await candidates.dispose()
        await everything.dispose()


async def test_killed_mid_run_and_restarted_ends_like_a_clean_run(make_database) -> None:
    _, clean = await book(make_database)
    url, crashed = await book(make_database)
    try:
        for day in DAYS[:-1]:
            await run(clean, day)
            await run(crashed, day)
        await run(clean, DAYS[-1])
        async with clean.connect() as conn:
            changed = (await conn.execute(text(
                "SELECT loan_id FROM loans WHERE status_as_of = :d ORDER BY loan_id"),
                {"d": DAYS[-1]})).scalars().all()
        assert len(changed) > 12
        # The job's batch holding this loan waits for the row lock taken here: the batches
        # before it commit and the job cannot finish before it is killed, however loaded the
        # machine is (polling for progress alone raced a job that finished between two polls).
        blocker = await crashed.connect()
        held = await blocker.begin()
        await blocker.execute(text("SELECT 1 FROM loans WHERE loan_id = :v FOR UPDATE"),
                              {"v": changed[len(changed) // 2]})
        # A separate process with tiny batches, killed (SIGKILL) once some batches committed.
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitoring.entrypoints.daily_cycle_job",
            "--database-url", url, "--business-date", DAYS[-1].isoformat(),
            "--batch-size", "3",
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
        )
        try:
            deadline = asyncio.get_running_loop().time() + 120
            while True:
                assert process.returncode is None, "the job ended before it was killed"
                assert asyncio.get_running_loop().time() < deadline, "the job never blocked"
                await asyncio.sleep(0.05)
                async with crashed.connect() as conn:
                    done = await conn.scalar(text(
                        "SELECT loans_done FROM daily_cycle_runs WHERE business_date = :d"),
                        {"d": DAYS[-1]}) or 0
                    waiting = await conn.scalar(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'"))
                if done > 0 and waiting > 0:
                    break
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
            await held.rollback()
            await blocker.close()
        async with crashed.connect() as conn:
            status = (await conn.execute(text(
                "SELECT state, loans_done, loans_total FROM daily_cycle_runs "
                "WHERE business_date = :d"), {"d": DAYS[-1]})).one()
        assert status.state == "RUNNING" and 0 < status.loans_done < status.loans_total
        resumed = await run(crashed, DAYS[-1])
        assert resumed[0].loans_done == status.loans_done  # it resumed, not restarted
        assert resumed[-1].run.state.value == "COMPLETED"
        assert await state_of(crashed) == await state_of(clean)
    finally:
        await clean.dispose()
        await crashed.dispose()


async def test_a_failed_batch_fails_the_batch_in_flight_behind_it(make_database) -> None:
    _, clean = await book(make_database)
    _, faulty = await book(make_database)
    day = DAYS[-1]
    try:
        for earlier in DAYS[:-1]:
            await run(clean, earlier)
            await run(faulty, earlier)
        await run(clean, day)
        async with clean.connect() as conn:
            changed = (await conn.execute(text(
                "SELECT loan_id FROM loans WHERE status_as_of = :d ORDER BY loan_id"),
                {"d": day})).scalars().all()
        tiny_batches = DailyCyclePolicy(batch_size=5)
        assert len(changed) > 3 * tiny_batches.batch_size  # several batches; a middle one fails
        victim = changed[len(changed) // 2]
        before = await state_of(faulty)
        async with faulty.begin() as conn:
            await conn.execute(text(
                "CREATE FUNCTION refuse_victim() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF NEW.loan_id = '{victim}' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$"))
            await conn.execute(text(
                "CREATE TRIGGER refuse_victim BEFORE UPDATE ON loans "
                "FOR EACH ROW EXECUTE FUNCTION refuse_victim()"))
        with pytest.raises(Exception, match="refused"):
            await run(faulty, day, policy=tiny_batches)  # in flight: the victim's and the next
        async with faulty.connect() as conn:
            status = (await conn.execute(text(
                "SELECT state, cursor_loan_id, loans_done FROM daily_cycle_runs "
                "WHERE business_date = :d"), {"d": day})).one()
        assert status.state == "FAILED" and status.loans_done > 0
        assert status.cursor_loan_id < victim
        # Nothing past the cursor was written: the batch behind the victim's rolled back too.
        after = await state_of(faulty)
        for table in ("loans", "installments", "history", "alerts"):
            past = 0 if table != "alerts" else 2
            assert ([r for r in after[table] if r[past] > status.cursor_loan_id]
                    == [r for r in before[table] if r[past] > status.cursor_loan_id]), table
        assert ({r for r in after["events"] if r[2] > status.cursor_loan_id}
                == {r for r in before["events"] if r[2] > status.cursor_loan_id})
        async with faulty.begin() as conn:
            await conn.execute(text("DROP TRIGGER refuse_victim ON loans"))
        resumed = await run(faulty, day, policy=tiny_batches)
        assert resumed[0].loans_done == status.loans_done
        assert resumed[-1].run.state.value == "COMPLETED"
        assert await state_of(faulty) == await state_of(clean)
    finally:
        await clean.dispose()
        await faulty.dispose()


async def test_refusals_order_partition_count_and_concurrent_caller(make_database) -> None:
    _, engine = await book(make_database, n=30)
    try:
        await run(engine, DAYS[1])
        with pytest.raises(FailedPrecondition) as earlier:
            await run(engine, DAYS[0])
        assert earlier.value.reason == "BUSINESS_DATE_OUT_OF_ORDER"
        with pytest.raises(FailedPrecondition) as changed:
            await run(engine, DAYS[1], 0, 2)
        assert changed.value.reason == "PARTITION_COUNT_CHANGED"
        # A caller holding the partition's lock makes a second caller refuse.
        from monitoring.service_layer.daily_cycle import _lock_key

        async with engine.connect() as holder:
            await holder.execute(text("SELECT pg_advisory_lock(:k)"),
                                 {"k": _lock_key(DAYS[2], 0)})
            with pytest.raises(FailedPrecondition) as busy:
                await run(engine, DAYS[2])
            assert busy.value.reason == "DAILY_CYCLE_ALREADY_RUNNING"
            await holder.execute(text("SELECT pg_advisory_unlock_all()"))
        progress = await run(engine, DAYS[2])
        assert progress[-1].run.state.value == "COMPLETED"
    finally:
        await engine.dispose()
