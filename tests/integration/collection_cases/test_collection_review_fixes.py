"""Regressions from a review, through the real server and event feeds: a bulk assignment racing
an event on a queued case, a late PlanBroken after the payoff, recovery attribution across
cases, the recovery-rate denominator of a case a loan joins, ResumeCase after a cure under
the plan, an agency's agent as in-house assignee, PauseCase for another borrower, a partial
repayment's overdue on the case, and the bucket of a loan whose plan broke after a cure."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import grpc
import pytest
from cases_harness import Harness, cny, day, request_id
from sqlalchemy import text

from collection.service_layer import cases as case_use
from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan.restructuring.v1 import events_pb2 as rst
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)


def june(n: int) -> dt.date:
    return dt.date(2025, 6, n)


def delinquent(loan: str, borrower: str, dpd: int, overdue: int,
               on: dt.date = D0) -> mon.DelinquencyChanged:
    return mon.DelinquencyChanged(
        loan_id=loan, borrower_id=borrower, business_date=day(on), from_bucket="M0",
        to_bucket="M1", days_past_due=dpd, overdue=mres.ComponentAmounts(total=cny(overdue)),
        outstanding_principal=cny(100_000),
    )


async def the_case(h: Harness, borrower: str) -> r.Case:
    listed = await h.cases.ListCases(c.ListCasesRequest(borrower_id=borrower),
                                     metadata=h.metadata)
    assert len(listed.cases) == 1
    return listed.cases[0]


async def test_bulk_assignment_waiting_on_a_case_an_event_is_changing_still_assigns_it(
    harness: Harness,
) -> None:
    h = harness
    await h.agents.CreateAgent(
        c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
            agent_id="A-1", display_name="a", tiers=[r.CASE_TIER_EARLY], capacity=10,
            active=True)),
        metadata=h.metadata)
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-1", "B-1", 10, 5_000))
    case = await the_case(h, "B-1")
    # The consumer adding a second loan to the queued case: history written, case row locked,
    # not committed yet while the bulk assignment starts and waits for that row.
    async with h.engine.connect() as conn:
        tx = await conn.begin()
        change = case_use.Change(conn, h.clock.now(), D0)
        await case_use.on_delinquency(
            change, borrower_id="B-1", event_id=str(uuid.uuid4()),
            loan=case_use.LoanFigures("L-2", "M1", 5, 3_000, 50_000),
        )
        assigning = asyncio.ensure_future(h.assignment.AssignCases(
            c.AssignCasesRequest(request_id=request_id()), metadata=h.metadata))
        await asyncio.sleep(1.0)
        assert not assigning.done()
        await tx.commit()
    assigned = await assigning
    assert (assigned.assigned_cases, assigned.unassigned_cases) == (1, 0)
    after = await the_case(h, "B-1")
    assert after.agent_id == "A-1"
    history = await h.cases.ListCaseHistory(c.ListCaseHistoryRequest(case_id=case.case_id),
                                            metadata=h.metadata)
    kinds = [e.kind for e in history.entries]
    assert kinds[-2:] == [r.CASE_EVENT_KIND_LOAN_ADDED, r.CASE_EVENT_KIND_ASSIGNED]


async def pause(h: Harness, loan: str, borrower: str, plan: str) -> c.PauseCaseResponse:
    return await h.cases.PauseCase(
        c.PauseCaseRequest(request_id=request_id(), loan_id=loan, plan_id=plan,
                           borrower_id=borrower, effective_date=day(D0)),
        metadata=h.metadata,
    )


def cured_by_the_plan(loan: str, borrower: str, plan: str) -> mon.LoanCured:
    return mon.LoanCured(loan_id=loan, borrower_id=borrower, business_date=day(D0),
                         from_bucket="M1", previous_days_past_due=10, plan_id=plan,
                         cause=mres.DELINQUENCY_CHANGE_CAUSE_SCHEDULE_REPLACED)


async def test_a_plan_break_reported_after_the_payoff_leaves_the_case_closed(
    harness: Harness,
) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-3", "B-3", 10, 5_000))
    await pause(h, "L-3", "B-3", "P-3")
    await h.publish_and_wait(h.monitoring, "monitoring", cured_by_the_plan("L-3", "B-3", "P-3"))
    # The borrower pays off on 11 July; restructuring's feed reports the break of 10 July later.
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        mon.LoanPaidOff(loan_id="L-3", borrower_id="B-3", paid_off_date=day(dt.date(2025, 7, 11)),
                        total_repaid=cny(100_000), plan_id="P-3"),
    )
    closed = await the_case(h, "B-3")
    history = await h.cases.ListCaseHistory(c.ListCaseHistoryRequest(case_id=closed.case_id),
                                            metadata=h.metadata)
    await h.publish_and_wait(
        h.restructuring, "restructuring",
        rst.PlanBroken(plan_id="P-3", loan_id="L-3", borrower_id="B-3",
                       business_date=day(dt.date(2025, 7, 10)), days_past_due=35,
                       installment_sequence=1, overdue_amount=cny(8_000)),
    )
    after = await the_case(h, "B-3")
    assert (after.state, after.close_reason, after.escalation_count) == (
        r.CASE_STATE_CLOSED, r.CASE_CLOSE_REASON_PAID_OFF, 0)
    again = await h.cases.ListCaseHistory(c.ListCaseHistoryRequest(case_id=closed.case_id),
                                          metadata=h.metadata)
    assert again.entries == history.entries


def posted(repayment: str, loan: str, borrower: str, fen: int,
           value_date: dt.date) -> mon.RepaymentPosted:
    return mon.RepaymentPosted(
        repayment_id=repayment, loan_id=loan, borrower_id=borrower, amount=cny(fen),
        value_date=day(value_date), principal_paid=cny(0), prepaid_principal=cny(0),
        days_past_due=0, bucket="M0", overdue_amount=cny(0))


async def figures(h: Harness) -> c.GetCollectionFiguresResponse:
    return await h.reports.GetCollectionFigures(
        c.GetCollectionFiguresRequest(from_date=day(dt.date(2025, 6, 1)),
                                      to_date=day(dt.date(2025, 6, 30))),
        metadata=h.metadata)


async def recoveries(h: Harness) -> list[tuple[str, str, str, int]]:
    async with h.engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT r.repayment_id, r.movement, c.opened_on::text AS opened, r.amount_fen "
            "FROM case_recoveries r JOIN cases c USING (case_id) "
            "ORDER BY r.repayment_id, r.movement"))
        return [tuple(row) for row in rows]


async def test_a_reversal_is_charged_to_the_case_that_counted_the_repayment(
    harness: Harness,
) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-1", "B-1", 5, 5_000))
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        posted("R-1", "L-1", "B-1", 5_000, june(3)),
        mon.LoanCured(loan_id="L-1", borrower_id="B-1", business_date=day(june(3)),
                      from_bucket="M1", previous_days_past_due=5),
        # A regular installment once the loan is current: no case's recovery.
        posted("R-2", "L-1", "B-1", 3_000, june(10)),
        delinquent("L-1", "B-1", 3, 4_000, on=june(20)),
        # R-1 bounces: the first case counted it, not the new one.
        mon.RepaymentReversed(repayment_id="R-1", loan_id="L-1", borrower_id="B-1",
                              amount=cny(5_000), value_date=day(june(3)), days_past_due=3,
                              bucket="M1", overdue_amount=cny(9_000)),
    )
    assert await recoveries(h) == [
        ("R-1", "POSTED", "2025-06-02", 5_000), ("R-1", "REVERSED", "2025-06-02", -5_000)]
    async with h.engine.connect() as conn:
        recovered = dict((await conn.execute(text(
            "SELECT opened_on::text, recovered_fen FROM cases"))).all())
    assert recovered == {"2025-06-02": 0, "2025-06-20": 0}
    [row] = (await figures(h)).strategies
    assert (row.overdue_at_opening.minor_units, row.recovered.minor_units) == (9_000, 0)


async def test_recovery_counts_while_the_loan_is_in_the_case_and_every_joining_loans_arrears(
    harness: Harness,
) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-1", "B-5", 10, 5_000))
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        delinquent("L-2", "B-5", 3, 100_000, on=june(4)),  # joins the case: LOAN_ADDED
        posted("P-1", "L-2", "B-5", 100_000, june(5)),
        mon.LoanCured(loan_id="L-2", borrower_id="B-5", business_date=day(june(5)),
                      from_bucket="M1", previous_days_past_due=3),
        # L-2 is current and out of the case, which stays open for L-1.
        posted("P-2", "L-2", "B-5", 20_000, june(20)),
    )
    case = await the_case(h, "B-5")
    assert case.state == r.CASE_STATE_OPEN
    assert case.recovered_amount.minor_units == 100_000
    assert await h.scalar("SELECT overdue_at_opening_fen FROM cases") == 105_000
    [row] = (await figures(h)).strategies
    assert (row.overdue_at_opening.minor_units, row.recovered.minor_units) == (105_000, 100_000)
    assert row.recovery_rate.value == "0.9524"


async def test_resume_after_a_cure_under_the_plan_closes_the_case_as_cured(
    harness: Harness,
) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-2", "B-2", 10, 5_000))
    await pause(h, "L-2", "B-2", "P-2")
    await h.publish_and_wait(h.monitoring, "monitoring", cured_by_the_plan("L-2", "B-2", "P-2"))
    assert (await the_case(h, "B-2")).state == r.CASE_STATE_PAUSED
    resumed = await h.cases.ResumeCase(
        c.ResumeCaseRequest(request_id=request_id(), loan_id="L-2", plan_id="P-2",
                            reason="plan cancelled"),
        metadata=h.metadata)
    case = resumed.collection_case
    assert (case.state, case.close_reason) == (r.CASE_STATE_CLOSED, r.CASE_CLOSE_REASON_CURED)
    history = await h.cases.ListCaseHistory(c.ListCaseHistoryRequest(case_id=case.case_id),
                                            metadata=h.metadata)
    assert [e.kind for e in history.entries][-2:] == [
        r.CASE_EVENT_KIND_LOAN_REMOVED, r.CASE_EVENT_KIND_CLOSED]


async def test_reassigning_a_case_to_an_agencys_agent_is_refused(harness: Harness) -> None:
    h = harness
    await h.agents.CreateAgency(
        c.CreateAgencyRequest(request_id=request_id(), agency=r.Agency(
            agency_id="AG-1", name="Agency", tiers=[r.CASE_TIER_EARLY], capacity=5, active=True,
            commission_rate=money_pb2.DecimalValue(value="0.2"))),
        metadata=h.metadata)
    await h.agents.CreateAgent(
        c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
            agent_id="X-1", display_name="x", agency_id="AG-1", tiers=[r.CASE_TIER_EARLY],
            capacity=5, active=True)),
        metadata=h.metadata)
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-4", "B-4", 10, 5_000))
    case = await the_case(h, "B-4")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await h.assignment.ReassignCase(
            c.ReassignCaseRequest(request_id=request_id(), case_id=case.case_id,
                                  agent_id="X-1", reason="test"),
            metadata=h.metadata)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    error = decode_error(refused.value)
    assert (error.reason, error.metadata["agency_id"]) == ("AGENT_OF_AGENCY", "AG-1")
    after = await the_case(h, "B-4")
    assert (after.agent_id, after.version) == ("", case.version)
    assert await h.scalar("SELECT count(*) FROM case_assignments") == 0


async def test_pause_for_a_borrower_other_than_the_loans_is_refused(harness: Harness) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-8", "B-8", 10, 5_000))
    case = await the_case(h, "B-8")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await pause(h, "L-8", "SOMEONE-ELSE", "P-8")
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in decode_error(refused.value).field_violations] == ["borrower_id"]
    assert await h.table_counts("loan_pauses") == {"loan_pauses": 0}
    after = await the_case(h, "B-8")
    assert (after.state, after.version) == (r.CASE_STATE_OPEN, case.version)


async def test_a_joining_loans_arrears_count_in_the_cases_overdue_at_opening(
    harness: Harness,
) -> None:
    h = harness
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        delinquent("L-6", "B-6", 10, 5_000),
        delinquent("L-7", "B-6", 3, 7_000, on=dt.date(2025, 6, 4)),
        # L-7 again (still in the case): not a second join.
        delinquent("L-7", "B-6", 4, 7_500, on=dt.date(2025, 6, 5)),
    )
    case = await the_case(h, "B-6")
    assert [x.loan_id for x in case.loans] == ["L-6", "L-7"]
    assert await h.scalar("SELECT overdue_at_opening_fen FROM cases") == 12_000


async def test_a_partial_repayment_refreshes_the_cases_overdue_total(harness: Harness) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-9", "B-9", 10, 5_000))
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        mon.RepaymentPosted(
            repayment_id="R-9", loan_id="L-9", borrower_id="B-9", amount=cny(3_000),
            value_date=day(dt.date(2025, 6, 3)), principal_paid=cny(2_000),
            prepaid_principal=cny(0), days_past_due=10, bucket="M1", overdue_amount=cny(2_000)),
    )
    case = await the_case(h, "B-9")
    assert [x.overdue_amount.minor_units for x in case.loans] == [2_000]
    assert case.overdue_amount.minor_units == 2_000
