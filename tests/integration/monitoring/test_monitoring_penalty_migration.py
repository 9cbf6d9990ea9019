"""Migration 0010 on a book with penalty accrued the old way: every fen already owed stays owed,
principal-days start where that accrual stopped, and the next daily cycle adds only the new
days, rounded once on their total."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import text

from monitoring.domain.delinquency import effective_penalty_rate, penalty_for_days
from monitoring.service_layer.daily_cycle import run_daily_cycle
from monitoring.testing.synthetic_book import generate_book
from postloan_runtime.clock import ManualClock
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import alembic_config, upgrade_head

pytestmark = pytest.mark.integration

BOOK_DATE = dt.date(2024, 5, 10)


async def test_penalty_accrued_before_0010_stays_owed_and_accrual_continues(
    make_database,
) -> None:
    url = await make_database("monitoring")
    await asyncio.to_thread(command.upgrade, alembic_config("monitoring", url), "0009")
    engine = create_engine(url, pool_size=3)
    try:
        async with engine.begin() as conn:
            await generate_book(conn, 60, as_of=BOOK_DATE, overdue_percent=30)
            # Penalty as the old cycle left it: some amount, accrued through the day before.
            await conn.execute(text(
                "UPDATE installments SET penalty_due_fen = 1000 + sequence,"
                " penalty_accrued_through = CAST(:through AS date)"
                " WHERE state <> 'PAID' AND due_date + 3 < CAST(:through AS date)"),
                {"through": BOOK_DATE - dt.timedelta(days=1)})
            legacy = (await conn.execute(text(
                "SELECT loan_id, sequence, penalty_due_fen, principal_due_fen - principal_paid_fen"
                " FROM installments WHERE penalty_accrued_through IS NOT NULL"))).all()
        assert len(legacy) > 5
        await asyncio.to_thread(upgrade_head, "monitoring", url)
        async with engine.connect() as conn:
            migrated = {(r[0], r[1]): r[2:] for r in (await conn.execute(text(
                "SELECT loan_id, sequence, penalty_due_fen, penalty_principal_days,"
                " penalty_days_from FROM installments"
                " WHERE penalty_accrued_through IS NOT NULL"))).all()}
        through = BOOK_DATE - dt.timedelta(days=1)
        assert migrated == {(loan, seq): (due, 0, through) for loan, seq, due, _ in legacy}

        clock = ManualClock(dt.datetime(2024, 5, 11, 1, tzinfo=dt.UTC))
        async for _ in run_daily_cycle(engine, BOOK_DATE, 0, 1, clock=clock):
            pass
        async with engine.connect() as conn:
            after = {(r[0], r[1]): r[2:] for r in (await conn.execute(text(
                "SELECT loan_id, sequence, penalty_due_fen, penalty_principal_days"
                " FROM installments WHERE penalty_days_from IS NOT NULL"))).all()}
        rate = effective_penalty_rate(Decimal("0.09"), Decimal("0.18"), Decimal("0.24"))
        assert after == {
            (loan, seq): (due + penalty_for_days(unpaid, rate, 1), unpaid)
            for loan, seq, due, unpaid in legacy
        }
    finally:
        await engine.dispose()
