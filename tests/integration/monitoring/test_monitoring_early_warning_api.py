"""Early warning through a real server and PostgreSQL: alerts raised at repayment posting
(partial payment, late streak, payment-day drift) and from credit_inquiry's InquiryCompleted
(consumed by the real EventConsumer: stored once, inquiry spike and score drop), each with an
EarlyWarningRaised in the outbox; the lifecycle open → acknowledged → resolved with the
operator recorded, idempotent by request_id, refusals that change nothing; ListAlerts filters
and pages; the after-payoff review."""

from __future__ import annotations

import datetime as dt
import uuid

import grpc
import pytest
from monitoring_harness import Harness, pb_date
from sqlalchemy import text

from postloan.monitoring.v1 import events_pb2 as m_events
from postloan.monitoring.v1 import monitoring_pb2, resources_pb2
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration


@pytest.fixture
async def harness(monitoring_harness: Harness) -> Harness:
    return monitoring_harness


async def refused(call) -> object:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return error.value


async def test_payment_behaviour_raises_alerts_at_posting(harness: Harness) -> None:
    loan_id = await harness.register()
    first = await harness.installment_total(loan_id, 1)
    # Installment 1 (due 10 Feb) paid in part on 12 Feb: PARTIAL_PAYMENT.
    await harness.pay(loan_id, first // 2, dt.date(2024, 2, 12))
    [partial] = await harness.list_alerts(loan_id=loan_id)
    assert partial.rule_code == "PARTIAL_PAYMENT"
    assert partial.severity == resources_pb2.ALERT_SEVERITY_LOW
    assert partial.state == resources_pb2.ALERT_STATE_OPEN
    assert [(e.name, e.value, e.threshold) for e in partial.evidence] == [
        ("paid_fen", str(first // 2), str(first))]
    assert partial.business_date == pb_date(dt.date(2024, 2, 12))
    # The rest on 14 Feb (4 days after due: late with 3 grace days); then 2 and 3 ever later:
    # delays 4, 6, 10 days → LATE_STREAK (3 late) and PAYMENT_DAY_DRIFT (+6 over 3 payments).
    await harness.pay(loan_id, first - first // 2, dt.date(2024, 2, 14))
    await harness.pay(loan_id, await harness.installment_total(loan_id, 2), dt.date(2024, 3, 16))
    assert {a.rule_code for a in await harness.list_alerts(loan_id=loan_id)} == {
        "PARTIAL_PAYMENT"}
    await harness.pay(loan_id, await harness.installment_total(loan_id, 3), dt.date(2024, 4, 20))
    alerts = {a.rule_code: a for a in await harness.list_alerts(loan_id=loan_id)}
    assert set(alerts) == {"PARTIAL_PAYMENT", "LATE_STREAK", "PAYMENT_DAY_DRIFT"}
    assert [(e.name, e.value) for e in alerts["LATE_STREAK"].evidence] == [
        ("late_payment_streak", "3")]
    assert [(e.name, e.value) for e in alerts["PAYMENT_DAY_DRIFT"].evidence] == [
        ("payment_delay_days", "4,6,10")]
    raised = await harness.outbox(m_events.EarlyWarningRaised)
    assert sorted(e.rule_code for e in raised) == sorted(alerts)
    assert {e.alert_id for e in raised} == {a.alert_id for a in alerts.values()}
    # A fourth late payment while LATE_STREAK is unresolved raises nothing new.
    await harness.pay(loan_id, await harness.installment_total(loan_id, 4), dt.date(2024, 5, 25))
    assert len(await harness.list_alerts(loan_id=loan_id)) == 3
    assert len(await harness.outbox(m_events.EarlyWarningRaised)) == 3


async def test_inquiry_events_store_signals_and_raise_borrower_alerts(harness: Harness) -> None:
    await harness.register(borrower="B-EW-2")
    applied, first_id = await harness.inquiry("B-EW-2", score=720, inquiries_1m=1,
                                              day=dt.date(2024, 3, 1))
    assert applied
    assert await harness.list_alerts(borrower_id="B-EW-2") == []
    # 70 points lower and 5 inquiries in a month: SCORE_DROP (HIGH) and INQUIRY_SPIKE (MEDIUM).
    applied, second_id = await harness.inquiry("B-EW-2", score=650, inquiries_1m=5,
                                               day=dt.date(2024, 3, 20))
    assert applied
    alerts = {a.rule_code: a for a in await harness.list_alerts(borrower_id="B-EW-2")}
    assert set(alerts) == {"SCORE_DROP", "INQUIRY_SPIKE"}
    assert alerts["SCORE_DROP"].severity == resources_pb2.ALERT_SEVERITY_HIGH
    assert [(e.name, e.value, e.threshold) for e in alerts["SCORE_DROP"].evidence] == [
        ("score_drop_points", "70", "50")]
    assert [(e.name, e.value, e.threshold) for e in alerts["INQUIRY_SPIKE"].evidence] == [
        ("inquiries_last_1_month", "5", "4")]
    assert all(a.loan_id == "" for a in alerts.values())
    # Redelivery of the same event: skipped by the inbox, nothing stored or raised twice.
    harness.position -= 1
    applied, _ = await harness.inquiry("B-EW-2", score=650, inquiries_1m=5,
                                       day=dt.date(2024, 3, 20), inquiry_id=second_id)
    assert not applied
    async with harness.engine.connect() as conn:  # type: ignore[attr-defined]
        stored = (await conn.execute(text(
            "SELECT inquiry_id, hard, score, inquiries_1m FROM borrower_inquiries "
            "ORDER BY completed_at"))).all()
    assert [tuple(r) for r in stored] == [(first_id, 1, 720, 1), (second_id, 1, 650, 5)]
    assert len(await harness.outbox(m_events.EarlyWarningRaised)) == 2
    # A borrower monitoring has no loans of (an applicant): stored, no alert.
    await harness.inquiry("B-APPLICANT", score=500, inquiries_1m=9, day=dt.date(2024, 3, 20))
    assert await harness.list_alerts(borrower_id="B-APPLICANT") == []


async def test_an_unavailable_inquiry_count_is_stored_as_no_signal(harness: Harness) -> None:
    """A consent without the inquiry-records section: the count reads 0 on the wire and is
    named unavailable; monitoring stores no count (NULL), not a genuine 0."""
    _, unknown = await harness.inquiry("B-EW-9", score=None, inquiries_1m=0,
                                       day=dt.date(2024, 3, 1),
                                       unavailable=("inquiries_last_1_month",))
    _, known = await harness.inquiry("B-EW-9", score=None, inquiries_1m=0,
                                     day=dt.date(2024, 3, 2))
    async with harness.engine.connect() as conn:  # type: ignore[attr-defined]
        stored = dict((await conn.execute(text(
            "SELECT inquiry_id, inquiries_1m FROM borrower_inquiries WHERE borrower_id = :b"),
            {"b": "B-EW-9"})).all())
    assert stored == {unknown: None, known: 0}


async def test_lifecycle_operator_idempotency_and_refusals(harness: Harness) -> None:
    await harness.register(borrower="B-EW-3")
    await harness.inquiry("B-EW-3", score=None, inquiries_1m=6, day=dt.date(2024, 3, 1))
    [alert] = await harness.list_alerts(borrower_id="B-EW-3")
    ack = monitoring_pb2.AcknowledgeAlertRequest(
        request_id=str(uuid.uuid4()), alert_id=alert.alert_id, note="looking")
    acked = (await harness.alerts.AcknowledgeAlert(ack, metadata=harness.metadata)).alert
    assert acked.state == resources_pb2.ALERT_STATE_ACKNOWLEDGED
    assert acked.acknowledged_by == "op-42" and acked.HasField("acknowledged_at")
    # The same request again: the same answer, not ALERT_NOT_OPEN.
    again = (await harness.alerts.AcknowledgeAlert(ack, metadata=harness.metadata)).alert
    assert again == acked
    # A new acknowledgement of an acknowledged alert is refused.
    error = await refused(harness.alerts.AcknowledgeAlert(
        monitoring_pb2.AcknowledgeAlertRequest(request_id=str(uuid.uuid4()),
                                               alert_id=alert.alert_id),
        metadata=harness.metadata))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert decode_error(error).reason == "ALERT_NOT_OPEN"
    resolve = monitoring_pb2.ResolveAlertRequest(
        request_id=str(uuid.uuid4()), alert_id=alert.alert_id,
        resolution=resources_pb2.ALERT_RESOLUTION_NO_ACTION_NEEDED, note="known multi-lender")
    resolved = (await harness.alerts.ResolveAlert(resolve, metadata=harness.metadata)).alert
    assert resolved.state == resources_pb2.ALERT_STATE_RESOLVED
    assert resolved.resolved_by == "op-42"
    assert resolved.resolution == resources_pb2.ALERT_RESOLUTION_NO_ACTION_NEEDED
    assert resolved.resolution_note == "known multi-lender"
    assert (await harness.alerts.ResolveAlert(resolve, metadata=harness.metadata)).alert == \
        resolved
    error = await refused(harness.alerts.ResolveAlert(
        monitoring_pb2.ResolveAlertRequest(
            request_id=str(uuid.uuid4()), alert_id=alert.alert_id,
            resolution=resources_pb2.ALERT_RESOLUTION_FALSE_POSITIVE),
        metadata=harness.metadata))
    assert decode_error(error).reason == "ALERT_ALREADY_RESOLVED"
    got = (await harness.alerts.GetAlert(
        monitoring_pb2.GetAlertRequest(alert_id=alert.alert_id), metadata=harness.metadata)).alert
    assert got == resolved
    # Once resolved, the rule can fire again for the borrower: a new open alert.
    await harness.inquiry("B-EW-3", score=None, inquiries_1m=7, day=dt.date(2024, 4, 1))
    states = sorted(a.state for a in await harness.list_alerts(borrower_id="B-EW-3"))
    assert states == [resources_pb2.ALERT_STATE_OPEN, resources_pb2.ALERT_STATE_RESOLVED]
    # Unknown alert, bad requests.
    error = await refused(harness.alerts.GetAlert(
        monitoring_pb2.GetAlertRequest(alert_id=str(uuid.uuid4())), metadata=harness.metadata))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = await refused(harness.alerts.ResolveAlert(
        monitoring_pb2.ResolveAlertRequest(alert_id="nope"), metadata=harness.metadata))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in decode_error(error).field_violations}
    assert fields == {"request_id", "alert_id", "resolution"}


async def test_list_alerts_filters_and_pages_newest_first(harness: Harness) -> None:
    for n in range(5):
        borrower = f"B-EW-P{n}"
        await harness.register(borrower=borrower)
        harness.clock.set_business_date(dt.date(2024, 3, 1 + n))
        await harness.inquiry(borrower, score=None, inquiries_1m=4 + n,
                              day=dt.date(2024, 3, 1 + n))
    seen, token = [], ""
    while True:
        page = await harness.alerts.ListAlerts(
            monitoring_pb2.ListAlertsRequest(page_size=2, page_token=token,
                                             rule_codes=["INQUIRY_SPIKE"]),
            metadata=harness.metadata)
        seen.extend(a.borrower_id for a in page.alerts)
        token = page.next_page_token
        if not token:
            break
    assert seen == [f"B-EW-P{n}" for n in reversed(range(5))]
    assert await harness.list_alerts(
        severities=[resources_pb2.ALERT_SEVERITY_HIGH]) == []
    assert len(await harness.list_alerts(states=[resources_pb2.ALERT_STATE_OPEN])) == 5
    # A token only continues the listing it came from.
    first = await harness.alerts.ListAlerts(
        monitoring_pb2.ListAlertsRequest(page_size=2), metadata=harness.metadata)
    error = await refused(harness.alerts.ListAlerts(
        monitoring_pb2.ListAlertsRequest(page_size=2, page_token=first.next_page_token,
                                         borrower_id="B-EW-P1"),
        metadata=harness.metadata))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_after_payoff_review_lists_borrowers_with_later_signals(harness: Harness) -> None:
    quiet = await harness.register(borrower="B-PAID-QUIET", principal=100_000, term=1)
    busy = await harness.register(borrower="B-PAID-BUSY", principal=100_000, term=1)
    still = await harness.register(borrower="B-STILL", principal=100_000, term=1)
    await harness.inquiry("B-PAID-BUSY", score=700, inquiries_1m=1, day=dt.date(2024, 1, 5))
    for loan_id in (quiet, busy):
        total = await harness.installment_total(loan_id, 1)
        loan = await harness.pay(loan_id, total, dt.date(2024, 2, 10))
        assert loan.state == resources_pb2.LOAN_STATE_PAID_OFF
    # After payoff: B-PAID-BUSY shops around (spike) and its score drops 60 points; B-STILL
    # (not paid off) has the same signals but is not a paid-off borrower.
    await harness.inquiry("B-PAID-BUSY", score=640, inquiries_1m=5, day=dt.date(2024, 3, 1))
    await harness.inquiry("B-PAID-BUSY", score=640, inquiries_1m=5, day=dt.date(2024, 3, 2),
                          hard=False)
    await harness.inquiry("B-STILL", score=600, inquiries_1m=5, day=dt.date(2024, 3, 1))
    harness.clock.set_business_date(dt.date(2024, 4, 1))
    response = await harness.alerts.ListPaidOffReviewCandidates(
        monitoring_pb2.ListPaidOffReviewCandidatesRequest(), metadata=harness.metadata)
    [candidate] = response.candidates
    assert candidate.borrower_id == "B-PAID-BUSY"
    assert candidate.last_paid_off_date == pb_date(dt.date(2024, 2, 10))
    assert list(candidate.paid_off_loan_ids) == [busy]
    assert candidate.inquiries_since_payoff == 1  # the soft one does not count
    assert candidate.alerts_since_payoff == 2
    assert candidate.latest_score == 640 and candidate.score_change_since_payoff == -60
    assert list(candidate.signals) == ["INQUIRY_SPIKE", "NEW_INQUIRY", "SCORE_DROP"]
    # Outside the lookback window: no candidates.
    harness.clock.set_business_date(dt.date(2024, 9, 1))
    response = await harness.alerts.ListPaidOffReviewCandidates(
        monitoring_pb2.ListPaidOffReviewCandidatesRequest(lookback_days=30),
        metadata=harness.metadata)
    assert list(response.candidates) == []
    assert still  # registered so B-STILL is a known borrower
