"""Review regressions through the real server: the risk segment of a case no segment matches
(the set-based retier agrees with ``risk_segment_for``: the last segment by priority), and
placement with an agency that does not take the case's tier (refused, AGENCY_TIER_MISMATCH;
a placed case keeps its agency when its tier changes later)."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from cases_harness import Harness, cny, day, request_id

from collection.domain.strategies import RiskSegment, risk_segment_for
from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)


def delinquent(loan: str, borrower: str, dpd: int) -> mon.DelinquencyChanged:
    return mon.DelinquencyChanged(
        loan_id=loan, borrower_id=borrower, business_date=day(D0), from_bucket="M0",
        to_bucket="M1", days_past_due=dpd, overdue=mres.ComponentAmounts(total=cny(5_000)),
        outstanding_principal=cny(100_000),
    )


async def the_case(h: Harness, borrower: str) -> r.Case:
    [case] = (await h.cases.ListCases(c.ListCasesRequest(borrower_id=borrower),
                                      metadata=h.metadata)).cases
    return case


async def test_a_case_no_segment_matches_gets_the_last_segment_by_priority(
    harness: Harness,
) -> None:
    h = harness
    # Every segment has score bounds, so a borrower without a score matches none of them.
    segments = [("GOOD", 700, 0, 1, r.CASE_TIER_EARLY), ("FAIR", 500, 699, 2, r.CASE_TIER_MIDDLE),
                ("POOR", 1, 499, 3, r.CASE_TIER_LATE)]
    created = await h.strategies.CreateStrategyVersion(
        c.CreateStrategyVersionRequest(
            request_id=request_id(), name="scored",
            risk_segments=[r.RiskSegment(code=code, min_score=lo, max_score=hi, priority=p)
                           for code, lo, hi, p, _ in segments],
            tier_rules=[r.TierRule(min_days_past_due=1, risk_segment=code, tier=tier,
                                   treatments=[r.TREATMENT_SMS])
                        for code, _, _, _, tier in segments],
            pre_due_treatments=[r.TREATMENT_SMS]),
        metadata=h.metadata)
    await h.strategies.ActivateStrategyVersion(
        c.ActivateStrategyVersionRequest(
            request_id=request_id(),
            strategy_version_id=created.strategy_version.strategy_version_id),
        metadata=h.metadata)
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-U1", "B-U1", 10))
    case = await the_case(h, "B-U1")
    domain = [RiskSegment(code, lo or None, hi or None, None, None, p)
              for code, lo, hi, p, _ in segments]
    expected = risk_segment_for(domain, None, 100_000)
    assert expected is not None and expected.code == "POOR"
    assert (case.risk_segment, case.tier) == ("POOR", r.CASE_TIER_LATE)


async def _refusal(call) -> tuple[grpc.StatusCode, object]:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return error.value.code(), decode_error(error.value)


async def test_placement_with_an_agency_that_does_not_take_the_tier_is_refused(
    harness: Harness,
) -> None:
    h = harness
    await h.agents.CreateAgency(
        c.CreateAgencyRequest(request_id=request_id(), agency=r.Agency(
            agency_id="AG-L", name="Late only", tiers=[r.CASE_TIER_LATE], capacity=5,
            active=True, commission_rate=money_pb2.DecimalValue(value="0.2000"))),
        metadata=h.metadata)
    await h.agents.CreateAgency(
        c.CreateAgencyRequest(request_id=request_id(), agency=r.Agency(
            agency_id="AG-E", name="Early only", tiers=[r.CASE_TIER_EARLY], capacity=5,
            active=True, commission_rate=money_pb2.DecimalValue(value="0.2000"))),
        metadata=h.metadata)
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-P1", "B-P1", 10))
    case = await the_case(h, "B-P1")
    assert case.tier == r.CASE_TIER_EARLY
    before = await h.table_counts("case_assignments", "case_events")
    code, error = await _refusal(h.assignment.PlaceCaseWithAgency(
        c.PlaceCaseWithAgencyRequest(request_id=request_id(), case_id=case.case_id,
                                     agency_id="AG-L", reason="no contact"),
        metadata=h.metadata))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "AGENCY_TIER_MISMATCH"
    assert dict(error.metadata) == {"agency_id": "AG-L", "tier": "EARLY"}
    assert await h.table_counts("case_assignments", "case_events") == before
    assert (await the_case(h, "B-P1")).agency_id == ""

    # Placed with an agency that takes its tier, the case keeps the agency when escalated
    # to a tier the agency does not take (the placement is checked when it is made).
    placed = await h.assignment.PlaceCaseWithAgency(
        c.PlaceCaseWithAgencyRequest(request_id=request_id(), case_id=case.case_id,
                                     agency_id="AG-E", reason="no contact"),
        metadata=h.metadata)
    assert placed.collection_case.agency_id == "AG-E"
    escalated = await h.cases.EscalateCase(
        c.EscalateCaseRequest(request_id=request_id(), case_id=case.case_id, reason="review"),
        metadata=h.metadata)
    assert (escalated.collection_case.tier, escalated.collection_case.agency_id) == (
        r.CASE_TIER_MIDDLE, "AG-E")
