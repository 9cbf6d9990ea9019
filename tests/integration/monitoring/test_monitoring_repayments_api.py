"""RepaymentService through a real server and PostgreSQL, with a manual clock: posting
(waterfall, early, late, overpayment under both prepayment rules), idempotency by request_id and
by external transaction id, refusals that write nothing, reversal and backdated posting (the end
state equals posting in order), concurrent postings on one loan, events in the outbox."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import grpc
import pytest
from sqlalchemy import text

from monitoring.entrypoints.app import build_app
from postloan.common.v1 import classification_pb2, money_pb2
from postloan.monitoring.v1 import events_pb2 as m_events
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime.clock import ManualClock
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.telemetry import TelemetryHandle
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.service import service_under_test

pytestmark = pytest.mark.integration

DISBURSED = dt.date(2024, 1, 15)
TABLES = ("repayments", "repayment_allocations", "installments", "outbox", "idempotency_keys")


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def pb_date(day: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock in Shanghai on ``day`` as UTC."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC) - dt.timedelta(hours=8)


@dataclasses.dataclass
class Harness:
    engine: object
    loans: monitoring_pb2_grpc.LoanServiceStub
    repayments: monitoring_pb2_grpc.RepaymentServiceStub
    metadata: tuple[tuple[str, str], ...]
    clock: ManualClock
    restructuring_metadata: tuple[tuple[str, str], ...] = ()

    async def register(
        self, rule=resources_pb2.PREPAYMENT_RULE_SHORTEN_TERM, principal: int = 1_200_000
    ) -> resources_pb2.Loan:
        request = monitoring_pb2.RegisterLoanRequest(
            request_id=str(uuid.uuid4()),
            loan_id=f"L-{uuid.uuid4().hex[:12]}",
            borrower_id="B-0001",
            terms=resources_pb2.LoanTerms(
                product_code="CASH-12M",
                principal=cny(principal),
                annual_rate=money_pb2.DecimalValue(value="0.1800"),
                term_periods=12,
                repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                disbursement_date=pb_date(DISBURSED),
                due_day=15,
                grace_days=3,
                penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
                prepayment_rule=rule,
            ),
        )
        response = await self.loans.RegisterLoan(request, metadata=self.metadata)
        return response.loan

    async def schedule(self, loan_id: str) -> list[resources_pb2.Installment]:
        response = await self.loans.GetLoanSchedule(
            monitoring_pb2.GetLoanScheduleRequest(loan_id=loan_id), metadata=self.metadata
        )
        return list(response.installments)

    def post_request(
        self, loan_id: str, fen: int, day: dt.date, ext: str | None = None, hour: int = 8
    ) -> monitoring_pb2.PostRepaymentRequest:
        request = monitoring_pb2.PostRepaymentRequest(
            request_id=str(uuid.uuid4()),
            loan_id=loan_id,
            amount=cny(fen),
            channel=resources_pb2.REPAYMENT_CHANNEL_APP,
            external_transaction_id=ext or f"TX-{uuid.uuid4().hex[:10]}",
        )
        request.paid_at.FromDatetime(at(day, hour))
        return request

    async def post(
        self, loan_id: str, fen: int, day: dt.date, ext: str | None = None, hour: int = 8
    ) -> monitoring_pb2.PostRepaymentResponse:
        return await self.repayments.PostRepayment(
            self.post_request(loan_id, fen, day, ext, hour), metadata=self.metadata
        )

    async def reverse(self, repayment_id: str) -> monitoring_pb2.ReverseRepaymentResponse:
        return await self.repayments.ReverseRepayment(
            monitoring_pb2.ReverseRepaymentRequest(
                request_id=str(uuid.uuid4()),
                repayment_id=repayment_id,
                reason=resources_pb2.REVERSAL_REASON_BOUNCED,
            ),
            metadata=self.metadata,
        )

    async def counts(self) -> dict[str, int]:
        async with self.engine.connect() as conn:  # type: ignore[attr-defined]
            return {t: int(await conn.scalar(text(f"SELECT count(*) FROM {t}"))) for t in TABLES}

    async def outbox_types(self, loan_id: str) -> list[str]:
        async with self.engine.connect() as conn:  # type: ignore[attr-defined]
            rows = await conn.execute(
                text("SELECT event_type FROM outbox WHERE ordering_key = :k ORDER BY id"),
                {"k": loan_id},
            )
            return [r[0].rsplit(".", 1)[-1] for r in rows]

    async def outbox_payloads(self, loan_id: str, message_type: type) -> list:
        async with self.engine.connect() as conn:  # type: ignore[attr-defined]
            rows = await conn.execute(
                text(
                    "SELECT payload FROM outbox WHERE ordering_key = :k AND event_type = :t"
                    " ORDER BY id"
                ),
                {"k": loan_id, "t": message_type.DESCRIPTOR.full_name},
            )
            return [message_type.FromString(bytes(r[0])) for r in rows]


@pytest.fixture
async def harness(
    make_database: Callable[[str], Awaitable[str]],
    monitoring_keys_dir: Path,
    monitoring_telemetry: TelemetryHandle,
) -> AsyncIterator[Harness]:
    clock = ManualClock.at_business_date(dt.date(2024, 6, 1))
    async with service_under_test(
        "monitoring", lambda: build_app(clock=clock), make_database=make_database,
        keys_dir=monitoring_keys_dir, telemetry=monitoring_telemetry,
    ) as monitoring:
        yield Harness(
            engine=monitoring.engine,
            loans=monitoring_pb2_grpc.LoanServiceStub(monitoring.channel),
            repayments=monitoring_pb2_grpc.RepaymentServiceStub(monitoring.channel),
            metadata=bearer(token_for(monitoring_keys_dir, ["lending_frontend"])),
            clock=clock,
            restructuring_metadata=bearer(
                token_for(monitoring_keys_dir, ["service:restructuring"])
            ),
        )


async def refused(call) -> object:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return decode_error(error.value)


def total(i: resources_pb2.Installment) -> int:
    return i.principal_due.minor_units + i.interest_due.minor_units + i.penalty_due.minor_units


async def test_late_payment_cures_at_posting_and_emits_events(harness: Harness) -> None:
    harness.clock.set_business_date(dt.date(2024, 3, 25))
    loan = await harness.register()
    schedule = await harness.schedule(loan.loan_id)
    # First installment unpaid since 15 February: 39 days past due today (25 March), M2.
    partial = await harness.post(loan.loan_id, 10_000, dt.date(2024, 3, 24))
    assert partial.loan.status.bucket == "M2"
    assert partial.loan.status.days_past_due == 39  # 15 February to today, 25 March
    assert partial.loan.version == 2
    lines = [(a.installment_sequence, a.component) for a in partial.repayment.allocation]
    assert lines == [(1, resources_pb2.ALLOCATION_COMPONENT_INTEREST)]
    owed = total(schedule[0]) + total(schedule[1]) - 10_000
    cured = await harness.post(loan.loan_id, owed, dt.date(2024, 3, 25))
    assert cured.loan.status.bucket == "M0" and cured.loan.status.days_past_due == 0
    assert cured.loan.version == 3
    types = await harness.outbox_types(loan.loan_id)
    assert types == [
        "LoanRegistered",
        "RepaymentPosted",
        "DelinquencyChanged",
        "ClassificationChanged",  # classified at posting too: NORMAL -> SPECIAL_MENTION
        "EarlyWarningRaised",  # the first installment, due, was paid in part only
        "EarlyWarningRaised",  # FIRST_PAYMENT_DEFAULT: the posting aged it from 0 to 39 days
        "RepaymentPosted",
        "LoanCured",
        "ClassificationChanged",  # and back to NORMAL with the cure
    ]
    assert cured.loan.status.classification == classification_pb2.LOAN_CLASSIFICATION_NORMAL
    moves = await harness.outbox_payloads(loan.loan_id, m_events.ClassificationChanged)
    assert [(m.from_classification, m.to_classification) for m in moves] == [
        (classification_pb2.LOAN_CLASSIFICATION_NORMAL,
         classification_pb2.LOAN_CLASSIFICATION_SPECIAL_MENTION),
        (classification_pb2.LOAN_CLASSIFICATION_SPECIAL_MENTION,
         classification_pb2.LOAN_CLASSIFICATION_NORMAL),
    ]
    (changed,) = await harness.outbox_payloads(loan.loan_id, m_events.DelinquencyChanged)
    assert (changed.from_bucket, changed.to_bucket) == ("M0", "M2")
    posted = await harness.outbox_payloads(loan.loan_id, m_events.RepaymentPosted)
    assert list(posted[1].settled_installment_sequences) == [1, 2]
    assert posted[1].loan_version == 3


async def test_early_payment_and_overpayment_under_both_rules(harness: Harness) -> None:
    harness.clock.set_business_date(dt.date(2024, 2, 10))
    for rule in (
        resources_pb2.PREPAYMENT_RULE_SHORTEN_TERM,
        resources_pb2.PREPAYMENT_RULE_REDUCE_INSTALLMENT,
    ):
        loan = await harness.register(rule=rule)
        before = await harness.schedule(loan.loan_id)
        response = await harness.post(
            loan.loan_id, total(before[0]) + 300_000, dt.date(2024, 2, 10)
        )
        assert response.repayment.prepaid_principal.minor_units == 300_000
        assert response.loan.schedule_version == 2
        after = await harness.schedule(loan.loan_id)
        current = [i for i in after if i.schedule_version == 2]
        remaining = sum(i.principal_due.minor_units for i in before[1:]) - 300_000
        assert sum(i.principal_due.minor_units for i in current) == remaining
        if rule == resources_pb2.PREPAYMENT_RULE_SHORTEN_TERM:
            assert len(current) < 11
        else:
            assert len(current) == 11 and total(current[0]) < total(before[1])
        assert after[0].state == resources_pb2.INSTALLMENT_STATE_PAID


async def test_paying_everything_pays_off_and_refuses_further_postings(
    harness: Harness,
) -> None:
    harness.clock.set_business_date(dt.date(2024, 2, 10))
    loan = await harness.register()
    schedule = await harness.schedule(loan.loan_id)
    owed = total(schedule[0]) + sum(i.principal_due.minor_units for i in schedule[1:])
    response = await harness.post(loan.loan_id, owed + 500, dt.date(2024, 2, 10))
    assert response.loan.state == resources_pb2.LOAN_STATE_PAID_OFF
    assert response.repayment.unapplied.minor_units == 500
    assert "LoanPaidOff" in await harness.outbox_types(loan.loan_id)
    (paid_off,) = await harness.outbox_payloads(loan.loan_id, m_events.LoanPaidOff)
    assert paid_off.total_repaid.minor_units == owed
    error = await refused(harness.post(loan.loan_id, 100, dt.date(2024, 2, 10)))
    assert error.reason == "LOAN_NOT_ACTIVE"


async def test_idempotent_by_request_id_and_by_external_transaction_id(
    harness: Harness,
) -> None:
    harness.clock.set_business_date(dt.date(2024, 3, 1))
    loan = await harness.register()
    request = harness.post_request(loan.loan_id, 50_000, dt.date(2024, 2, 15), ext="TX-ONCE")
    first = await harness.repayments.PostRepayment(request, metadata=harness.metadata)
    again = await harness.repayments.PostRepayment(request, metadata=harness.metadata)
    assert again == first
    # Same external id, new request_id: the same posting, nothing new written.
    counts = await harness.counts()
    other = await harness.post(loan.loan_id, 50_000, dt.date(2024, 2, 15), ext="TX-ONCE")
    assert other.repayment.repayment_id == first.repayment.repayment_id
    after = await harness.counts()
    assert after["repayments"] == counts["repayments"] == 1
    assert after["outbox"] == counts["outbox"]
    error = await refused(harness.post(loan.loan_id, 50_001, dt.date(2024, 2, 15), ext="TX-ONCE"))
    assert error.reason == "EXTERNAL_TRANSACTION_ID_CONFLICT"


async def test_invalid_and_refused_postings_write_nothing(harness: Harness) -> None:
    harness.clock.set_business_date(dt.date(2024, 3, 1))
    loan = await harness.register()
    counts = await harness.counts()
    bad = monitoring_pb2.PostRepaymentRequest(
        request_id="nope",
        loan_id="",
        amount=cny(-5),
        external_transaction_id="",
    )
    error = await refused(harness.repayments.PostRepayment(bad, metadata=harness.metadata))
    fields = {v.field for v in error.field_violations}
    assert {
        "request_id",
        "loan_id",
        "amount.minor_units",
        "paid_at",
        "channel",
        "external_transaction_id",
    } <= fields
    future = harness.post_request(loan.loan_id, 100, dt.date(2024, 3, 9))
    error = await refused(harness.repayments.PostRepayment(future, metadata=harness.metadata))
    assert {v.field for v in error.field_violations} == {"paid_at"}
    error = await refused(harness.post(loan.loan_id, 100, dt.date(2024, 1, 14)))
    assert error.reason == "PAID_BEFORE_DISBURSEMENT"
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await harness.post("L-unknown", 100, dt.date(2024, 2, 1))
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    usd = harness.post_request(loan.loan_id, 100, dt.date(2024, 2, 1))
    usd.amount.currency_code = "USD"
    error = await refused(harness.repayments.PostRepayment(usd, metadata=harness.metadata))
    # postloan lends in CNY only: another currency is refused before the database.
    assert {v.field for v in error.field_violations} == {"amount.currency_code"}
    assert await harness.counts() == counts


async def test_a_reversal_note_with_a_personal_number_is_refused(harness: Harness) -> None:
    """The note is stored with the reversal: a mobile or ID number in it is refused (the
    description does not repeat it) and the repayment stays posted."""
    harness.clock.set_business_date(dt.date(2024, 3, 1))
    loan = await harness.register()
    posted = await harness.post(loan.loan_id, 100, dt.date(2024, 2, 1))
    counts = await harness.counts()
    for note in ("bounced, borrower said call 138 1234 5678", "ID 11010519491231002X"):
        request = monitoring_pb2.ReverseRepaymentRequest(
            request_id=str(uuid.uuid4()), repayment_id=posted.repayment.repayment_id,
            reason=resources_pb2.REVERSAL_REASON_BOUNCED, note=note,
        )
        error = await refused(
            harness.repayments.ReverseRepayment(request, metadata=harness.metadata)
        )
        assert [v.field for v in error.field_violations] == ["note"]
        assert not any(ch.isdigit() for v in error.field_violations for ch in v.description)
    assert await harness.counts() == counts


async def _allocations(harness: Harness, loan_id: str) -> dict[str, tuple]:
    listing = await harness.repayments.ListRepayments(
        monitoring_pb2.ListRepaymentsRequest(loan_id=loan_id, page_size=100),
        metadata=harness.metadata,
    )
    return {
        r.external_transaction_id: (
            tuple(
                (a.schedule_version, a.installment_sequence, a.component, a.amount.minor_units)
                for a in r.allocation
            ),
            r.prepaid_principal.minor_units,
            r.unapplied.minor_units,
        )
        for r in listing.repayments
    }


def _ledger(items: list[resources_pb2.Installment]) -> list[tuple]:
    return [
        (
            i.schedule_version,
            i.sequence,
            i.due_date.month,
            i.principal_due.minor_units,
            i.interest_due.minor_units,
            i.principal_paid.minor_units,
            i.interest_paid.minor_units,
            i.state,
        )
        for i in items
    ]


async def test_backdated_posting_and_reversal_equal_posting_in_order(harness: Harness) -> None:
    harness.clock.set_business_date(dt.date(2024, 6, 1))
    payments = [
        ("TX-A", 60_000, dt.date(2024, 2, 14)),
        ("TX-B", 150_000, dt.date(2024, 3, 20)),
        ("TX-C", 260_000, dt.date(2024, 4, 10)),  # overpays: a prepayment
        ("TX-D", 40_000, dt.date(2024, 5, 30)),
    ]
    in_order = await harness.register()
    for ext, fen, day in payments:
        await harness.post(in_order.loan_id, fen, day, ext)
    shuffled = await harness.register()
    for ext, fen, day in [payments[3], payments[0], payments[2], payments[1]]:
        await harness.post(shuffled.loan_id, fen, day, ext)
    assert await _allocations(harness, in_order.loan_id) == await _allocations(
        harness, shuffled.loan_id
    )
    assert _ledger(await harness.schedule(in_order.loan_id)) == _ledger(
        await harness.schedule(shuffled.loan_id)
    )

    # Reversing B equals never having posted it.
    without_b = await harness.register()
    for ext, fen, day in [payments[0], payments[2], payments[3]]:
        await harness.post(without_b.loan_id, fen, day, ext)
    listing = await harness.repayments.ListRepayments(
        monitoring_pb2.ListRepaymentsRequest(loan_id=shuffled.loan_id), metadata=harness.metadata
    )
    b = next(r for r in listing.repayments if r.external_transaction_id == "TX-B")
    reversed_ = await harness.reverse(b.repayment_id)
    assert reversed_.repayment.state == resources_pb2.REPAYMENT_STATE_REVERSED
    assert reversed_.repayment.reversal_reason == resources_pb2.REVERSAL_REASON_BOUNCED
    assert await _allocations(harness, shuffled.loan_id) == await _allocations(
        harness, without_b.loan_id
    )
    assert _ledger(await harness.schedule(shuffled.loan_id)) == _ledger(
        await harness.schedule(without_b.loan_id)
    )
    loan_now = (
        await harness.loans.GetLoan(
            monitoring_pb2.GetLoanRequest(loan_id=shuffled.loan_id), metadata=harness.metadata
        )
    ).loan
    assert loan_now.version == 1 + 4 + 1
    assert loan_now.status.bucket != "M0"  # the bounced payment leaves arrears
    assert "RepaymentReversed" in await harness.outbox_types(shuffled.loan_id)
    (reversal,) = await harness.outbox_payloads(shuffled.loan_id, m_events.RepaymentReversed)
    assert reversal.outstanding_principal == loan_now.status.outstanding.principal
    assert reversal.outstanding_principal.minor_units > 0
    error = await refused(harness.reverse(b.repayment_id))
    assert error.reason == "REPAYMENT_ALREADY_REVERSED"
    got = await harness.repayments.GetRepayment(
        monitoring_pb2.GetRepaymentRequest(repayment_id=b.repayment_id), metadata=harness.metadata
    )
    assert got.repayment.state == resources_pb2.REPAYMENT_STATE_REVERSED
    listing = await harness.repayments.ListRepayments(
        monitoring_pb2.ListRepaymentsRequest(
            loan_id=shuffled.loan_id, include_reversed=True, page_size=2
        ),
        metadata=harness.metadata,
    )
    assert [r.external_transaction_id for r in listing.repayments] == ["TX-D", "TX-C"]
    more = await harness.repayments.ListRepayments(
        monitoring_pb2.ListRepaymentsRequest(
            loan_id=shuffled.loan_id,
            include_reversed=True,
            page_size=2,
            page_token=listing.next_page_token,
        ),
        metadata=harness.metadata,
    )
    assert [r.external_transaction_id for r in more.repayments] == ["TX-B", "TX-A"]
    assert not more.next_page_token


async def test_concurrent_postings_on_one_loan_serialize(harness: Harness) -> None:
    harness.clock.set_business_date(dt.date(2024, 6, 1))
    loan = await harness.register()
    days = [dt.date(2024, 2, 1) + dt.timedelta(days=7 * n) for n in range(8)]
    await asyncio.gather(
        *(harness.post(loan.loan_id, 30_000, day, f"TX-{n}") for n, day in enumerate(days))
    )
    reference = await harness.register()
    for n, day in enumerate(days):
        await harness.post(reference.loan_id, 30_000, day, f"TX-{n}")
    got = await harness.loans.GetLoan(
        monitoring_pb2.GetLoanRequest(loan_id=loan.loan_id), metadata=harness.metadata
    )
    assert got.loan.version == 9
    assert await _allocations(harness, loan.loan_id) == await _allocations(
        harness, reference.loan_id
    )
    assert _ledger(await harness.schedule(loan.loan_id)) == _ledger(
        await harness.schedule(reference.loan_id)
    )


def replacement(
    loan: resources_pb2.Loan,
    outstanding: int,
    *,
    plan_id: str,
    version: int,
    effective: dt.date,
    periods: int = 6,
    waiver: int = 0,
    penalty: int = 0,
) -> monitoring_pb2.ReplaceScheduleRequest:
    """A plan re-scheduling ``outstanding - waiver`` fen interest-free over ``periods`` months,
    with ``penalty`` fen capitalized into the first installment."""
    financed = outstanding - waiver
    part, remaining = financed // periods, financed
    items = []
    for n in range(1, periods + 1):
        principal = part if n < periods else remaining
        remaining -= principal
        first_penalty = penalty if n == 1 else 0
        due = dt.date(
            effective.year + (effective.month + n - 1) // 12, (effective.month + n - 1) % 12 + 1, 15
        )
        items.append(
            resources_pb2.ScheduledInstallment(
                sequence=n,
                due_date=pb_date(due),
                principal=cny(principal),
                interest=cny(0),
                penalty=cny(first_penalty),
                total=cny(principal + first_penalty),
                remaining_principal=cny(remaining),
            )
        )
    return monitoring_pb2.ReplaceScheduleRequest(
        request_id=str(uuid.uuid4()),
        loan_id=loan.loan_id,
        plan_id=plan_id,
        expected_loan_version=version,
        effective_date=pb_date(effective),
        annual_rate=money_pb2.DecimalValue(value="0.0000"),
        installments=items,
        principal_waiver=cny(waiver),
        interest_waiver=cny(0),
        breach_days_past_due=30,
    )


async def test_replace_schedule_applies_once_and_refuses_stale_quotes(harness: Harness) -> None:
    harness.clock.set_business_date(dt.date(2024, 5, 1))
    loan = await harness.register()
    # Three installments in arrears since 15 February: M3 at the posting of a small payment
    # (it goes to interest, so the principal is still all outstanding).
    partial = await harness.post(loan.loan_id, 1_000, dt.date(2024, 5, 1), ext="TX-small")
    assert partial.loan.status.bucket == "M3"
    outstanding = loan.terms.principal.minor_units
    stale = replacement(
        loan, outstanding, plan_id="P-stale", version=99, effective=dt.date(2024, 5, 1)
    )
    error = await refused(
        harness.loans.ReplaceSchedule(stale, metadata=harness.restructuring_metadata)
    )
    assert error.reason == "LOAN_CHANGED_SINCE_QUOTE"
    wrong = replacement(
        loan, outstanding - 1, plan_id="P-wrong", version=2, effective=dt.date(2024, 5, 1)
    )
    error = await refused(
        harness.loans.ReplaceSchedule(wrong, metadata=harness.restructuring_metadata)
    )
    assert error.reason == "SCHEDULE_PRINCIPAL_MISMATCH"
    too_much = replacement(
        loan,
        outstanding,
        plan_id="P-waive",
        version=2,
        effective=dt.date(2024, 5, 1),
        waiver=outstanding + 1,
    )
    error = await refused(
        harness.loans.ReplaceSchedule(too_much, metadata=harness.restructuring_metadata)
    )
    assert error.field_violations or error.reason == "WAIVER_EXCEEDS_OUTSTANDING"

    request = replacement(
        loan, outstanding, plan_id="P-1", version=2, effective=dt.date(2024, 5, 1), waiver=100_000
    )
    applied = await harness.loans.ReplaceSchedule(request, metadata=harness.restructuring_metadata)
    assert not applied.already_applied
    assert applied.loan.schedule_version == 2 and applied.loan.version == 3
    assert applied.loan.status.bucket == "M0"
    assert [r.plan_id for r in applied.loan.restructurings] == ["P-1"]
    assert sum(i.principal_due.minor_units for i in applied.installments) == outstanding - 100_000
    types = await harness.outbox_types(loan.loan_id)
    # Classified by days past due until restructuring's floor arrives on its feed.
    assert types[-3:] == ["ScheduleReplaced", "LoanCured", "ClassificationChanged"]
    (cured,) = await harness.outbox_payloads(loan.loan_id, m_events.LoanCured)
    assert cured.from_bucket == "M3" and cured.plan_id == "P-1"

    # A repeat of the plan (new request_id, the loan moved on) returns the stored result.
    await harness.post(loan.loan_id, 1_000, dt.date(2024, 5, 1))
    repeat = monitoring_pb2.ReplaceScheduleRequest()
    repeat.CopyFrom(request)
    repeat.request_id = str(uuid.uuid4())
    again = await harness.loans.ReplaceSchedule(repeat, metadata=harness.restructuring_metadata)
    assert again.already_applied and again.installments == applied.installments
    conflict = replacement(
        loan, outstanding, plan_id="P-1", version=4, effective=dt.date(2024, 5, 1)
    )
    error = await refused(
        harness.loans.ReplaceSchedule(conflict, metadata=harness.restructuring_metadata)
    )
    assert error.reason == "PLAN_ID_CONFLICT"

    schedule = (
        await harness.loans.GetLoanSchedule(
            monitoring_pb2.GetLoanScheduleRequest(loan_id=loan.loan_id, include_superseded=True),
            metadata=harness.metadata,
        )
    ).installments
    assert sum(1 for i in schedule if i.state == resources_pb2.INSTALLMENT_STATE_SUPERSEDED) == 12
    # The early payment went to the plan's first installment (history of version 1 kept).
    current = [i for i in schedule if i.schedule_version == 2]
    assert current[0].principal_paid.minor_units == 1_000
    async with harness.engine.connect() as conn:  # type: ignore[attr-defined]
        threshold = await conn.scalar(
            text("SELECT breach_days_past_due FROM loans WHERE loan_id = :l"),
            {"l": loan.loan_id},
        )
    assert threshold == 30
