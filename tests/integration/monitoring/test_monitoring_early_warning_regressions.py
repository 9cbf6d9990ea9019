"""Early-warning regressions through a real server and PostgreSQL: a first-payment default
reached by a posting (not by the daily cycle) is raised once; a resolved repayment alert is not
raised again by a later posting that changes nothing it was about; alert notes refuse personal
data."""

from __future__ import annotations

import datetime as dt
import uuid

import grpc
import pytest
from monitoring_harness import Harness, pb_date
from sqlalchemy import text

from monitoring.service_layer.daily_cycle import run_daily_cycle
from postloan.monitoring.v1 import events_pb2 as m_events
from postloan.monitoring.v1 import monitoring_pb2, resources_pb2
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration


async def _cycle(h: Harness, day: dt.date) -> None:
    h.clock.set_business_date(day)
    async for _ in run_daily_cycle(h.engine, day, 0, 1, clock=h.clock):  # type: ignore[arg-type]
        pass


async def test_first_payment_default_when_a_posting_ages_the_loan_to_30_days(
    monitoring_harness: Harness,
) -> None:
    h = monitoring_harness
    # Both loans: installment 1 due 10 Feb (grace 3), never paid in full; 30 days past due on
    # 11 Mar.
    await h.register(borrower="B-FPD-A", loan_id="L-FPD-A")
    await h.register(borrower="B-FPD-B", loan_id="L-FPD-B")
    await h.register(borrower="B-FPD-C", loan_id="L-FPD-C")
    await _cycle(h, dt.date(2024, 3, 9))
    # A posting that ages a loan to 29 days only is no first-payment default.
    loan = await h.pay("L-FPD-C", 500, dt.date(2024, 3, 10))
    assert loan.status.days_past_due == 29
    assert await h.list_alerts(loan_id="L-FPD-C", rule_codes=["FIRST_PAYMENT_DEFAULT"]) == []
    await _cycle(h, dt.date(2024, 3, 10))
    # L-FPD-B: a small payment on 11 Mar, before that day's cycle, stores 30 days itself; the
    # cycle then sees no change for it.
    loan = await h.pay("L-FPD-B", 500, dt.date(2024, 3, 11))
    assert loan.status.days_past_due == 30
    for day in (dt.date(2024, 3, 11), dt.date(2024, 3, 12), dt.date(2024, 3, 13)):
        await _cycle(h, day)
    # Exactly one each, whichever raised it (L-FPD-C: the cycle of 11 Mar).
    for loan_id in ("L-FPD-A", "L-FPD-B", "L-FPD-C"):
        fpd = [a for a in await h.list_alerts(loan_id=loan_id)
               if a.rule_code == "FIRST_PAYMENT_DEFAULT"]
        assert [(a.business_date, [(e.name, e.value) for e in a.evidence]) for a in fpd] == [
            (pb_date(dt.date(2024, 3, 11)), [("days_past_due", "30")])], loan_id
    raised = [e for e in await h.outbox(m_events.EarlyWarningRaised)
              if e.rule_code == "FIRST_PAYMENT_DEFAULT"]
    assert sorted(e.loan_id for e in raised) == ["L-FPD-A", "L-FPD-B", "L-FPD-C"]


async def test_a_resolved_late_streak_is_not_raised_again_on_the_same_evidence(
    monitoring_harness: Harness,
) -> None:
    h = monitoring_harness
    loan_id = await h.register(borrower="B-LATE")
    # Installments 1-3 (due the 10th, grace 3) paid 5, 6 and 7 days late: LATE_STREAK.
    for seq, day in ((1, dt.date(2024, 2, 15)), (2, dt.date(2024, 3, 16)),
                     (3, dt.date(2024, 4, 17))):
        await h.pay(loan_id, await h.installment_total(loan_id, seq), day)
    [streak] = await h.list_alerts(loan_id=loan_id)
    assert streak.rule_code == "LATE_STREAK"
    await h.alerts.ResolveAlert(monitoring_pb2.ResolveAlertRequest(
        request_id=str(uuid.uuid4()), alert_id=streak.alert_id,
        resolution=resources_pb2.ALERT_RESOLUTION_ACTION_TAKEN, note="reminder sent"),
        metadata=h.metadata)
    # Small payments towards installment 4 (due 10 May) settle nothing: same streak, no alert.
    await h.pay(loan_id, 100, dt.date(2024, 4, 20))
    await h.pay(loan_id, 100, dt.date(2024, 4, 21))
    assert [(a.rule_code, a.state) for a in await h.list_alerts(loan_id=loan_id)] == [
        ("LATE_STREAK", resources_pb2.ALERT_STATE_RESOLVED)]
    # Installment 4 paid late too: the streak grew, that is new evidence.
    await h.pay(loan_id, await h.installment_total(loan_id, 4) - 200, dt.date(2024, 5, 20))
    alerts = await h.list_alerts(loan_id=loan_id)
    assert [(a.rule_code, a.state, [e.value for e in a.evidence]) for a in alerts] == [
        ("LATE_STREAK", resources_pb2.ALERT_STATE_OPEN, ["4"]),
        ("LATE_STREAK", resources_pb2.ALERT_STATE_RESOLVED, ["3"]),
    ]


