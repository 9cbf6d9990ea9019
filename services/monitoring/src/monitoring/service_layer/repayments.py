"""Repayment use cases: post, reverse (one unit of work each: the loan row locked first, the
allocation, the installments, the loan's status and version, the idempotency record and the
events commit together) and the reads.

A posting that sorts after every other posted repayment of the loan (by paid_at, then external
transaction id) is one step of the allocation fold; a backdated posting or a reversal replays
the fold from the base schedule, so the end state is the one of posting in paid-at order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from google.protobuf.message import Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from monitoring.adapters import protobuf
from monitoring.adapters.repayment_protobuf import CHANNEL_TO_PROTO, REVERSAL_REASON_TO_PROTO
from monitoring.adapters.repayment_protobuf import repayment_to_proto as _repayment_pb
from monitoring.adapters.repayments import BucketMove, RepaymentRepository, write_settlement
from monitoring.adapters.repository import LoanRepository
from monitoring.adapters.tables import daily_cycle_runs, loans, repayments
from monitoring.domain.delinquency import DelinquencyPolicy, effective_penalty_rate
from monitoring.domain.early_warning import EarlyWarningPolicy
from monitoring.domain.loans import Classification, Installment, Loan, LoanState, status_figures
from monitoring.domain.penalty import PenaltyAccrual
from monitoring.domain.repayments import (
    DEFAULT_WATERFALL,
    Component,
    Delinquency,
    LedgerState,
    PaymentOutcome,
    Repayment,
    RepaymentChannel,
    RepaymentReasons,
    RepaymentState,
    ReversalReason,
    ScheduleContext,
    Waterfall,
    apply_payment,
    delinquency_of,
    replay,
    with_states,
)
from monitoring.service_layer.early_warning import raise_repayment_alerts
from postloan.monitoring.v1 import events_pb2, monitoring_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto, timestamp_to_proto
from postloan_runtime.unit_of_work import UnitOfWork

POST_METHOD = "/postloan.monitoring.v1.RepaymentService/PostRepayment"
REVERSE_METHOD = "/postloan.monitoring.v1.RepaymentService/ReverseRepayment"


@dataclass(frozen=True)
class RepaymentPolicy:
    """Deployment settings of repayment posting."""

    waterfall: Waterfall = DEFAULT_WATERFALL
    delinquency: DelinquencyPolicy = field(default_factory=DelinquencyPolicy)
    early_warning: EarlyWarningPolicy = field(default_factory=EarlyWarningPolicy)


@dataclass(frozen=True)
class PostRepaymentCommand:
    request_id: str
    loan_id: str
    amount_fen: int
    currency: str
    paid_at: dt.datetime
    channel: RepaymentChannel
    external_transaction_id: str


@dataclass(frozen=True)
class ReverseRepaymentCommand:
    request_id: str
    repayment_id: str
    reason: ReversalReason
    note: str | None


def schedule_context(loan: Loan) -> ScheduleContext:
    """What prepayments on ``loan`` rebuild with: its current rate and method, and the interest
    start of its base schedule (disbursement, or the restructuring's effective date)."""
    start = loan.terms.disbursement_date
    for item in loan.restructurings:
        if item.schedule_version == loan.base_schedule_version:
            start = item.effective_date
    return ScheduleContext(
        annual_rate=loan.current_annual_rate,
        repayment_method=loan.terms.repayment_method,
        due_day=loan.terms.due_day,
        prepayment_rule=loan.terms.prepayment_rule,
        base_start_date=start,
    )


def penalty_accrual(
    loan: Loan, policy: DelinquencyPolicy, cycle_through: dt.date | None
) -> PenaltyAccrual:
    """How ``loan``'s penalty is recomputed by value date: at the rate the daily cycle charges
    (capped as it caps it), with its grace days and tolerance, accrued through
    ``cycle_through`` (the latest completed daily cycle)."""
    return PenaltyAccrual(
        annual_rate=effective_penalty_rate(
            loan.terms.penalty_annual_rate, loan.current_annual_rate, policy.rate_cap
        ),
        grace_days=loan.terms.grace_days,
        tolerance_fen=policy.tolerance_fen,
        cycle_through=cycle_through,
    )


def _keyed(items: Iterable[Installment]) -> dict[tuple[int, int], Installment]:
    return {(i.schedule_version, i.sequence): i for i in items}


@dataclass(frozen=True)
class Settled:
    """The loan after a change: before/after delinquency, whether it was just paid off."""

    loan: Loan
    before: Delinquency
    after: Delinquency
    newly_paid_off: bool


def posting_business_date(
    today: dt.date, value_date: dt.date, completed: dt.date | None
) -> dt.date:
    """The business date a posting evaluates delinquency as of: the business date in progress
    (the day after ``completed``, the latest completed daily cycle; today when none has run),
    never before the value date, never after today. With the cycle run nightly this is today;
    while cycles are behind (catching up after an outage, or a portfolio replayed day by day),
    it keeps the loan's status from running ahead of the cycle, which would then skip the loan as
    fresher."""
    if completed is None:
        return today
    return min(today, max(value_date, completed + dt.timedelta(days=1)))


async def settle_loan(
    conn: AsyncConnection,
    loan: Loan,
    state: LedgerState,
    *,
    as_of: dt.date,
    policy: DelinquencyPolicy,
    cause: str,
    now: dt.datetime,
    last_repayment_date: dt.date | None = None,
    repayment: Repayment | None = None,
) -> Settled:
    """Write the ledger ``state`` of ``loan`` (installments with their states as of ``as_of``),
    its delinquency, paid-off state, last repayment date (``last_repayment_date`` when the
    caller knows it, else read) and version + 1; a bucket move gets a bucket-history row with
    ``cause``; a new posting's ``repayment`` is written with them (one statement). Returns the
    loan as stored."""
    before_rows = _keyed(loan.installments)
    after_rows = _keyed(
        with_states(
            state.installments.values(), as_of, grace_days=loan.terms.grace_days, policy=policy
        )
    )
    current = sorted(
        (i for (v, _), i in after_rows.items() if v == state.schedule_version and i.is_current),
        key=lambda i: i.sequence,
    )
    after = delinquency_of(
        current, as_of, grace_days=loan.terms.grace_days, policy=policy,
        floor=loan.classification_floor,
    )
    before = Delinquency(loan.days_past_due, loan.bucket, loan.classification)
    paid_off = state.paid_off
    paid_off_date = state.paid_off_date if paid_off else None
    loan_state = LoanState.PAID_OFF if paid_off else LoanState.ACTIVE
    updated = dataclasses.replace(
        loan,
        installments=list(after_rows.values()),
        version=loan.version + 1,
        schedule_version=state.schedule_version,
        days_past_due=after.days_past_due,
        bucket=after.bucket,
        classification=after.classification,
        status_as_of=as_of,
        state=loan_state,
        paid_off_date=paid_off_date,
        last_repayment_date=last_repayment_date,
        events=[],
    )
    move = None
    if after.bucket != before.bucket:
        move = BucketMove(
            from_bucket=before.bucket,
            overdue_fen=status_figures(updated).overdue.total_fen,
            cause=cause,
            recorded_at=now,
        )
    updated.last_repayment_date = await write_settlement(
        conn,
        loan.loan_id,
        before_rows,
        after_rows,
        {
            "version": updated.version,
            "schedule_version": state.schedule_version,
            "days_past_due": after.days_past_due,
            "bucket": after.bucket,
            "classification": after.classification.value,
            "status_as_of": as_of,
            "state": loan_state.value,
            "paid_off_date": paid_off_date,
            "last_repayment_date": last_repayment_date,
        },
        move=move,
        repayment=repayment,
    )
    return Settled(
        loan=updated,
        before=before,
        after=after,
        newly_paid_off=paid_off and loan.state is not LoanState.PAID_OFF,
    )


def delinquency_events(
    settled: Settled, *, cause: int, policy: DelinquencyPolicy
) -> list[Message]:
    """LoanCured (back to the current bucket) or DelinquencyChanged (any other move), and
    ClassificationChanged when the classification moved."""
    loan, before, after = settled.loan, settled.before, settled.after
    events = _bucket_events(settled, cause=cause, policy=policy)
    if before.classification != after.classification:
        events.append(classification_changed(loan, before.classification))
    return events


def classification_changed(
    loan: Loan, previous: Classification, *, business_date: dt.date | None = None
) -> events_pb2.ClassificationChanged:
    """ClassificationChanged from ``previous`` to the loan's classification, on
    ``business_date`` (default: the loan's status date), naming the floor in force."""
    event = events_pb2.ClassificationChanged(
        loan_id=loan.loan_id,
        borrower_id=loan.borrower_id,
        business_date=date_to_proto(business_date or loan.status_as_of),
        from_classification=protobuf.CLASSIFICATION_TO_PROTO[previous],
        to_classification=protobuf.CLASSIFICATION_TO_PROTO[loan.classification],
        days_past_due=loan.days_past_due,
    )
    if loan.classification_floor is not None:
        event.floor = protobuf.CLASSIFICATION_TO_PROTO[loan.classification_floor]
    return event


def _bucket_events(
    settled: Settled, *, cause: int, policy: DelinquencyPolicy
) -> list[Message]:
    loan, before, after = settled.loan, settled.before, settled.after
    if before.bucket == after.bucket:
        return []
    currency = loan.terms.currency
    if after.bucket == policy.buckets.current:
        return [
            events_pb2.LoanCured(
                loan_id=loan.loan_id,
                borrower_id=loan.borrower_id,
                business_date=date_to_proto(loan.status_as_of),
                from_bucket=before.bucket,
                previous_days_past_due=before.days_past_due,
                cause=cause,
                plan_id=loan.plan_id or "",
                to_bucket=after.bucket,
                days_past_due=after.days_past_due,
            )
        ]
    figures = status_figures(loan)
    return [
        events_pb2.DelinquencyChanged(
            loan_id=loan.loan_id,
            borrower_id=loan.borrower_id,
            business_date=date_to_proto(loan.status_as_of),
            from_bucket=before.bucket,
            to_bucket=after.bucket,
            days_past_due=after.days_past_due,
            overdue=protobuf._components(figures.overdue, currency),
            outstanding_principal=fen_to_proto(figures.outstanding.principal_fen, currency),
            cause=cause,
            plan_id=loan.plan_id or "",
        )
    ]


async def _total_repaid(conn: AsyncConnection, loan_id: str) -> int:
    return int(
        await conn.scalar(
            select(
                func.coalesce(func.sum(repayments.c.amount_fen - repayments.c.unapplied_fen), 0)
            ).where(
                repayments.c.loan_id == loan_id,
                repayments.c.state == RepaymentState.POSTED.value,
            )
        )
        or 0
    )


async def _paid_off_event(conn: AsyncConnection, loan: Loan) -> events_pb2.LoanPaidOff:
    return events_pb2.LoanPaidOff(
        loan_id=loan.loan_id,
        borrower_id=loan.borrower_id,
        paid_off_date=date_to_proto(loan.paid_off_date or loan.status_as_of),
        total_repaid=fen_to_proto(await _total_repaid(conn, loan.loan_id), loan.terms.currency),
        plan_id=loan.plan_id or "",
    )


async def _save_replayed(
    repository: RepaymentRepository,
    others: list[Repayment],
    outcomes: dict[str, PaymentOutcome],
) -> None:
    for other in others:
        updated = other.with_outcome(outcomes[other.repayment_id])
        if updated != other:
            await repository.save_allocation(updated)


async def _locked_loan(conn: AsyncConnection, loan_id: str) -> Loan:
    loan = await LoanRepository(conn).get(loan_id, for_update=True)
    if loan is None:
        raise NotFound("loan", loan_id)
    return loan


async def post_repayment(
    engine: AsyncEngine,
    command: PostRepaymentCommand,
    request: Message,
    *,
    clock: Clock,
    policy: RepaymentPolicy = RepaymentPolicy(),
) -> monitoring_pb2.PostRepaymentResponse:
    """Post a repayment. Idempotent by request_id and by (loan, external transaction id): the
    same id with the same amount and paid_at returns the posting as it stands now (no new
    event); with another amount or date EXTERNAL_TRANSACTION_ID_CONFLICT."""
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> monitoring_pb2.PostRepaymentResponse:
            repository = RepaymentRepository(conn)
            found = await repository.locked_loan_for_posting(
                command.loan_id, command.external_transaction_id
            )
            if found is None:
                raise NotFound("loan", command.loan_id)
            loan, context_read = found
            existing = (
                await repository.get(context_read.existing_repayment_id)
                if context_read.existing_repayment_id is not None else None
            )
            if existing is not None:
                if (
                    existing.amount_fen == command.amount_fen
                    and existing.paid_at == command.paid_at
                ):
                    return monitoring_pb2.PostRepaymentResponse(
                        repayment=_repayment_pb(existing), loan=protobuf.loan_to_proto(loan)
                    )
                raise FailedPrecondition(
                    RepaymentReasons.EXTERNAL_TRANSACTION_ID_CONFLICT,
                    "the external transaction id was posted with another amount or date",
                    metadata={
                        "loan_id": command.loan_id,
                        "repayment_id": existing.repayment_id,
                    },
                )
            if loan.state is not LoanState.ACTIVE:
                raise FailedPrecondition(
                    RepaymentReasons.LOAN_NOT_ACTIVE,
                    "the loan is paid off",
                    metadata={"loan_id": loan.loan_id},
                )
            if command.currency != loan.terms.currency:
                raise FailedPrecondition(
                    RepaymentReasons.CURRENCY_MISMATCH,
                    "the amount is not in the loan's currency",
                    metadata={"loan_currency": loan.terms.currency},
                )
            value_date = command.paid_at.astimezone(clock.zone).date()
            if value_date < loan.terms.disbursement_date:
                raise FailedPrecondition(
                    RepaymentReasons.PAID_BEFORE_DISBURSEMENT,
                    "the payment is dated before the loan's disbursement",
                    metadata={
                        "value_date": value_date.isoformat(),
                        "disbursement_date": loan.terms.disbursement_date.isoformat(),
                    },
                )
            now = clock.now()
            repayment = Repayment(
                repayment_id=str(uuid.uuid4()),
                loan_id=loan.loan_id,
                external_transaction_id=command.external_transaction_id,
                amount_fen=command.amount_fen,
                currency=command.currency,
                paid_at=command.paid_at,
                value_date=value_date,
                channel=command.channel,
                state=RepaymentState.POSTED,
                base_schedule_version=loan.base_schedule_version,
                posted_at=now,
            )
            context = schedule_context(loan)
            accrual = penalty_accrual(
                loan, policy.delinquency, context_read.last_completed_cycle
            )
            latest = context_read.latest_order_key
            if latest is None or repayment.payment.order_key > latest:
                state = LedgerState(
                    _keyed(loan.installments), loan.schedule_version, loan.paid_off_date,
                    penalty=accrual,
                )
                outcome = apply_payment(state, repayment.payment, context, policy.waterfall)
                repayment = repayment.with_outcome(outcome)
            else:
                # Backdated: replay every posted repayment over the base schedule.
                others = await repository.posted_over_base(
                    loan.loan_id, loan.base_schedule_version
                )
                state, outcomes = replay(
                    loan.installments,
                    loan.base_schedule_version,
                    [o.payment for o in others] + [repayment.payment],
                    context,
                    policy.waterfall,
                    accrual,
                )
                by_id = {o.repayment_id: o for o in outcomes}
                outcome = by_id[repayment.repayment_id]
                repayment = repayment.with_outcome(outcome)
                await _save_replayed(repository, others, by_id)
            settled = await settle_loan(
                conn, loan, state,
                as_of=posting_business_date(
                    clock.today(), value_date, context_read.last_completed_cycle
                ),
                policy=policy.delinquency, cause="REPAYMENT", now=now,
                last_repayment_date=max(loan.last_repayment_date or value_date, value_date),
                repayment=repayment,
            )
            updated = settled.loan
            figures = status_figures(updated)
            currency = loan.terms.currency
            current_version = {
                seq for (v, seq) in outcome.settled if v == updated.schedule_version
            }
            uow.record_event(
                events_pb2.RepaymentPosted(
                    repayment_id=repayment.repayment_id,
                    loan_id=loan.loan_id,
                    borrower_id=loan.borrower_id,
                    amount=fen_to_proto(repayment.amount_fen, currency),
                    paid_at=timestamp_to_proto(repayment.paid_at),
                    value_date=date_to_proto(value_date),
                    channel=CHANNEL_TO_PROTO[repayment.channel],
                    principal_paid=fen_to_proto(outcome.total_of(Component.PRINCIPAL), currency),
                    interest_paid=fen_to_proto(outcome.total_of(Component.INTEREST), currency),
                    penalty_paid=fen_to_proto(outcome.total_of(Component.PENALTY), currency),
                    prepaid_principal=fen_to_proto(outcome.prepaid_principal_fen, currency),
                    settled_installment_sequences=sorted(current_version),
                    days_past_due=updated.days_past_due,
                    bucket=updated.bucket,
                    overdue_amount=fen_to_proto(figures.overdue.total_fen, currency),
                    loan_version=updated.version,
                    plan_id=updated.plan_id or "",
                ),
                loan.loan_id,
            )
            for event in delinquency_events(
                settled, cause=2, policy=policy.delinquency  # DELINQUENCY_CHANGE_CAUSE_REPAYMENT
            ):
                uow.record_event(event, loan.loan_id)
            if settled.newly_paid_off:
                uow.record_event(await _paid_off_event(conn, updated), loan.loan_id)
            else:
                # Early warning sees the payment behaviour as the posting left it.
                for alert_event in await raise_repayment_alerts(
                    conn, updated, repayment.repayment_id, clock.today(), now,
                    tolerance_fen=policy.delinquency.tolerance_fen,
                    previous_days_past_due=settled.before.days_past_due,
                    as_of=updated.status_as_of, policy=policy.early_warning,
                ):
                    uow.record_event(alert_event.payload, alert_event.ordering_key)
            return monitoring_pb2.PostRepaymentResponse(
                repayment=_repayment_pb(repayment), loan=protobuf.loan_to_proto(updated)
            )

        response = await run_idempotent_in_transaction(
            conn,
            request_id=command.request_id,
            method=POST_METHOD,
            request=request,
            response_type=monitoring_pb2.PostRepaymentResponse,
            effect=effect,
            now=clock.now(),
        )
        await uow.commit()
    return response


async def reverse_repayment(
    engine: AsyncEngine,
    command: ReverseRepaymentCommand,
    request: Message,
    *,
    clock: Clock,
    policy: RepaymentPolicy = RepaymentPolicy(),
) -> monitoring_pb2.ReverseRepaymentResponse:
    """Reverse a repayment and replay the loan's other posted repayments over the base
    schedule. REPAYMENT_ALREADY_REVERSED when reversed before; a repayment allocated over a
    schedule a restructuring has since replaced is refused with
    REPAYMENT_BEFORE_SCHEDULE_REPLACEMENT (the plan was quoted on it)."""
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> monitoring_pb2.ReverseRepaymentResponse:
            repository = RepaymentRepository(conn)
            found = await repository.get(command.repayment_id)
            if found is None:
                raise NotFound("repayment", command.repayment_id)
            loan = await _locked_loan(conn, found.loan_id)
            repayment = await repository.get(command.repayment_id)  # as of the lock
            assert repayment is not None  # noqa: S101 - repayments are never deleted
            if repayment.state is RepaymentState.REVERSED:
                raise FailedPrecondition(
                    RepaymentReasons.REPAYMENT_ALREADY_REVERSED,
                    "the repayment is already reversed",
                    metadata={"repayment_id": repayment.repayment_id},
                )
            if repayment.base_schedule_version != loan.base_schedule_version:
                raise FailedPrecondition(
                    RepaymentReasons.REPAYMENT_BEFORE_SCHEDULE_REPLACEMENT,
                    "the repayment was allocated over a schedule a restructuring replaced",
                    metadata={"repayment_id": repayment.repayment_id},
                )
            now = clock.now()
            others = [
                r for r in await repository.posted_over_base(
                    loan.loan_id, loan.base_schedule_version
                )
                if r.repayment_id != repayment.repayment_id
            ]
            last_cycle = await conn.scalar(
                select(func.max(daily_cycle_runs.c.business_date)).where(
                    daily_cycle_runs.c.state == "COMPLETED"
                )
            )
            state, outcomes = replay(
                loan.installments,
                loan.base_schedule_version,
                [o.payment for o in others],
                schedule_context(loan),
                policy.waterfall,
                penalty_accrual(loan, policy.delinquency, last_cycle),
            )
            reversed_repayment = dataclasses.replace(
                repayment,
                state=RepaymentState.REVERSED,
                reversed_at=now,
                reversal_reason=command.reason,
                lines=(),
                prepaid_principal_fen=0,
                unapplied_fen=0,
            )
            await repository.mark_reversed(reversed_repayment, command.note)
            await _save_replayed(repository, others, {o.repayment_id: o for o in outcomes})
            settled = await settle_loan(
                conn, loan, state, as_of=clock.today(), policy=policy.delinquency,
                cause="REVERSAL", now=now,
            )
            updated = settled.loan
            currency = loan.terms.currency
            uow.record_event(
                events_pb2.RepaymentReversed(
                    repayment_id=repayment.repayment_id,
                    loan_id=loan.loan_id,
                    borrower_id=loan.borrower_id,
                    amount=fen_to_proto(repayment.amount_fen, currency),
                    value_date=date_to_proto(repayment.value_date),
                    reason=REVERSAL_REASON_TO_PROTO[command.reason],
                    reversed_at=timestamp_to_proto(now),
                    days_past_due=updated.days_past_due,
                    bucket=updated.bucket,
                    overdue_amount=fen_to_proto(
                        status_figures(updated).overdue.total_fen, currency
                    ),
                    loan_version=updated.version,
                    outstanding_principal=fen_to_proto(
                        updated.outstanding_principal_fen, currency
                    ),
                ),
                loan.loan_id,
            )
            for event in delinquency_events(
                settled, cause=3, policy=policy.delinquency  # DELINQUENCY_CHANGE_CAUSE_REVERSAL
            ):
                uow.record_event(event, loan.loan_id)
            return monitoring_pb2.ReverseRepaymentResponse(
                repayment=_repayment_pb(reversed_repayment),
                loan=protobuf.loan_to_proto(updated),
            )

        response = await run_idempotent_in_transaction(
            conn,
            request_id=command.request_id,
            method=REVERSE_METHOD,
            request=request,
            response_type=monitoring_pb2.ReverseRepaymentResponse,
            effect=effect,
            now=clock.now(),
        )
        await uow.commit()
    return response


async def get_repayment(engine: AsyncEngine, repayment_id: str) -> Repayment:
    async with engine.connect() as conn:
        found = await RepaymentRepository(conn).get(repayment_id)
    if found is None:
        raise NotFound("repayment", repayment_id)
    return found


async def list_repayments(
    engine: AsyncEngine,
    loan_id: str,
    *,
    include_reversed: bool,
    after: tuple[dt.date, str] | None,
    page_size: int,
) -> tuple[list[Repayment], bool]:
    """One page of a loan's repayments, newest value date first; NotFound for an unknown loan."""
    async with engine.connect() as conn:
        exists = await conn.scalar(select(loans.c.loan_id).where(loans.c.loan_id == loan_id))
        if exists is None:
            raise NotFound("loan", loan_id)
        page = await RepaymentRepository(conn).list_page(
            loan_id, include_reversed=include_reversed, after=after, limit=page_size + 1
        )
    return page[:page_size], len(page) > page_size
