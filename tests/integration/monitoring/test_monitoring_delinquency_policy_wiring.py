"""The deployment's arrears tolerance and bucket set (environment) reach every path that ages a
loan, through the real app: postings, reversals and ReplaceSchedule give the days past due and
bucket codes the daily cycle gives, and the cycle then finds nothing to correct."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from monitoring.entrypoints.app import build_app
from monitoring.entrypoints.daily_cycle import BUCKETS_ENV, TOLERANCE_ENV
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as m_events
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime.clock import ManualClock
from postloan_runtime.telemetry import TelemetryHandle
from postloan_runtime.testing.service import ServiceUnderTest, service_under_test

pytestmark = pytest.mark.integration

DISBURSED = dt.date(2024, 1, 15)  # installment 1 falls due on 15 February, 3 days' grace
# No tolerance and bucket codes unlike the defaults (M0..M7+, 100 fen).
BUCKETS = "C:0,X1:1,X2:31,X3+:61"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def pb_date(day: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


@dataclasses.dataclass
class Configured:
    service: ServiceUnderTest
    clock: ManualClock
    loans: monitoring_pb2_grpc.LoanServiceStub
    repayments: monitoring_pb2_grpc.RepaymentServiceStub
    cycle: monitoring_pb2_grpc.DailyCycleServiceStub
    metadata: tuple[tuple[str, str], ...]

    async def register(self) -> str:
        loan_id = f"L-{uuid.uuid4().hex[:12]}"
        await self.loans.RegisterLoan(monitoring_pb2.RegisterLoanRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id="B-1",
            terms=resources_pb2.LoanTerms(
                product_code="CASH-12M", principal=cny(1_200_000),
                annual_rate=money_pb2.DecimalValue(value="0.1800"), term_periods=12,
                repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                disbursement_date=pb_date(DISBURSED), due_day=15, grace_days=3,
                penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
            ),
        ), metadata=self.metadata)
        return loan_id

    async def first_installment(self, loan_id: str) -> int:
        schedule = await self.loans.GetLoanSchedule(
            monitoring_pb2.GetLoanScheduleRequest(loan_id=loan_id), metadata=self.metadata)
        first = schedule.installments[0]
        return first.principal_due.minor_units + first.interest_due.minor_units

    async def post(self, loan_id: str, fen: int, day: dt.date,
                   hour: int = 7) -> monitoring_pb2.PostRepaymentResponse:
        """Paid at ``hour`` o'clock in Shanghai (the clock stands at 9)."""
        request = monitoring_pb2.PostRepaymentRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, amount=cny(fen),
            channel=resources_pb2.REPAYMENT_CHANNEL_APP,
            external_transaction_id=f"TX-{uuid.uuid4().hex[:10]}",
        )
        request.paid_at.FromDatetime(dt.datetime(day.year, day.month, day.day, hour,
                                                 tzinfo=SHANGHAI))
        return await self.repayments.PostRepayment(request, metadata=self.metadata)

    async def run_cycle(self, day: dt.date) -> None:
        async for _ in self.cycle.RunDailyCycle(
            monitoring_pb2.RunDailyCycleRequest(
                request_id=str(uuid.uuid4()), business_date=pb_date(day)),
            metadata=self.service.metadata("operator"),
        ):
            pass

    async def status(self, loan_id: str) -> tuple[int, str]:
        loan = (await self.loans.GetLoan(
            monitoring_pb2.GetLoanRequest(loan_id=loan_id), metadata=self.metadata)).loan
        return loan.status.days_past_due, loan.status.bucket


@contextlib.asynccontextmanager
async def monitoring_with(
    buckets: str,
    make_database: Callable[[str], Awaitable[str]],
    keys_dir: Path,
    telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Configured]:
    """Monitoring through its real app with no arrears tolerance and the bucket set
    ``buckets``, its clock at 15 February 2024."""
    monkeypatch.setenv(TOLERANCE_ENV, "0")
    monkeypatch.setenv(BUCKETS_ENV, buckets)
    clock = ManualClock.at_business_date(dt.date(2024, 2, 15))
    async with service_under_test(
        "monitoring", lambda: build_app(clock=clock), make_database=make_database,
        keys_dir=keys_dir, telemetry=telemetry,
    ) as service:
        yield Configured(
            service=service, clock=clock,
            loans=monitoring_pb2_grpc.LoanServiceStub(service.channel),
            repayments=monitoring_pb2_grpc.RepaymentServiceStub(service.channel),
            cycle=monitoring_pb2_grpc.DailyCycleServiceStub(service.channel),
            metadata=service.metadata("lending_frontend"),
        )


@pytest.fixture
async def configured(
    make_database: Callable[[str], Awaitable[str]],
    monitoring_keys_dir: Path,
    monitoring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Configured]:
    async with monitoring_with(BUCKETS, make_database, monitoring_keys_dir,
                               monitoring_telemetry, monkeypatch) as configured:
        yield configured


