"""Which repayments count toward a promise to pay: those with a value date on or after the
business date the promise was made (a payment dated earlier, reported late, is not the promise
being kept; its reversal does not lower what was paid toward it). Recoveries count them all.
A reversal takes back what a payment counted toward the promise it kept; a late report reaches
the older broken promise whose window holds it, not only the newest broken one. Through the
real server and the event handlers, as the consumer runs them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from cases_harness import Harness, cny, day, request_id
from sqlalchemy import text

from collection.entrypoints.events import CollectionEventHandlers
from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import events_pb2, money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)  # the harness's business date (10:00 in Shanghai)


def envelope() -> events_pb2.EventEnvelope:
    return events_pb2.EventEnvelope(event_id=str(uuid.uuid4()))


async def test_payments_dated_before_the_promise_do_not_count_toward_it(
    harness: Harness,
) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case = await _setup(h, handlers)
    promise = await _promise(h, case, threshold="0.9000")

    async def post(repayment_id: str, fen: int, value_date: dt.date, *,
                   reversed_: bool = False) -> r.PromiseToPay:
        await _post(h, handlers, repayment_id, fen, value_date, reversed_=reversed_)
        return await _get(h, promise.promise_id)

    # Paid the day before the promise, reported after it: not the promise being kept.
    early = await post("PP-R1", 9_000, D0 - dt.timedelta(days=1))
    assert (early.state, early.paid_amount.minor_units) == (r.PROMISE_STATE_OPEN, 0)
    assert (await post("PP-R2", 5_000, D0 + dt.timedelta(days=1))).paid_amount.minor_units == 5_000
    # Reversing the early payment takes nothing from what was paid toward the promise.
    after_reversal = await post("PP-R1", 9_000, D0 - dt.timedelta(days=1), reversed_=True)
    assert (after_reversal.state, after_reversal.paid_amount.minor_units) == (
        r.PROMISE_STATE_OPEN, 5_000
    )
    kept = await post("PP-R3", 4_000, D0)  # the promise's own day counts
    assert (kept.state, kept.paid_amount.minor_units) == (r.PROMISE_STATE_KEPT, 9_000)
    # The case's recoveries count every payment, early or not.
    recovered = (await h.cases.GetCase(c.GetCaseRequest(case_id=case.case_id),
                                       metadata=h.metadata)).collection_case
    assert recovered.recovered_amount.minor_units == 9_000 - 9_000 + 5_000 + 4_000


async def _setup(h: Harness, handlers):
    async with h.engine.begin() as conn:
        await handlers.delinquency_changed(conn, envelope(), mon.DelinquencyChanged(
            loan_id="PP-L", borrower_id="PP-B", business_date=day(D0), from_bucket="M0",
            to_bucket="M1", days_past_due=5,
            overdue=mres.ComponentAmounts(total=cny(10_000)), outstanding_principal=cny(90_000),
        ))
    [case] = (await h.cases.ListCases(c.ListCasesRequest(page_size=10),
                                      metadata=h.metadata)).cases
    return case


async def _promise(h, case, amount=10_000, promised=None, grace=2, threshold="1"):
    return (await h.promises.RecordPromiseToPay(
        c.RecordPromiseToPayRequest(
            request_id=request_id(), case_id=case.case_id, amount=cny(amount),
            promised_date=day(promised or D0 + dt.timedelta(days=3)), grace_days=grace,
            threshold_percentage=money_pb2.DecimalValue(value=threshold)),
        metadata=h.metadata)).promise


async def _post(h, handlers, repayment_id, fen, value_date, reversed_=False, **fields):
    """A repayment (or its reversal) of loan PP-L through the handlers; ``fields`` go into the
    event as they are (principal_paid, outstanding_principal)."""
    async with h.engine.begin() as conn:
        if reversed_:
            await handlers.repayment_reversed(conn, envelope(), mon.RepaymentReversed(
                repayment_id=repayment_id, loan_id="PP-L", borrower_id="PP-B",
                amount=cny(fen), value_date=day(value_date), bucket="M1", days_past_due=5,
                overdue_amount=cny(10_000), **fields))
        else:
            await handlers.repayment_posted(conn, envelope(), mon.RepaymentPosted(
                repayment_id=repayment_id, loan_id="PP-L", borrower_id="PP-B",
                amount=cny(fen), value_date=day(value_date), bucket="M1", days_past_due=5,
                overdue_amount=cny(1_000), **fields))


async def _get(h, promise_id):
    return (await h.promises.GetPromiseToPay(
        c.GetPromiseToPayRequest(promise_id=promise_id), metadata=h.metadata)).promise


async def test_reversal_of_the_payment_that_kept_the_promise(harness: Harness) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case = await _setup(h, handlers)
    p = await _promise(h, case)
    await _post(h, handlers, "R1", 10_000, D0 + dt.timedelta(days=1))
    assert (await _get(h, p.promise_id)).state == r.PROMISE_STATE_KEPT
    # The payment bounces the same day: nothing was paid toward the promise, whose window is
    # still open: it is open again, for the sweep to break if nothing else comes.
    await _post(h, handlers, "R1", 10_000, D0 + dt.timedelta(days=1), reversed_=True)
    after = await _get(h, p.promise_id)
    assert (after.state, after.paid_amount.minor_units) == (r.PROMISE_STATE_OPEN, 0)


async def test_reversal_after_the_window_closed_breaks_the_kept_promise(harness: Harness) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case = await _setup(h, handlers)
    p = await _promise(h, case)  # promised D0+3, 2 grace days: the window closes after D0+5
    await _post(h, handlers, "R1", 10_000, D0 + dt.timedelta(days=1))
    h.clock.advance(days=6)
    await _post(h, handlers, "R1", 10_000, D0 + dt.timedelta(days=1), reversed_=True)
    after = await _get(h, p.promise_id)
    assert (after.state, after.paid_amount.minor_units) == (r.PROMISE_STATE_BROKEN, 0)
    async with h.engine.connect() as conn:
        reasons = (await conn.execute(text(
            "SELECT reason FROM case_events WHERE case_id = :c ORDER BY sequence"),
            {"c": uuid.UUID(case.case_id)})).scalars().all()
    assert f"BROKEN_BY_REVERSAL:{p.promise_id}" in reasons
    assert f"PROMISE_BROKEN:{p.promise_id}" in reasons  # the case escalated


async def test_late_payment_in_older_broken_promise_window(harness: Harness) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case = await _setup(h, handlers)
    a = await _promise(h, case, promised=D0 + dt.timedelta(days=1), grace=0)
    async with h.engine.begin() as conn:  # daily check on D0+2 breaks A
        await handlers.installment_due_soon(conn, envelope(), mon.InstallmentDueSoon(
            loan_id="OTHER", borrower_id="X", business_date=day(D0 + dt.timedelta(days=2)),
            installment_sequence=1, days_until_due=3, due_date=day(D0 + dt.timedelta(days=5)),
            amount_due=cny(1)))
    assert (await _get(h, a.promise_id)).state == r.PROMISE_STATE_BROKEN
    h.clock.advance(days=2)
    b = await _promise(h, case, promised=D0 + dt.timedelta(days=2), grace=0)
    async with h.engine.begin() as conn:  # D0+3 breaks B
        await handlers.installment_due_soon(conn, envelope(), mon.InstallmentDueSoon(
            loan_id="OTHER", borrower_id="X", business_date=day(D0 + dt.timedelta(days=3)),
            installment_sequence=2, days_until_due=3, due_date=day(D0 + dt.timedelta(days=6)),
            amount_due=cny(1)))
    assert (await _get(h, b.promise_id)).state == r.PROMISE_STATE_BROKEN
    # A full payment value-dated D0+1 (A's promised date) is reported late.
    await _post(h, handlers, "R-LATE", 10_000, D0 + dt.timedelta(days=1))
    assert (await _get(h, a.promise_id)).state == r.PROMISE_STATE_KEPT


async def test_a_reversal_restores_the_outstanding_principal_the_event_states(
    harness: Harness,
) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    await _setup(h, handlers)  # 900 yuan of principal outstanding
    await _post(h, handlers, "R1", 60_000, D0, principal_paid=cny(50_000))
    assert await h.scalar("SELECT outstanding_principal_fen FROM case_loans") == 40_000
    # A producer before the field leaves the figure as it was; one with it restores it (the
    # bounced payment's principal is owed again), which the tiering's risk segment reads.
    await _post(h, handlers, "R1", 60_000, D0, reversed_=True)
    assert await h.scalar("SELECT outstanding_principal_fen FROM case_loans") == 40_000
    await _post(h, handlers, "R1", 60_000, D0, reversed_=True,
                outstanding_principal=cny(90_000))
    assert await h.scalar("SELECT outstanding_principal_fen FROM case_loans") == 90_000


async def test_a_reversal_is_taken_off_the_promise_its_payment_counted_toward(
    harness: Harness,
) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case = await _setup(h, handlers)
    # R0 is paid on D0 and reported before the promise is taken later that day: it counted
    # toward no promise, so its reversal leaves the promise's 5,000 paid alone.
    await _post(h, handlers, "R0", 6_000, D0)
    p = await _promise(h, case)
    await _post(h, handlers, "R2", 5_000, D0 + dt.timedelta(days=1))
    await _post(h, handlers, "R0", 6_000, D0, reversed_=True)
    assert (await _get(h, p.promise_id)).paid_amount.minor_units == 5_000
    # A repayment recorded before the promise link existed (migration 0006) is charged, as
    # before, to the promise whose window holds its value date.
    await _post(h, handlers, "R3", 1_000, D0 + dt.timedelta(days=1))
    assert (await _get(h, p.promise_id)).paid_amount.minor_units == 6_000
    async with h.engine.begin() as conn:
        await conn.execute(text(
            "UPDATE case_recoveries SET counted_toward_promise_id = NULL,"
            " counted_toward_recorded = false WHERE repayment_id = 'R3'"))
    await _post(h, handlers, "R3", 1_000, D0 + dt.timedelta(days=1), reversed_=True)
    assert (await _get(h, p.promise_id)).paid_amount.minor_units == 5_000

