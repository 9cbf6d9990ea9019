"""Collection's event consumers: monitoring's loan feed (cases opened, retiered, closed; pre-due
reminders; repayments for promises and recoveries), restructuring's plan feed (broken plans
reopen and escalate, completed plans close) and credit inquiry's scores (risk segment).

Each handler runs inside the consumer's per-event transaction (``conn``; never commits) and
writes collection's own events to the outbox on the same connection."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from typing import TYPE_CHECKING, Final, TypeAlias

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from collection.adapters import case_repository as repo
from collection.adapters.case_tables import (
    borrower_scores,
    case_loans,
    pre_due_reminders,
    strategy_versions,
)
from collection.domain.cases import CURRENT_BUCKET, CloseReason, is_delinquency
from collection.service_layer import cases as case_use_cases
from collection.service_layer import promises as promise_use_cases
from collection.service_layer.cases import Change, LoanFigures
from postloan.common.v1 import events_pb2
from postloan.credit_inquiry.v1 import events_pb2 as ci_events
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan.restructuring.v1 import events_pb2 as rst
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.events.consumer import EventHandler, Handlers, consumer_worker
from postloan_runtime.proto_convert import date_from_proto

if TYPE_CHECKING:
    from postloan_runtime.app import RunningService, Worker

log = logging.getLogger(__name__)

Envelope: TypeAlias = events_pb2.EventEnvelope


# Deployment setting (see docs/conventions.md and docs/collection.md).
SETTLEMENT_DAYS_ENV: Final = "POSTLOAN_COLLECTION_PROMISE_SETTLEMENT_DAYS"


def promise_settlement_days_from_env() -> int:
    """Days past a promise's date plus grace before the date check breaks it (``0``: the day
    after). Anything but a whole number >= 0 stops start-up."""
    raw = os.environ.get(SETTLEMENT_DAYS_ENV, "").strip() or "0"
    try:
        days = int(raw)
    except ValueError:
        days = -1
    if days < 0:
        raise ValueError(f"{SETTLEMENT_DAYS_ENV} must be a whole number of days >= 0, not {raw!r}")
    return days


def _currency(money) -> str:  # noqa: ANN001 - a postloan.common.v1.Money
    return money.currency_code or "CNY"


class CollectionEventHandlers:
    """The handlers of the three feeds, sharing a clock (tests pass a ManualClock)."""

    def __init__(self, clock: Clock | None = None, *, settlement_days: int | None = None) -> None:
        self._clock = clock or SystemClock()
        self._settlement_days = (
            promise_settlement_days_from_env() if settlement_days is None else settlement_days
        )

    def _change(self, conn: AsyncConnection, business_date: dt.date) -> Change:
        return Change(conn, self._clock.now(), business_date)

    # --- monitoring -------------------------------------------------------------------------

    async def delinquency_changed(
        self, conn: AsyncConnection, envelope: Envelope, event: mon.DelinquencyChanged
    ) -> None:
        day = date_from_proto(event.business_date)
        change = self._change(conn, day)
        await promise_use_cases.break_overdue_promises(
            change, day, settlement_days=self._settlement_days
        )
        if is_delinquency(event.days_past_due):
            loan = LoanFigures(
                loan_id=event.loan_id,
                bucket=event.to_bucket,
                days_past_due=event.days_past_due,
                overdue_fen=event.overdue.total.minor_units,
                outstanding_principal_fen=event.outstanding_principal.minor_units,
                currency=_currency(event.outstanding_principal),
            )
            await case_use_cases.on_delinquency(
                change, borrower_id=event.borrower_id, loan=loan, event_id=envelope.event_id
            )
        else:  # monitoring reports cures as LoanCured; one at 0 days here is treated alike
            await self._cured(change, event)
        await change.flush()

    async def _cured(
        self, change: Change, event: mon.LoanCured | mon.DelinquencyChanged
    ) -> None:
        """A cure closes the loan's part of the case, unless a restructuring plan brought it
        (then the case stays paused while the plan runs)."""
        under_plan = await case_use_cases.on_cured_under_plan(
            change, borrower_id=event.borrower_id, loan_id=event.loan_id,
            plan_id=event.plan_id or None,
            schedule_replaced=event.cause == mres.DELINQUENCY_CHANGE_CAUSE_SCHEDULE_REPLACED,
            bucket=event.to_bucket or CURRENT_BUCKET, days_past_due=event.days_past_due,
        )
        if not under_plan:
            await case_use_cases.on_loan_left(
                change, borrower_id=event.borrower_id, loan_id=event.loan_id,
                reason=CloseReason.CURED,
            )

    async def loan_cured(
        self, conn: AsyncConnection, envelope: Envelope, event: mon.LoanCured
    ) -> None:
        change = self._change(conn, date_from_proto(event.business_date))
        await self._cured(change, event)
        await change.flush()

    async def loan_paid_off(
        self, conn: AsyncConnection, envelope: Envelope, event: mon.LoanPaidOff
    ) -> None:
        change = self._change(conn, date_from_proto(event.paid_off_date))
        await case_use_cases.on_loan_left(
            change, borrower_id=event.borrower_id, loan_id=event.loan_id,
            reason=CloseReason.PAID_OFF, plan_id=event.plan_id or None,
        )
        await change.flush()

    async def installment_due_soon(
        self, conn: AsyncConnection, envelope: Envelope, event: mon.InstallmentDueSoon
    ) -> None:
        """Queue a pre-due reminder with the champion's pre-due treatments (sent by channel
        dispatch behind the gate); also the daily point to break lapsed promises."""
        day = date_from_proto(event.business_date)
        change = self._change(conn, day)
        await promise_use_cases.break_overdue_promises(
            change, day, settlement_days=self._settlement_days
        )
        champion = (
            await conn.execute(
                strategy_versions.select().where(strategy_versions.c.champion)
            )
        ).first()
        if champion is not None:
            await conn.execute(
                insert(pre_due_reminders)
                .values(
                    loan_id=event.loan_id,
                    installment_sequence=event.installment_sequence,
                    days_until_due=event.days_until_due,
                    borrower_id=event.borrower_id,
                    business_date=day,
                    due_date=date_from_proto(event.due_date),
                    amount_due_fen=event.amount_due.minor_units,
                    currency=_currency(event.amount_due),
                    strategy_version_id=champion.strategy_version_id,
                    treatments=list(champion.pre_due_treatments),
                    created_at=change.now,
                )
                .on_conflict_do_nothing()
            )
        await change.flush()

    async def repayment_posted(
        self, conn: AsyncConnection, envelope: Envelope, event: mon.RepaymentPosted
    ) -> None:
        change = self._change(conn, date_from_proto(event.value_date))
        await case_use_cases_update_loan(
            conn, event.loan_id, bucket=event.bucket, days_past_due=event.days_past_due,
            overdue_fen=event.overdue_amount.minor_units,
            principal_paid_fen=event.principal_paid.minor_units
            + event.prepaid_principal.minor_units,
        )
        await promise_use_cases.on_repayment(
            change, repayment_id=event.repayment_id, loan_id=event.loan_id,
            borrower_id=event.borrower_id, amount_fen=event.amount.minor_units,
            value_date=date_from_proto(event.value_date), zone=self._clock.zone,
        )
        await change.flush()

    async def repayment_reversed(
        self, conn: AsyncConnection, envelope: Envelope, event: mon.RepaymentReversed
    ) -> None:
        change = self._change(conn, date_from_proto(event.value_date))
        await case_use_cases_update_loan(
            conn, event.loan_id, bucket=event.bucket, days_past_due=event.days_past_due,
            overdue_fen=event.overdue_amount.minor_units, principal_paid_fen=0,
            # The reversed principal is owed again; producers before this field leave it out.
            outstanding_principal_fen=event.outstanding_principal.minor_units
            if event.HasField("outstanding_principal") else None,
        )
        await promise_use_cases.on_repayment(
            change, repayment_id=event.repayment_id, loan_id=event.loan_id,
            borrower_id=event.borrower_id, amount_fen=event.amount.minor_units,
            value_date=date_from_proto(event.value_date), zone=self._clock.zone, reversed_=True,
        )
        await change.flush()

    # --- restructuring ----------------------------------------------------------------------

    async def plan_broken(
        self, conn: AsyncConnection, envelope: Envelope, event: rst.PlanBroken
    ) -> None:
        change = self._change(conn, date_from_proto(event.business_date))
        existing = await conn.execute(
            case_loans.select().where(case_loans.c.loan_id == event.loan_id)
            .order_by(case_loans.c.joined_on.desc()).limit(1)
        )
        known = existing.first()
        loan = LoanFigures(
            loan_id=event.loan_id,
            bucket=known.bucket if known is not None else "M1",
            days_past_due=event.days_past_due,
            overdue_fen=event.overdue_amount.minor_units,
            outstanding_principal_fen=known.outstanding_principal_fen if known else 0,
            currency=_currency(event.overdue_amount),
        )
        await case_use_cases.on_plan_broken(
            change, borrower_id=event.borrower_id, loan=loan, plan_id=event.plan_id,
            event_id=envelope.event_id,
        )
        await change.flush()

    async def plan_completed(
        self, conn: AsyncConnection, envelope: Envelope, event: rst.PlanCompleted
    ) -> None:
        change = self._change(conn, date_from_proto(event.business_date))
        await case_use_cases.on_loan_left(
            change, borrower_id=event.borrower_id, loan_id=event.loan_id,
            reason=CloseReason.PLAN_COMPLETED, plan_id=event.plan_id,
        )
        await change.flush()

    # --- credit inquiry ---------------------------------------------------------------------

    async def inquiry_completed(
        self, conn: AsyncConnection, envelope: Envelope, event: ci_events.InquiryCompleted
    ) -> None:
        """The newest score of a borrower sets the risk segment of the borrower's live case."""
        if not event.HasField("score") or not event.HasField("completed_at"):
            return
        completed_at = event.completed_at.ToDatetime(tzinfo=dt.UTC)
        score = event.score.score
        await conn.execute(
            insert(borrower_scores)
            .values(
                borrower_id=event.borrower_id, score=score, inquiry_id=event.inquiry_id,
                completed_at=completed_at,
            )
            .on_conflict_do_update(
                index_elements=[borrower_scores.c.borrower_id],
                set_={"score": score, "inquiry_id": event.inquiry_id,
                      "completed_at": completed_at},
                where=borrower_scores.c.completed_at < completed_at,
            )
        )
        change = self._change(conn, self._clock.today())
        await repo.lock_borrower(conn, event.borrower_id)
        live = await repo.live_case_of_borrower(conn, event.borrower_id)
        if live is not None:
            await case_use_cases.retier_and_record(change, live.case_id, "DELINQUENCY")
        await change.flush()

    # --- wiring -----------------------------------------------------------------------------

    def monitoring(self) -> Handlers:
        handlers: dict[type, EventHandler] = {
            mon.DelinquencyChanged: self.delinquency_changed,  # type: ignore[dict-item]
            mon.LoanCured: self.loan_cured,  # type: ignore[dict-item]
            mon.LoanPaidOff: self.loan_paid_off,  # type: ignore[dict-item]
            mon.InstallmentDueSoon: self.installment_due_soon,  # type: ignore[dict-item]
            mon.RepaymentPosted: self.repayment_posted,  # type: ignore[dict-item]
            mon.RepaymentReversed: self.repayment_reversed,  # type: ignore[dict-item]
        }
        return handlers  # type: ignore[return-value]

    def restructuring(self) -> Handlers:
        return {  # type: ignore[return-value]
            rst.PlanBroken: self.plan_broken,
            rst.PlanCompleted: self.plan_completed,
        }

    def credit_inquiry(self) -> Handlers:
        return {ci_events.InquiryCompleted: self.inquiry_completed}  # type: ignore[dict-item]


