"""Penalty by value date through the real gRPC API (RegisterLoan, PostRepayment,
ReverseRepayment, RunDailyCycle, GetLoanSchedule, GetLoan), with a manual clock: a repayment
reported after the daily cycles ran leaves the loan exactly as the same repayment posted on its
value date before those cycles; a reversal leaves it as if the payment had never been posted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from monitoring_harness import cny, pb_date

from monitoring.entrypoints.app import build_app
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime.clock import ManualClock
from postloan_runtime.telemetry import TelemetryHandle
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.service import service_under_test

pytestmark = pytest.mark.integration

DISBURSED = dt.date(2024, 1, 15)
FIRST_DUE = dt.date(2024, 2, 15)  # grace 3 days: penalty accrues from the cycle of Feb 19
FIRST_CYCLE = dt.date(2024, 2, 14)
LAST_CYCLE = dt.date(2024, 3, 11)  # across Feb 29 (leap day, month end)


# Every loan of a test has these terms (the pairs compared must be alike).
TERMS = resources_pb2.LoanTerms(
    product_code="CASH-12M", principal=cny(1_234_567),
    annual_rate=money_pb2.DecimalValue(value="0.1500"), term_periods=12,
    repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
    disbursement_date=pb_date(DISBURSED), due_day=15, grace_days=3,
    # Capped at 0.24 - 0.15 = 0.09 (the rate cap applies).
    penalty_annual_rate=money_pb2.DecimalValue(value="0.1000"),
)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


@dataclasses.dataclass
class World:
    loans: monitoring_pb2_grpc.LoanServiceStub
    repayments: monitoring_pb2_grpc.RepaymentServiceStub
    cycle: monitoring_pb2_grpc.DailyCycleServiceStub
    metadata: tuple[tuple[str, str], ...]
    clock: ManualClock

    async def register(self) -> str:
        loan_id = f"L-{uuid.uuid4().hex[:12]}"
        await self.loans.RegisterLoan(monitoring_pb2.RegisterLoanRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id="B-PEN-1", terms=TERMS,
        ), metadata=self.metadata)
        return loan_id

    async def run_cycle(self, day: dt.date) -> None:
        self.clock.set_business_date(day)
        progress = [m async for m in self.cycle.RunDailyCycle(
            monitoring_pb2.RunDailyCycleRequest(
                request_id=str(uuid.uuid4()), business_date=pb_date(day)),
            metadata=self.metadata,
        )]
        assert progress[-1].run.state == resources_pb2.DAILY_CYCLE_RUN_STATE_COMPLETED

    async def post(self, loan_id: str, fen: int, value_date: dt.date, ext: str) -> str:
        request = monitoring_pb2.PostRepaymentRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, amount=cny(fen),
            channel=resources_pb2.REPAYMENT_CHANNEL_BANK_TRANSFER, external_transaction_id=ext,
        )
        # 08:00 in Shanghai on the value date (the clock stands at 09:00).
        request.paid_at.FromDatetime(
            dt.datetime(value_date.year, value_date.month, value_date.day, tzinfo=dt.UTC))
        response = await self.repayments.PostRepayment(request, metadata=self.metadata)
        return response.repayment.repayment_id

    async def reverse(self, repayment_id: str) -> None:
        await self.repayments.ReverseRepayment(monitoring_pb2.ReverseRepaymentRequest(
            request_id=str(uuid.uuid4()), repayment_id=repayment_id,
            reason=resources_pb2.REVERSAL_REASON_BOUNCED,
        ), metadata=self.metadata)

    async def schedule(self, loan_id: str) -> list[resources_pb2.Installment]:
        response = await self.loans.GetLoanSchedule(
            monitoring_pb2.GetLoanScheduleRequest(loan_id=loan_id), metadata=self.metadata)
        return list(response.installments)

    async def owed(self, loan_id: str, sequence: int = 1) -> int:
        """What installment ``sequence`` still owes (fen)."""
        i = (await self.schedule(loan_id))[sequence - 1]
        return (i.principal_due.minor_units + i.interest_due.minor_units
                + i.penalty_due.minor_units - i.principal_paid.minor_units
                - i.interest_paid.minor_units - i.penalty_paid.minor_units)

    async def state(self, loan_id: str) -> tuple[list[resources_pb2.Installment], object]:
        """The whole schedule and the loan's status (its date aside), to compare to the fen."""
        loan = (await self.loans.GetLoan(
            monitoring_pb2.GetLoanRequest(loan_id=loan_id), metadata=self.metadata)).loan
        status = loan.status
        status.ClearField("as_of")
        return await self.schedule(loan_id), status