async def test_postings_and_reversals_age_loans_as_the_daily_cycle_does(
    configured: Configured,
) -> None:
    due = dt.date(2024, 2, 15)
    posted, reversed_, cycled = [await configured.register() for _ in range(3)]
    owed = await configured.first_installment(posted)
    # All three 50 fen short on the due date; the reversal's loan then pays the 50 fen.
    for loan_id in (posted, reversed_, cycled):
        await configured.post(loan_id, owed - 50, due)
    rest = await configured.post(reversed_, 50, due, hour=8)
    assert rest.loan.status.days_past_due == 0

    # Ten days later: 50 fen (less 1 paid now) is past due with no tolerance, bucket X1 of 1-30.
    today = dt.date(2024, 2, 25)
    configured.clock.set_business_date(today)
    posting = await configured.post(posted, 1, today)
    reversal = await configured.repayments.ReverseRepayment(
        monitoring_pb2.ReverseRepaymentRequest(
            request_id=str(uuid.uuid4()), repayment_id=rest.repayment.repayment_id,
            reason=resources_pb2.REVERSAL_REASON_BOUNCED,
        ), metadata=configured.metadata)
    await configured.run_cycle(today)
    expected = (10, "X1")
    assert await configured.status(cycled) == expected
    for response in (posting, reversal):
        status = response.loan.status
        assert (status.days_past_due, status.bucket) == expected
    # The cycle agreed with what the posting and the reversal stored.
    assert await configured.status(posted) == expected
    assert await configured.status(reversed_) == expected


async def test_replace_schedule_buckets_by_the_configured_set(configured: Configured) -> None:
    today = dt.date(2024, 5, 1)
    configured.clock.set_business_date(today)
    loan_id = await configured.register()
    # Three installments in arrears since 15 February (76 days): X3+. The payment goes to
    # interest, so the whole principal is still outstanding.
    partial = await configured.post(loan_id, 1_000, today)
    assert (partial.loan.status.days_past_due, partial.loan.status.bucket) == (76, "X3+")
    principal, periods, items = 1_200_000, 6, []
    for n in range(1, periods + 1):
        part = principal // periods if n < periods else principal - (periods - 1) * (
            principal // periods)
        items.append(resources_pb2.ScheduledInstallment(
            sequence=n, due_date=pb_date(dt.date(2024, 5 + n, 15)), principal=cny(part),
            interest=cny(0), penalty=cny(0), total=cny(part),
            remaining_principal=cny(principal - n * (principal // periods) if n < periods else 0),
        ))
    applied = await configured.loans.ReplaceSchedule(monitoring_pb2.ReplaceScheduleRequest(
        request_id=str(uuid.uuid4()), loan_id=loan_id, plan_id="P-1",
        expected_loan_version=partial.loan.version, effective_date=pb_date(today),
        annual_rate=money_pb2.DecimalValue(value="0.0000"), installments=items,
        principal_waiver=cny(0), interest_waiver=cny(0), breach_days_past_due=30,
    ), metadata=configured.service.metadata("service:restructuring"))
    assert (applied.loan.status.days_past_due, applied.loan.status.bucket) == (0, "C")
    async with configured.service.engine.connect() as conn:
        cured = [m_events.LoanCured.FromString(bytes(p)) for p in (await conn.execute(text(
            "SELECT payload FROM outbox WHERE ordering_key = :k AND event_type = :t"),
            {"k": loan_id, "t": m_events.LoanCured.DESCRIPTOR.full_name})).scalars()]
    assert [c.from_bucket for c in cured] == ["X3+"]
    await configured.run_cycle(today)
    assert await configured.status(loan_id) == (0, "C")


async def test_a_new_loan_starts_in_the_configured_current_bucket(configured: Configured) -> None:
    """Registered in the set's first bucket (C here), so its first cycle records no move."""
    loan_id = await configured.register()
    assert await configured.status(loan_id) == (0, "C")
    await configured.run_cycle(dt.date(2024, 2, 15))
    async with configured.service.engine.connect() as conn:
        history = (await conn.execute(text(
            "SELECT count(*) FROM bucket_history WHERE loan_id = :k"), {"k": loan_id})).scalar()
    assert history == 0
    assert await configured.status(loan_id) == (0, "C")


async def test_a_current_bucket_spanning_days_cures_at_posting_with_its_days(
    make_database: Callable[[str], Awaitable[str]],
    monitoring_keys_dir: Path,
    monitoring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a current bucket of 0-4 days, paying the oldest installment while the next is 4
    days late moves the loan into it: LoanCured names the bucket and the 4 days."""
    async with monitoring_with("C:0,X1:5,X2:31,X3+:61", make_database, monitoring_keys_dir,
                               monitoring_telemetry, monkeypatch) as configured:
        loan_id = await configured.register()
        owed = await configured.first_installment(loan_id)
        await configured.post(loan_id, owed - 50, dt.date(2024, 2, 15))
        today = dt.date(2024, 3, 19)  # installment 2 (15 March) is 4 days late, past grace
        configured.clock.set_business_date(today)
        await configured.run_cycle(today)
        assert await configured.status(loan_id) == (33, "X2")
        paid = await configured.post(loan_id, 50, today)
        assert (paid.loan.status.days_past_due, paid.loan.status.bucket) == (4, "C")
        async with configured.service.engine.connect() as conn:
            cured = [m_events.LoanCured.FromString(bytes(p)) for p in (await conn.execute(text(
                "SELECT payload FROM outbox WHERE ordering_key = :k AND event_type = :t"),
                {"k": loan_id, "t": m_events.LoanCured.DESCRIPTOR.full_name})).scalars()]
        assert [(c.from_bucket, c.to_bucket, c.days_past_due) for c in cured] == [
            ("X2", "C", 4)]