async def test_a_resolved_partial_payment_is_not_raised_again_for_the_same_installment(
    monitoring_harness: Harness,
) -> None:
    h = monitoring_harness
    loan_id = await h.register(borrower="B-PART")
    first = await h.installment_total(loan_id, 1)
    await h.pay(loan_id, first // 4, dt.date(2024, 2, 11))
    [partial] = await h.list_alerts(loan_id=loan_id)
    await h.alerts.ResolveAlert(monitoring_pb2.ResolveAlertRequest(
        request_id=str(uuid.uuid4()), alert_id=partial.alert_id,
        resolution=resources_pb2.ALERT_RESOLUTION_NO_ACTION_NEEDED), metadata=h.metadata)
    await h.pay(loan_id, first // 4, dt.date(2024, 2, 12))
    assert [(a.rule_code, a.state) for a in await h.list_alerts(loan_id=loan_id)] == [
        ("PARTIAL_PAYMENT", resources_pb2.ALERT_STATE_RESOLVED)]
    async with h.engine.connect() as conn:  # type: ignore[attr-defined]
        assert await conn.scalar(text("SELECT count(*) FROM alerts")) == 1


async def test_alert_notes_refuse_personal_data(monitoring_harness: Harness) -> None:
    h = monitoring_harness
    await h.register(borrower="B-NOTE")
    await h.inquiry("B-NOTE", score=None, inquiries_1m=6, day=dt.date(2024, 3, 1))
    [alert] = await h.list_alerts(borrower_id="B-NOTE")
    personal = ("called at 13812345678", "ID 110101199003074578 checked")
    for note in personal:
        error = await _refused(h.alerts.AcknowledgeAlert(monitoring_pb2.AcknowledgeAlertRequest(
            request_id=str(uuid.uuid4()), alert_id=alert.alert_id, note=note),
            metadata=h.metadata))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [f.field for f in decode_error(error).field_violations] == ["note"]
        assert note not in (error.details() or "")
        error = await _refused(h.alerts.ResolveAlert(monitoring_pb2.ResolveAlertRequest(
            request_id=str(uuid.uuid4()), alert_id=alert.alert_id,
            resolution=resources_pb2.ALERT_RESOLUTION_NO_ACTION_NEEDED, note=note),
            metadata=h.metadata))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [f.field for f in decode_error(error).field_violations] == ["note"]
    [unchanged] = await h.list_alerts(borrower_id="B-NOTE")
    assert unchanged.state == resources_pb2.ALERT_STATE_OPEN
    resolved = (await h.alerts.ResolveAlert(monitoring_pb2.ResolveAlertRequest(
        request_id=str(uuid.uuid4()), alert_id=alert.alert_id,
        resolution=resources_pb2.ALERT_RESOLUTION_NO_ACTION_NEEDED,
        note="borrower confirmed by phone, known multi-lender"), metadata=h.metadata)).alert
    assert resolved.resolution_note == "borrower confirmed by phone, known multi-lender"
    async with h.engine.connect() as conn:  # type: ignore[attr-defined]
        notes = (await conn.execute(text("SELECT resolution_note FROM alerts"))).scalars().all()
    assert notes == ["borrower confirmed by phone, known multi-lender"]


async def _refused(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call  # type: ignore[misc]
    return error.value