@pytest.fixture
async def world(
    make_database: Callable[[str], Awaitable[str]],
    monitoring_keys_dir: Path,
    monitoring_telemetry: TelemetryHandle,
) -> AsyncIterator[World]:
    clock = ManualClock.at_business_date(FIRST_CYCLE)
    async with service_under_test(
        "monitoring", lambda: build_app(clock=clock), make_database=make_database,
        keys_dir=monitoring_keys_dir, telemetry=monitoring_telemetry,
    ) as monitoring:
        yield World(
            loans=monitoring_pb2_grpc.LoanServiceStub(monitoring.channel),
            repayments=monitoring_pb2_grpc.RepaymentServiceStub(monitoring.channel),
            cycle=monitoring_pb2_grpc.DailyCycleServiceStub(monitoring.channel),
            metadata=bearer(token_for(monitoring_keys_dir, ["lending_frontend", "operator"])),
            clock=clock,
        )


# (value date, how much of installment 1's arrears as of that date is left unpaid: 0 cures it)
CASES = [
    (dt.date(2024, 2, 21), 0),  # after the grace period, in full
    (dt.date(2024, 2, 21), 40_000),  # after the grace period, in part: accrual goes on
    (dt.date(2024, 2, 17), 35_000),  # within the grace period, in part
    (dt.date(2024, 3, 2), 50),  # leaves arrears within the tolerance: accrual stops
]


async def test_a_repayment_reported_late_equals_posting_it_on_its_value_date(
    world: World,
) -> None:
    on_time = [await world.register() for _ in CASES]
    late = [await world.register() for _ in CASES]
    amounts: dict[int, int] = {}
    for day in days(FIRST_CYCLE, LAST_CYCLE):
        world.clock.set_business_date(day)
        for n, (value_date, short) in enumerate(CASES):
            if day == value_date:  # posted that day, before its cycle runs
                amounts[n] = await world.owed(on_time[n]) - short
                await world.post(on_time[n], amounts[n], value_date, f"TX-{n}")
        await world.run_cycle(day)
    # Reported after the cycles ran: same amount, same value date.
    reported = LAST_CYCLE + dt.timedelta(days=1)
    world.clock.set_business_date(reported)
    for n, (value_date, _) in enumerate(CASES):
        await world.post(late[n], amounts[n], value_date, f"TX-{n}")
    await world.run_cycle(reported)

    for n, (_, short) in enumerate(CASES):
        expected = await world.state(on_time[n])
        assert await world.state(late[n]) == expected, CASES[n]
        schedule, status = expected
        assert schedule[0].penalty_due.minor_units > 0
        assert (status.days_past_due == 0) == (short <= 100), CASES[n]  # type: ignore[attr-defined]


async def test_reversing_a_bounced_payment_equals_never_posting_it(world: World) -> None:
    bounced_full, bounced_part, bounced_first = [await world.register() for _ in range(3)]
    never, only_second = await world.register(), await world.register()
    bounce_date, second_date = dt.date(2024, 2, 21), dt.date(2024, 2, 27)
    bounced: list[str] = []
    for day in days(FIRST_CYCLE, LAST_CYCLE):
        world.clock.set_business_date(day)
        if day == bounce_date:
            owed = await world.owed(bounced_full)
            bounced.append(await world.post(bounced_full, owed, day, "TX-FULL"))
            bounced.append(await world.post(bounced_part, owed - 40_000, day, "TX-PART"))
            bounced.append(await world.post(bounced_first, owed - 40_000, day, "TX-FIRST"))
        if day == second_date:
            # Paid on the same day by the loan that kept its first payment and by the one
            # that never made it: with the first bounced, these must end alike.
            await world.post(bounced_first, 30_000, day, "TX-SECOND")
            await world.post(only_second, 30_000, day, "TX-SECOND")
        await world.run_cycle(day)
    reported = LAST_CYCLE + dt.timedelta(days=1)
    world.clock.set_business_date(reported)
    for repayment_id in bounced:
        await world.reverse(repayment_id)
    await world.run_cycle(reported)

    expected_never = await world.state(never)
    assert await world.state(bounced_full) == expected_never
    assert await world.state(bounced_part) == expected_never
    assert await world.state(bounced_first) == await world.state(only_second)
    assert expected_never[1].days_past_due == (reported - FIRST_DUE).days  # type: ignore[attr-defined]
