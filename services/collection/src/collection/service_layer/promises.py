"""Promises to pay: recorded by collectors, kept or broken from monitoring's repayment events
and from the date check once the promised date plus grace has passed; a broken promise
escalates its case. Recoveries per case come from the same repayment events."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from google.protobuf.message import Message
from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from collection.adapters import case_protobuf as convert
from collection.adapters import case_repository as repo
from collection.adapters.case_tables import case_loans, case_recoveries, cases, promises_to_pay
from collection.domain.cases import (
    CaseEventKind,
    CaseState,
    PromiseState,
    Reasons,
    promise_outcome,
    promise_required_fen,
)
from collection.service_layer.cases import Change, escalate, undo_escalation
from postloan.collection.v1 import collection_pb2
from postloan.collection.v1 import events_pb2 as ev
from postloan.collection.v1 import resources_pb2 as pb
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto
from postloan_runtime.unit_of_work import UnitOfWork

RECORD_METHOD = "/postloan.collection.v1.PromiseService/RecordPromiseToPay"


@dataclass(frozen=True)
class RecordPromiseCommand:
    request_id: str
    case_id: uuid.UUID
    loan_id: str | None
    amount_fen: int
    currency: str
    promised_date: dt.date
    grace_days: int
    threshold: Decimal
    contact_attempt_id: str | None


async def record_promise(
    engine: AsyncEngine, command: RecordPromiseCommand, request: Message, *, now: dt.datetime,
    today: dt.date, actor: str,
) -> collection_pb2.RecordPromiseToPayResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        change = Change(conn, now, today, actor)

        async def effect() -> collection_pb2.RecordPromiseToPayResponse:
            row = await repo.get_case(conn, command.case_id)
            if row is None:
                raise NotFound("case", str(command.case_id))
            await repo.lock_borrower(conn, row.borrower_id)
            row = await repo.get_case(conn, command.case_id, lock=True)
            if row.state != CaseState.OPEN.value:
                raise FailedPrecondition(
                    Reasons.CASE_NOT_OPEN, "promises are taken on open cases only",
                    metadata={"case_id": str(command.case_id), "state": row.state},
                )
            if command.promised_date < today:
                raise FailedPrecondition(
                    Reasons.PROMISE_DATE_IN_PAST, "the promised date is before today",
                    metadata={"promised_date": command.promised_date.isoformat(),
                              "today": today.isoformat()},
                )
            if command.loan_id is not None:
                in_case = await conn.scalar(
                    select(case_loans.c.loan_id).where(
                        case_loans.c.case_id == command.case_id,
                        case_loans.c.loan_id == command.loan_id,
                        case_loans.c.left_on.is_(None),
                    )
                )
                if in_case is None:
                    raise FailedPrecondition(
                        Reasons.LOAN_NOT_IN_CASE, "the loan is not in this case",
                        metadata={"case_id": str(command.case_id), "loan_id": command.loan_id},
                    )
            promise_id = uuid.uuid4()
            inserted = (
                await conn.execute(
                    insert(promises_to_pay)
                    .values(
                        promise_id=promise_id,
                        case_id=command.case_id,
                        borrower_id=row.borrower_id,
                        loan_id=command.loan_id,
                        amount_fen=command.amount_fen,
                        currency=command.currency,
                        promised_date=command.promised_date,
                        grace_days=command.grace_days,
                        threshold=command.threshold,
                        state=PromiseState.OPEN.value,
                        paid_fen=0,
                        contact_attempt_id=command.contact_attempt_id,
                        made_by=actor,
                        made_at=now,
                    )
                    .on_conflict_do_nothing()
                    .returning(promises_to_pay)
                )
            ).first()
            if inserted is None:
                raise FailedPrecondition(
                    Reasons.OPEN_PROMISE_EXISTS, "the case already has an open promise",
                    metadata={"case_id": str(command.case_id)},
                )
            await change.history(
                command.case_id,
                change.entry(CaseEventKind.PROMISE, loan_id=command.loan_id,
                             reason=f"MADE:{promise_id}"),
            )
            change.emit(
                ev.PromiseToPayMade(
                    promise_id=str(promise_id),
                    case_id=str(command.case_id),
                    borrower_id=row.borrower_id,
                    amount=fen_to_proto(command.amount_fen, command.currency),
                    promised_date=date_to_proto(command.promised_date),
                    grace_days=command.grace_days,
                ),
                str(command.case_id),
            )
            return collection_pb2.RecordPromiseToPayResponse(
                promise=convert.promise_to_proto(inserted)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=command.request_id, method=RECORD_METHOD, request=request,
            response_type=collection_pb2.RecordPromiseToPayResponse, effect=effect, now=now,
        )
        for record in change.events:
            uow.record_event(record.payload, record.ordering_key)
        await uow.commit()
    return response


async def _resolve(
    change: Change, promise: Any, state: PromiseState, paid_fen: int, *, label: str = ""
) -> None:
    """Settle the promise as ``state`` on the change's business date: the row, a history entry
    (``<label or state>:<promise id>``) and the event."""
    await change.conn.execute(
        update(promises_to_pay)
        .where(promises_to_pay.c.promise_id == promise.promise_id)
        .values(state=state.value, paid_fen=paid_fen, resolved_on=change.business_date)
    )
    await change.history(
        promise.case_id,
        change.entry(CaseEventKind.PROMISE, loan_id=promise.loan_id,
                     reason=f"{label or state.value}:{promise.promise_id}"),
    )
    if state is PromiseState.KEPT:
        change.emit(
            ev.PromiseToPayKept(
                promise_id=str(promise.promise_id),
                case_id=str(promise.case_id),
                borrower_id=promise.borrower_id,
                paid_amount=fen_to_proto(paid_fen, promise.currency),
                business_date=date_to_proto(change.business_date),
            ),
            str(promise.case_id),
        )
        return
    change.emit(
        ev.PromiseToPayBroken(
            promise_id=str(promise.promise_id),
            case_id=str(promise.case_id),
            borrower_id=promise.borrower_id,
            amount=fen_to_proto(promise.amount_fen, promise.currency),
            paid_amount=fen_to_proto(paid_fen, promise.currency),
            business_date=date_to_proto(change.business_date),
        ),
        str(promise.case_id),
    )
    case_row = await repo.get_case(change.conn, promise.case_id)
    if case_row is not None and case_row.state == CaseState.OPEN.value:
        await escalate(
            change, promise.case_id, "PROMISE_BROKEN", f"PROMISE_BROKEN:{promise.promise_id}"
        )


async def on_repayment(
    change: Change, *, repayment_id: str, loan_id: str, borrower_id: str, amount_fen: int,
    value_date: dt.date, zone: dt.tzinfo, reversed_: bool = False,
) -> None:
    """Count a repayment (or its reversal) as recovered on the loan's case and toward the open
    promise covering the loan; a promise reaching its threshold by its deadline is kept. Only
    a repayment with a value date on or after the business date (in ``zone``) the promise was
    made counts toward it (a reversal carries the reversed repayment's value date). One
    value-dated within the window of a promise already broken (reported after the sweep ran)
    counts toward that one and may still keep it (``_paid_within_window_after_break``).

    A repayment belongs to the case the loan was in on its value date (none: not a recovery,
    e.g. a regular installment once the loan cured out of its case); a reversal to the case
    that counted the repayment (none: nothing to undo), whatever case the loan is in now."""
    conn = change.conn
    await repo.lock_borrower(conn, borrower_id)
    live = await repo.live_case_of_loan(conn, loan_id)
    if live is not None:
        # The consumer has just copied the loan's figures after the payment into the case;
        # the case's totals (days past due, overdue) follow them. Figures only: the state
        # depends on pauses, and a change of bucket comes as DelinquencyChanged / LoanCured.
        await repo.refresh_aggregates(conn, live.case_id, change.now)
    if reversed_:
        case_row = await repo.case_of_recovery(conn, repayment_id)
    else:
        case_row = await repo.case_of_loan_on(conn, loan_id, value_date)
    if case_row is None:
        return
    signed = -amount_fen if reversed_ else amount_fen
    recorded = (
        await conn.execute(
            insert(case_recoveries)
            .values(
                repayment_id=repayment_id,
                movement="REVERSED" if reversed_ else "POSTED",
                case_id=case_row.case_id,
                loan_id=loan_id,
                amount_fen=signed,
                value_date=value_date,
                recorded_at=change.now,
                counted_toward_recorded=not reversed_,
            )
            .on_conflict_do_nothing()
            .returning(case_recoveries.c.repayment_id)
        )
    ).first()
    if recorded is None:
        return
    await repo.bump_version(
        conn, case_row.case_id, change.now, recovered_fen=cases.c.recovered_fen + signed
    )
    if reversed_:
        posted = (
            await conn.execute(
                select(case_recoveries.c.counted_toward_promise_id,
                       case_recoveries.c.counted_toward_recorded)
                .where(case_recoveries.c.repayment_id == repayment_id,
                       case_recoveries.c.movement == "POSTED")
            )
        ).first()
        if posted is not None and posted.counted_toward_recorded:
            # Known: taken off the promise the payment counted toward, and no other.
            if posted.counted_toward_promise_id is not None:
                await _reverse_toward(change, posted.counted_toward_promise_id, signed, zone)
            return
    covering = and_(
        promises_to_pay.c.case_id == case_row.case_id,
        or_(promises_to_pay.c.loan_id.is_(None), promises_to_pay.c.loan_id == loan_id),
    )
    promise = (
        await conn.execute(
            select(promises_to_pay)
            .where(covering, promises_to_pay.c.state == PromiseState.OPEN.value)
            .with_for_update()
        )
    ).first()
    if promise is None or value_date < promise.made_at.astimezone(zone).date():
        # No open promise, or paid before it was made: a reversal may take back the payment
        # that kept a promise; a payment may belong to a promise the sweep broke before it was
        # reported (value-dated within that one's window).
        if reversed_:
            kept = await _promise_whose_window_holds(
                conn, covering, PromiseState.KEPT, value_date, zone)
            if kept is not None:
                await _kept_payment_reversed(change, kept, signed, zone)
                return
        broken = await _promise_whose_window_holds(
            conn, covering, PromiseState.BROKEN, value_date, zone)
        if broken is not None:
            if not reversed_:
                await _count_toward(conn, repayment_id, broken.promise_id)
            await _paid_within_window_after_break(change, broken, signed)
        return
    deadline = promise.promised_date + dt.timedelta(days=promise.grace_days)
    if value_date > deadline and not reversed_:
        # Paid after the window closed: the promise was broken, whatever arrives now.
        await _resolve(change, promise, PromiseState.BROKEN, promise.paid_fen)
        return
    if not reversed_:
        await _count_toward(conn, repayment_id, promise.promise_id)
    paid = max(0, promise.paid_fen + signed)
    outcome = promise_outcome(
        amount_fen=promise.amount_fen, paid_fen=paid, threshold=Decimal(promise.threshold),
        promised_date=promise.promised_date, grace_days=promise.grace_days, today=value_date,
    )
    if outcome is PromiseState.KEPT:
        await _resolve(change, promise, PromiseState.KEPT, paid)
    else:
        await _set_paid(conn, promise.promise_id, paid)


async def _set_paid(conn: Any, promise_id: uuid.UUID, paid_fen: int) -> None:
    """What has been paid toward the promise so far (its state unchanged)."""
    await conn.execute(
        update(promises_to_pay)
        .where(promises_to_pay.c.promise_id == promise_id)
        .values(paid_fen=paid_fen)
    )


async def _count_toward(conn: Any, repayment_id: str, promise_id: uuid.UUID) -> None:
    await conn.execute(
        update(case_recoveries)
        .where(case_recoveries.c.repayment_id == repayment_id,
               case_recoveries.c.movement == "POSTED")
        .values(counted_toward_promise_id=promise_id)
    )


async def _reverse_toward(
    change: Change, promise_id: uuid.UUID, signed: int, zone: dt.tzinfo
) -> None:
    """The reversal of a payment that counted toward ``promise_id``, whatever state it is in:
    open, it is simply paid less; kept, see :func:`_kept_payment_reversed`; broken, what was
    paid within its window goes down (:func:`_paid_within_window_after_break`)."""
    promise = (
        await change.conn.execute(
            select(promises_to_pay)
            .where(promises_to_pay.c.promise_id == promise_id)
            .with_for_update()
        )
    ).first()
    if promise is None:
        return
    if promise.state == PromiseState.KEPT.value:
        await _kept_payment_reversed(change, promise, signed, zone)
    elif promise.state == PromiseState.BROKEN.value:
        await _paid_within_window_after_break(change, promise, signed)
    else:
        await _set_paid(change.conn, promise_id, max(0, promise.paid_fen + signed))


async def _promise_whose_window_holds(
    conn: Any, covering: Any, state: PromiseState, value_date: dt.date, zone: dt.tzinfo
) -> Any:
    """The newest promise in ``state`` covering the loan that was made on or before
    ``value_date`` and whose window (promised date + grace) had not closed by it. The made
    date is checked for every candidate, not only the newest: a newer promise made after the
    payment must not hide an older one whose window holds it."""
    candidates = (
        await conn.execute(
            select(promises_to_pay)
            .where(
                covering,
                promises_to_pay.c.state == state.value,
                promises_to_pay.c.promised_date
                + text("make_interval(days => promises_to_pay.grace_days)") >= value_date,
            )
            .order_by(promises_to_pay.c.made_at.desc())
            .with_for_update()
        )
    ).all()
    return next((p for p in candidates if value_date >= p.made_at.astimezone(zone).date()), None)


async def _kept_payment_reversed(
    change: Change, promise: Any, signed: int, zone: dt.tzinfo
) -> None:
    """A reversal (a bounced payment) within a kept promise's window: the amount comes off what
    was paid toward it. Below the threshold the promise was not kept after all: it is OPEN
    again while its window is still open today and the case has no other open promise (the
    sweep breaks it if nothing more comes), otherwise BROKEN now, escalating the case."""
    paid = max(0, promise.paid_fen + signed)
    required = promise_required_fen(promise.amount_fen, Decimal(promise.threshold))
    if paid >= required:
        await _set_paid(change.conn, promise.promise_id, paid)
        return
    today = change.now.astimezone(zone).date()
    deadline = promise.promised_date + dt.timedelta(days=promise.grace_days)
    other_open = (
        await change.conn.execute(
            select(promises_to_pay.c.promise_id).where(
                promises_to_pay.c.case_id == promise.case_id,
                promises_to_pay.c.state == PromiseState.OPEN.value,
            )
        )
    ).first()
    if today <= deadline and other_open is None:
        await change.conn.execute(
            update(promises_to_pay)
            .where(promises_to_pay.c.promise_id == promise.promise_id)
            .values(state=PromiseState.OPEN.value, paid_fen=paid, resolved_on=None)
        )
        await change.history(
            promise.case_id,
            change.entry(CaseEventKind.PROMISE, loan_id=promise.loan_id,
                         reason=f"REOPENED_BY_REVERSAL:{promise.promise_id}"),
        )
        return
    now = Change(change.conn, change.now, max(change.business_date, today), change.actor,
                 change.events)
    await _resolve(now, promise, PromiseState.BROKEN, paid, label="BROKEN_BY_REVERSAL")


async def _paid_within_window_after_break(change: Change, promise: Any, signed: int) -> None:
    """A repayment (or reversal) value-dated within a broken promise's window, reported after
    the break: counted toward it; reaching the threshold the promise is KEPT after all
    (``KEPT_LATE`` in the case's history, PromiseToPayKept emitted) and the escalation its
    break made is undone when still the case's latest (see ``undo_escalation``).

    Idempotent under redelivery: the caller reaches here only for a repayment not yet
    recorded in ``case_recoveries``, and a KEPT promise is selected again only by the reversal
    of a payment in its window (``_kept_payment_reversed``)."""
    paid = max(0, promise.paid_fen + signed)
    required = promise_required_fen(promise.amount_fen, Decimal(promise.threshold))
    if signed < 0 or paid < required:
        await _set_paid(change.conn, promise.promise_id, paid)
        return
    # Dated no earlier than the break it corrects (the handler's date is the value date).
    late = Change(change.conn, change.now, max(change.business_date, promise.resolved_on),
                  change.actor, change.events)
    await _resolve(late, promise, PromiseState.KEPT, paid, label="KEPT_LATE")
    await undo_escalation(late, promise.case_id, promise.promise_id)


async def break_overdue_promises(
    change: Change, today: dt.date, *, settlement_days: int = 0
) -> int:
    """Break every open promise whose promised date plus grace plus ``settlement_days`` is
    before ``today`` (set-based selection; each broken promise escalates its case). Returns
    how many broke. The settlement lag leaves time for repayments value-dated by the deadline
    to be reported (monitoring's feed lags; processors post after midnight)."""
    rows = (
        await change.conn.execute(
            select(promises_to_pay)
            .where(
                promises_to_pay.c.state == PromiseState.OPEN.value,
                promises_to_pay.c.promised_date
                + text(
                    "make_interval(days => promises_to_pay.grace_days + :settlement_days)"
                ).bindparams(settlement_days=settlement_days)
                < today,
            )
            .order_by(promises_to_pay.c.promised_date, promises_to_pay.c.promise_id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for promise in rows:
        await repo.lock_borrower(change.conn, promise.borrower_id)
        await _resolve(change, promise, PromiseState.BROKEN, promise.paid_fen)
    return len(rows)


async def get_promise(engine: AsyncEngine, promise_id: uuid.UUID) -> pb.PromiseToPay:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(promises_to_pay).where(promises_to_pay.c.promise_id == promise_id)
            )
        ).first()
    if row is None:
        raise NotFound("promise", str(promise_id))
    return convert.promise_to_proto(row)


async def list_promises(
    engine: AsyncEngine, *, case_id: uuid.UUID | None, borrower_id: str | None,
    states: tuple[str, ...], after: tuple[dt.datetime, uuid.UUID] | None, page_size: int,
) -> tuple[list[pb.PromiseToPay], tuple[dt.datetime, uuid.UUID] | None]:
    """Newest first (keyset on made_at, promise_id)."""
    p = promises_to_pay
    query = select(p).order_by(p.c.made_at.desc(), p.c.promise_id.desc()).limit(page_size + 1)
    if case_id is not None:
        query = query.where(p.c.case_id == case_id)
    if borrower_id:
        query = query.where(p.c.borrower_id == borrower_id)
    if states:
        query = query.where(p.c.state.in_(states))
    if after is not None:
        query = query.where(
            or_(p.c.made_at < after[0], and_(p.c.made_at == after[0], p.c.promise_id < after[1]))
        )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    page = rows[:page_size]
    more = len(rows) > page_size
    return (
        [convert.promise_to_proto(r) for r in page],
        (page[-1].made_at, page[-1].promise_id) if more else None,
    )


async def connection_today(conn: AsyncConnection) -> dt.date:
    return await conn.scalar(text("SELECT current_date"))
