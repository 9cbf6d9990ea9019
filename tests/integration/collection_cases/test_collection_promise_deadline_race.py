"""The promise deadline against late-reported repayments: the sweep that breaks lapsed promises
and monitoring's RepaymentPosted race at the deadline. A payment value-dated within the window
but consumed after the sweep broke the promise turns it into KEPT (and undoes the escalation
the break made); a payment dated after the window leaves it broken. With a settlement lag the
sweep waits that many days past the deadline. Through the real server and the handlers."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from cases_harness import Harness, cny, day, request_id

from collection.entrypoints.events import CollectionEventHandlers
from collection.service_layer import promises as promise_use_cases
from collection.service_layer.cases import Change
from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import events_pb2, money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)  # the harness's business date (10:00 in Shanghai)
DEADLINE = D0 + dt.timedelta(days=5)  # promised D0+3, grace 2


def envelope() -> events_pb2.EventEnvelope:
    return events_pb2.EventEnvelope(event_id=str(uuid.uuid4()))


async def _case_with_promise(h: Harness, handlers: CollectionEventHandlers, name: str) -> tuple[
    str, r.PromiseToPay
]:
    async with h.engine.begin() as conn:
        await handlers.delinquency_changed(conn, envelope(), mon.DelinquencyChanged(
            loan_id=f"{name}-L", borrower_id=f"{name}-B", business_date=day(D0),
            from_bucket="M0", to_bucket="M1", days_past_due=5,
            overdue=mres.ComponentAmounts(total=cny(10_000)), outstanding_principal=cny(90_000),
        ))
    [case] = (await h.cases.ListCases(c.ListCasesRequest(page_size=10, borrower_id=f"{name}-B"),
                                      metadata=h.metadata)).cases
    promise = (await h.promises.RecordPromiseToPay(
        c.RecordPromiseToPayRequest(
            request_id=request_id(), case_id=case.case_id, amount=cny(10_000),
            promised_date=day(D0 + dt.timedelta(days=3)), grace_days=2,
            threshold_percentage=money_pb2.DecimalValue(value="0.9000")),
        metadata=h.metadata)).promise
    return case.case_id, promise


async def _sweep(h: Harness, today: dt.date, settlement_days: int = 0) -> int:
    """One run of the hourly sweep (promise_deadline_worker's body) on business date ``today``."""
    async with h.engine.begin() as conn:
        change = Change(conn, h.clock.now(), today)
        if settlement_days:
            broken = await promise_use_cases.break_overdue_promises(
                change, today, settlement_days=settlement_days)
        else:
            broken = await promise_use_cases.break_overdue_promises(change, today)
        await change.flush()
    return broken


async def _pay(h: Harness, handlers: CollectionEventHandlers, name: str, repayment_id: str,
               fen: int, value_date: dt.date) -> None:
    async with h.engine.begin() as conn:
        await handlers.repayment_posted(conn, events_pb2.EventEnvelope(event_id=repayment_id),
                                        mon.RepaymentPosted(
            repayment_id=repayment_id, loan_id=f"{name}-L", borrower_id=f"{name}-B",
            amount=cny(fen), value_date=day(value_date), bucket="M1", days_past_due=5,
            overdue_amount=cny(1_000)))


async def _state(h: Harness, case_id: str, promise_id: str) -> tuple[r.PromiseToPay, r.Case]:
    promise = (await h.promises.GetPromiseToPay(
        c.GetPromiseToPayRequest(promise_id=promise_id), metadata=h.metadata)).promise
    case = (await h.cases.GetCase(c.GetCaseRequest(case_id=case_id),
                                  metadata=h.metadata)).collection_case
    return promise, case


async def test_on_time_payment_reported_after_the_sweep_keeps_the_promise(
    harness: Harness,
) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case_id, promise = await _case_with_promise(h, handlers, "LATE")
    # Just after midnight after the deadline the sweep breaks the promise and escalates.
    assert await _sweep(h, DEADLINE + dt.timedelta(days=1)) == 1
    broken, escalated = await _state(h, case_id, promise.promise_id)
    assert broken.state == r.PROMISE_STATE_BROKEN
    assert (escalated.tier, escalated.escalation_count) == (r.CASE_TIER_MIDDLE, 1)
    # Paid on the deadline itself, reported by monitoring only after the sweep ran.
    await _pay(h, handlers, "LATE", "LATE-R1", 9_000, DEADLINE)
    kept, case = await _state(h, case_id, promise.promise_id)
    assert (kept.state, kept.paid_amount.minor_units) == (r.PROMISE_STATE_KEPT, 9_000)
    assert kept.resolved_on == day(DEADLINE + dt.timedelta(days=1))
    # The break's escalation was the only one: undone, the case back in its delinquency tier.
    assert (case.tier, case.escalation_count) == (r.CASE_TIER_EARLY, 0)
    reasons = await h.scalar(
        "SELECT string_agg(kind || ' ' || coalesce(reason, ''), ' | ' ORDER BY sequence)"
        " FROM case_events WHERE case_id = :c AND kind IN ('PROMISE', 'TIER_CHANGED')",
        c=uuid.UUID(case_id))
    assert reasons.endswith(
        f"PROMISE BROKEN:{promise.promise_id} | TIER_CHANGED PROMISE_BROKEN"
        f" | PROMISE KEPT_LATE:{promise.promise_id}"
        f" | PROMISE ESCALATION_UNDONE:{promise.promise_id} | TIER_CHANGED DELINQUENCY")
    assert await h.scalar("SELECT escalation_floor FROM cases WHERE case_id = :c",
                          c=uuid.UUID(case_id)) is None
    tier_events = await h.scalar(
        "SELECT count(*) FROM outbox WHERE event_type LIKE '%CaseTierChanged'")
    assert tier_events == 2  # up on the break, back down on the correction
    kept_events = await h.scalar(
        "SELECT count(*) FROM outbox WHERE event_type LIKE '%PromiseToPayKept'")
    assert kept_events == 1
    # Redelivered (the consumer retried after a crash): nothing changes, nothing is emitted.
    before = await h.table_counts("case_events", "outbox", "case_recoveries")
    await _pay(h, handlers, "LATE", "LATE-R1", 9_000, DEADLINE)
    assert await h.table_counts("case_events", "outbox", "case_recoveries") == before
    again, case = await _state(h, case_id, promise.promise_id)
    assert (again.state, again.paid_amount.minor_units) == (r.PROMISE_STATE_KEPT, 9_000)
    assert (case.tier, case.escalation_count) == (r.CASE_TIER_EARLY, 0)


async def test_genuinely_broken_promise_stays_broken_and_waits_for_settlement(
    harness: Harness,
) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case_id, promise = await _case_with_promise(h, handlers, "GONE")
    # With a settlement lag of one day, the day after the deadline is still open...
    assert await _sweep(h, DEADLINE + dt.timedelta(days=1), settlement_days=1) == 0
    still, case = await _state(h, case_id, promise.promise_id)
    assert still.state == r.PROMISE_STATE_OPEN
    assert (case.tier, case.escalation_count) == (r.CASE_TIER_EARLY, 0)
    # ...and the day after that it breaks.
    assert await _sweep(h, DEADLINE + dt.timedelta(days=2), settlement_days=1) == 1
    # Too little within the window, reported late: counted toward it, still broken.
    await _pay(h, handlers, "GONE", "GONE-R1", 4_000, DEADLINE)
    # Enough, but value-dated after the window closed: still broken, still escalated.
    await _pay(h, handlers, "GONE", "GONE-R2", 6_000, DEADLINE + dt.timedelta(days=1))
    broken, case = await _state(h, case_id, promise.promise_id)
    assert (broken.state, broken.paid_amount.minor_units) == (r.PROMISE_STATE_BROKEN, 4_000)
    assert (case.tier, case.escalation_count) == (r.CASE_TIER_MIDDLE, 1)


async def test_kept_late_leaves_an_escalation_built_on_the_break(harness: Harness) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case_id, promise = await _case_with_promise(h, handlers, "MAN")
    assert await _sweep(h, DEADLINE + dt.timedelta(days=1)) == 1
    # A supervisor escalated again after the break: that floor was built on the break's.
    await h.cases.EscalateCase(c.EscalateCaseRequest(
        request_id=request_id(), case_id=case_id, reason="no contact"), metadata=h.metadata)
    await _pay(h, handlers, "MAN", "MAN-R1", 10_000, DEADLINE)
    kept, case = await _state(h, case_id, promise.promise_id)
    assert kept.state == r.PROMISE_STATE_KEPT
    assert (case.tier, case.escalation_count) == (r.CASE_TIER_LATE, 2)
    undone = await h.scalar(
        "SELECT count(*) FROM case_events WHERE case_id = :c AND reason LIKE 'ESCALATION_UNDONE%'",
        c=uuid.UUID(case_id))
    assert undone == 0


async def test_the_handlers_read_the_settlement_lag_from_the_environment(
    harness: Harness, monkeypatch: pytest.MonkeyPatch,
) -> None:
    h = harness
    monkeypatch.setenv("POSTLOAN_COLLECTION_PROMISE_SETTLEMENT_DAYS", "1")
    handlers = CollectionEventHandlers(h.clock)
    case_id, promise = await _case_with_promise(h, handlers, "ENV")

    async def daily_event(business_date: dt.date) -> r.PromiseToPay:
        async with h.engine.begin() as conn:
            await handlers.installment_due_soon(conn, envelope(), mon.InstallmentDueSoon(
                loan_id="Z", borrower_id="Z", business_date=day(business_date),
                installment_sequence=1, due_date=day(business_date + dt.timedelta(days=3)),
                amount_due=cny(1), days_until_due=3))
        return (await _state(h, case_id, promise.promise_id))[0]

    assert (await daily_event(DEADLINE + dt.timedelta(days=1))).state == r.PROMISE_STATE_OPEN
    assert (await daily_event(DEADLINE + dt.timedelta(days=2))).state == r.PROMISE_STATE_BROKEN


async def test_late_report_goes_to_the_broken_promise_not_the_next_one(harness: Harness) -> None:
    h = harness
    handlers = CollectionEventHandlers(h.clock)
    case_id, first = await _case_with_promise(h, handlers, "NEXT")
    assert await _sweep(h, DEADLINE + dt.timedelta(days=1)) == 1
    # The collector takes a new promise the morning after the break...
    h.clock.set_business_date(DEADLINE + dt.timedelta(days=1))
    second = (await h.promises.RecordPromiseToPay(
        c.RecordPromiseToPayRequest(
            request_id=request_id(), case_id=case_id, amount=cny(5_000),
            promised_date=day(DEADLINE + dt.timedelta(days=4))),
        metadata=h.metadata)).promise
    # ...then the deadline's payment is reported: it kept the first promise, not the second.
    await _pay(h, handlers, "NEXT", "NEXT-R1", 9_000, DEADLINE)
    kept, case = await _state(h, case_id, first.promise_id)
    assert (kept.state, kept.paid_amount.minor_units) == (r.PROMISE_STATE_KEPT, 9_000)
    untouched = (await _state(h, case_id, second.promise_id))[0]
    assert (untouched.state, untouched.paid_amount.minor_units) == (r.PROMISE_STATE_OPEN, 0)
    assert (case.tier, case.escalation_count) == (r.CASE_TIER_EARLY, 0)
