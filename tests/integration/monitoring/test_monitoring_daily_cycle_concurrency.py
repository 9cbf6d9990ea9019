"""The daily cycle against a repayment posting on the same loan, on real PostgreSQL: a posting
that commits while a cycle batch waits for it is seen by the batch, which then writes nothing
of its own over the paid installment (no stale state, days past due or penalty)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from monitoring.domain.loans import LoanTerms, RepaymentMethod
from monitoring.domain.repayments import RepaymentChannel
from monitoring.service_layer import loans as loan_use_cases
from monitoring.service_layer import repayments as repayment_use_cases
from monitoring.service_layer.daily_cycle import DailyCyclePolicy, run_daily_cycle
from monitoring.service_layer.loans import RegisterLoanCommand
from monitoring.service_layer.repayments import PostRepaymentCommand
from postloan.monitoring.v1 import monitoring_pb2
from postloan_runtime import unit_of_work
from postloan_runtime.clock import ManualClock
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head

pytestmark = pytest.mark.integration

DISBURSED = dt.date(2024, 1, 15)  # installment 1 falls due on 15 February
TERMS = LoanTerms("CASH", 1_200_000, "CNY", Decimal("0.18"), 12,
                  RepaymentMethod.EQUAL_INSTALLMENT, DISBURSED, 15, 0, Decimal("0.06"))


async def cycle(engine: AsyncEngine, day: dt.date) -> None:
    clock = ManualClock.at_business_date(day, hour=23)
    async for _ in run_daily_cycle(engine, day, 0, 1, clock=clock, policy=DailyCyclePolicy()):
        pass


async def installment(engine: AsyncEngine, loan_id: str, sequence: int) -> dict:
    async with engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT state, days_past_due, principal_due_fen - principal_paid_fen AS principal, "
            "penalty_due_fen, penalty_paid_fen FROM installments "
            "WHERE loan_id = :l AND sequence = :s"), {"l": loan_id, "s": sequence})).one()
    return dict(row._mapping)


async def wait_until_blocked(engine: AsyncEngine) -> None:
    """Until a session of this database waits for a lock (the cycle, on the posting's)."""
    for _ in range(1000):
        async with engine.connect() as conn:
            waiting = await conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"))
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the daily cycle never waited for the posting")


async def test_a_posting_committing_while_a_batch_waits_for_it_is_not_overwritten(
    make_database, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await make_database("monitoring")
    await asyncio.to_thread(upgrade_head, "monitoring", url)
    engine = create_engine(url, pool_size=5)
    try:
        register = monitoring_pb2.RegisterLoanRequest(request_id=str(uuid.uuid4()), loan_id="L-1")
        await loan_use_cases.register(
            engine, RegisterLoanCommand(register.request_id, "L-1", "B-1", None, TERMS),
            register, clock=ManualClock.at_business_date(DISBURSED))
        # Installment 1 in arrears with a day of penalty (16 February).
        for day in (dt.date(2024, 2, 15), dt.date(2024, 2, 16)):
            await cycle(engine, day)
        owed = await installment(engine, "L-1", 1)
        assert owed["state"] == "OVERDUE" and owed["penalty_due_fen"] > 0
        async with engine.connect() as conn:
            amount = await conn.scalar(text(
                "SELECT principal_due_fen + interest_due_fen + penalty_due_fen FROM installments "
                "WHERE loan_id = 'L-1' AND sequence = 1"))

        # The posting of 17 February holds its commit until the cycle of that date waits on it.
        day = dt.date(2024, 2, 17)
        written, release = asyncio.Event(), asyncio.Event()
        commit = unit_of_work.UnitOfWork.commit

        async def held_commit(self: unit_of_work.UnitOfWork) -> None:
            written.set()
            await release.wait()
            await commit(self)

        monkeypatch.setattr(unit_of_work.UnitOfWork, "commit", held_commit)
        request = monitoring_pb2.PostRepaymentRequest(request_id=str(uuid.uuid4()), loan_id="L-1")
        command = PostRepaymentCommand(
            request.request_id, "L-1", amount, "CNY", dt.datetime(2024, 2, 17, 2, tzinfo=dt.UTC),
            RepaymentChannel.APP, "TX-1")
        posting = asyncio.create_task(repayment_use_cases.post_repayment(
            engine, command, request, clock=ManualClock.at_business_date(day, hour=10)))
        await asyncio.wait_for(written.wait(), 30)
        running = asyncio.create_task(cycle(engine, day))
        try:
            await wait_until_blocked(engine)
        finally:
            release.set()
        posted = await asyncio.wait_for(posting, 30)
        await asyncio.wait_for(running, 30)

        assert posted.loan.status.days_past_due == 0
        paid = await installment(engine, "L-1", 1)
        # Paid as the posting left it: no ageing and no penalty on the repaid principal.
        assert paid == {"state": "PAID", "days_past_due": 0, "principal": 0,
                        "penalty_due_fen": owed["penalty_due_fen"],
                        "penalty_paid_fen": owed["penalty_due_fen"]}
        async with engine.connect() as conn:
            loan = (await conn.execute(text(
                "SELECT days_past_due, bucket, classification FROM loans WHERE loan_id = 'L-1'"
            ))).one()
        assert tuple(loan) == (0, "M0", "NORMAL")
        # The next day's cycle finds nothing to do on it either.
        await cycle(engine, dt.date(2024, 2, 18))
        assert await installment(engine, "L-1", 1) == paid
    finally:
        await engine.dispose()
