"""Case lifecycle driven by monitoring's and restructuring's events through real gRPC event
feeds: opened on delinquency, retiered on bucket changes, loans added, paused by plans (also
before the case exists), reopened and escalated by a broken plan, closed on cure and payoff."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from cases_harness import Harness, cny, day, request_id

from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import resources_pb2 as r
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan.restructuring.v1 import events_pb2 as rst
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)


def delinquency(loan: str, borrower: str, from_b: str, to_b: str, dpd: int, overdue: int,
                when: dt.date = D0, outstanding: int = 500_000) -> mon.DelinquencyChanged:
    return mon.DelinquencyChanged(
        loan_id=loan, borrower_id=borrower, business_date=day(when), from_bucket=from_b,
        to_bucket=to_b, days_past_due=dpd,
        overdue=mres.ComponentAmounts(total=cny(overdue)), outstanding_principal=cny(outstanding),
    )


async def only_case(h: Harness, borrower: str) -> r.Case:
    listed = await h.cases.ListCases(c.ListCasesRequest(borrower_id=borrower), metadata=h.metadata)
    assert len(listed.cases) == 1
    return listed.cases[0]


async def history(h: Harness, case_id: str) -> list[str]:
    got = await h.cases.ListCaseHistory(
        c.ListCaseHistoryRequest(case_id=case_id), metadata=h.metadata
    )
    return [r.CaseEventKind.Name(e.kind).removeprefix("CASE_EVENT_KIND_") for e in got.entries]


async def test_case_lifecycle_from_real_event_feeds(harness: Harness) -> None:
    h = harness
    # Entering delinquency opens a case under the default champion strategy.
    await h.publish_and_wait(h.monitoring, "monitoring",
                             delinquency("L-1", "B-1", "M0", "M1", 5, 12_000))
    case = await only_case(h, "B-1")
    assert case.state == r.CASE_STATE_OPEN
    assert case.tier == r.CASE_TIER_EARLY
    assert case.strategy_arm == r.STRATEGY_ARM_CHAMPION
    assert list(case.treatments) == [r.TREATMENT_SMS, r.TREATMENT_APP_PUSH, r.TREATMENT_IVR]
    assert case.overdue_amount.minor_units == 12_000 and case.days_past_due == 5
    assert [loan.loan_id for loan in case.loans] == ["L-1"]

    # A bucket change retiers; a second delinquent loan joins the same case.
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        delinquency("L-1", "B-1", "M1", "M2", 35, 30_000),
        delinquency("L-2", "B-1", "M0", "M1", 3, 1_000),
    )
    case = await only_case(h, "B-1")
    assert case.tier == r.CASE_TIER_MIDDLE
    assert case.days_past_due == 35 and case.overdue_amount.minor_units == 31_000
    assert sorted(loan.loan_id for loan in case.loans) == ["L-1", "L-2"]
    assert await history(h, case.case_id) == ["OPENED", "TIER_CHANGED", "LOAN_ADDED"]

    # Restructuring pauses loan by loan; the case is PAUSED when every loan is.
    first = await h.cases.PauseCase(
        c.PauseCaseRequest(request_id=request_id(), loan_id="L-1", plan_id="P-1",
                           borrower_id="B-1", effective_date=day(D0)),
        metadata=h.metadata,
    )
    assert first.outcome == c.PAUSE_OUTCOME_PAUSED
    assert first.collection_case.state == r.CASE_STATE_OPEN
    second = await h.cases.PauseCase(
        c.PauseCaseRequest(request_id=request_id(), loan_id="L-2", plan_id="P-2",
                           borrower_id="B-1", effective_date=day(D0)),
        metadata=h.metadata,
    )
    assert second.collection_case.state == r.CASE_STATE_PAUSED
    repeat = await h.cases.PauseCase(
        c.PauseCaseRequest(request_id=request_id(), loan_id="L-2", plan_id="P-2",
                           borrower_id="B-1", effective_date=day(D0)),
        metadata=h.metadata,
    )
    assert repeat.outcome == c.PAUSE_OUTCOME_ALREADY_PAUSED
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await h.cases.PauseCase(
            c.PauseCaseRequest(request_id=request_id(), loan_id="L-2", plan_id="P-9",
                               borrower_id="B-1", effective_date=day(D0)),
            metadata=h.metadata,
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert decode_error(refused.value).reason == "PLAN_ID_CONFLICT"

    # The plan on L-2 breaks: the pause ends, the case reopens one tier up.
    await h.publish_and_wait(
        h.restructuring, "restructuring",
        rst.PlanBroken(plan_id="P-2", loan_id="L-2", borrower_id="B-1", business_date=day(D0),
                       days_past_due=40, installment_sequence=1, overdue_amount=cny(5_000)),
    )
    case = await only_case(h, "B-1")
    assert case.state == r.CASE_STATE_OPEN
    assert case.tier == r.CASE_TIER_LATE  # MIDDLE (40 days) escalated once
    assert case.escalation_count == 1
    kinds = await history(h, case.case_id)
    assert kinds[-3:] == ["REOPENED", "ESCALATED", "TIER_CHANGED"]

    # Cure of one loan and payoff of the other close the case.
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        mon.LoanCured(loan_id="L-2", borrower_id="B-1", business_date=day(D0),
                      from_bucket="M2", previous_days_past_due=40),
        mon.LoanPaidOff(loan_id="L-1", borrower_id="B-1", paid_off_date=day(D0),
                        total_repaid=cny(600_000), plan_id="P-1"),
    )
    closed = await h.cases.GetCase(c.GetCaseRequest(case_id=case.case_id), metadata=h.metadata)
    assert closed.collection_case.state == r.CASE_STATE_CLOSED
    assert closed.collection_case.close_reason == r.CASE_CLOSE_REASON_PAID_OFF
    # L-2 cured first: the loan left was paused by P-1, so the case paused until the payoff.
    assert (await history(h, case.case_id))[-4:] == [
        "LOAN_REMOVED", "PAUSED", "LOAN_REMOVED", "CLOSED"
    ]
    # Collection's own events went to its outbox in the same transactions.
    types = await h.scalar(
        "SELECT string_agg(DISTINCT event_type, ',') FROM outbox"
    )
    for name in ("CaseOpened", "CaseTierChanged", "CasePaused", "CaseReopened", "CaseClosed"):
        assert f"postloan.collection.v1.{name}" in types


async def test_pause_recorded_before_the_case_makes_it_start_paused(harness: Harness) -> None:
    h = harness
    early = await h.cases.PauseCase(
        c.PauseCaseRequest(request_id=request_id(), loan_id="L-7", plan_id="P-7",
                           borrower_id="B-7", effective_date=day(D0)),
        metadata=h.metadata,
    )
    assert early.outcome == c.PAUSE_OUTCOME_NO_OPEN_CASE
    assert not early.HasField("collection_case")
    await h.publish_and_wait(h.monitoring, "monitoring",
                             delinquency("L-7", "B-7", "M0", "M1", 2, 900))
    case = await only_case(h, "B-7")
    assert case.state == r.CASE_STATE_PAUSED
    assert case.loans[0].paused_by_plan_id == "P-7"
    # Lifting the pause (plan cancelled) opens it.
    resumed = await h.cases.ResumeCase(
        c.ResumeCaseRequest(request_id=request_id(), loan_id="L-7", plan_id="P-7",
                            reason="plan cancelled"),
        metadata=h.metadata,
    )
    assert resumed.collection_case.state == r.CASE_STATE_OPEN
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await h.cases.ResumeCase(
            c.ResumeCaseRequest(request_id=request_id(), loan_id="L-7", plan_id="P-8",
                                reason="x"),
            metadata=h.metadata,
        )
    assert decode_error(refused.value).reason == "NOT_PAUSED_BY_PLAN"


async def test_redelivered_event_changes_nothing_and_bad_requests_write_nothing(
    harness: Harness,
) -> None:
    h = harness
    event = delinquency("L-3", "B-3", "M0", "M1", 1, 100)
    await h.publish_and_wait(h.monitoring, "monitoring", event)
    before = await h.table_counts("cases", "case_events", "outbox", "idempotency_keys")
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await h.cases.PauseCase(c.PauseCaseRequest(loan_id="", plan_id="P"), metadata=h.metadata)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in decode_error(bad.value).field_violations}
    assert {"request_id", "loan_id", "borrower_id", "effective_date"} <= fields
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await h.cases.EscalateCase(
            c.EscalateCaseRequest(request_id=request_id(),
                                  case_id="00000000-0000-4000-8000-00000000abcd", reason="x"),
            metadata=h.metadata,
        )
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    assert await h.table_counts("cases", "case_events", "outbox", "idempotency_keys") == before