async def case_use_cases_update_loan(
    conn: AsyncConnection, loan_id: str, *, bucket: str, days_past_due: int, overdue_fen: int,
    principal_paid_fen: int, outstanding_principal_fen: int | None = None,
) -> None:
    """Keep a live case's copy of the loan's figures current after a repayment (or its
    reversal): the outstanding principal as the event states it, else less what was paid."""
    await conn.execute(
        text(
            """
            UPDATE case_loans SET bucket = :bucket, days_past_due = :dpd,
                overdue_fen = :overdue,
                outstanding_principal_fen = coalesce(
                    CAST(:outstanding AS bigint),
                    greatest(0, outstanding_principal_fen - :paid))
            WHERE loan_id = :loan_id AND left_on IS NULL
            """
        ),
        {"bucket": bucket, "dpd": days_past_due, "overdue": overdue_fen,
         "paid": principal_paid_fen, "outstanding": outstanding_principal_fen,
         "loan_id": loan_id},
    )


def consumer_workers(clock: Clock | None = None) -> list[Worker]:
    handlers = CollectionEventHandlers(clock)
    return [
        consumer_worker("monitoring", handlers.monitoring()),
        consumer_worker("restructuring", handlers.restructuring()),
        consumer_worker("credit_inquiry", handlers.credit_inquiry()),
    ]


def promise_deadline_worker(
    clock: Clock | None = None, *, interval_seconds: float = 3600.0,
    settlement_days: int | None = None,
) -> Worker:
    """Breaks lapsed promises once an hour even on days no event arrives (business dates in
    the clock's zone, Asia/Shanghai), ``settlement_days`` after the promised date plus grace."""
    the_clock = clock or SystemClock()
    lag = promise_settlement_days_from_env() if settlement_days is None else settlement_days

    async def break_lapsed_promises(running: RunningService) -> None:
        while True:
            try:
                async with running.engine.begin() as conn:
                    change = Change(conn, the_clock.now(), the_clock.today())
                    broken = await promise_use_cases.break_overdue_promises(
                        change, the_clock.today(), settlement_days=lag
                    )
                    await change.flush()
                if broken:
                    log.info("broke %d lapsed promises to pay", broken)
            except Exception:  # noqa: BLE001 - retried at the next tick
                log.exception("breaking lapsed promises failed")
            await asyncio.sleep(interval_seconds)

    return break_lapsed_promises
