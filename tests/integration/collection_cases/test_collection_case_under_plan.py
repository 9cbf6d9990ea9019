"""A restructuring plan and its case, through real event feeds: monitoring's LoanCured that the
schedule replacement brings (cause SCHEDULE_REPLACED, plan id set) does not close the case,
whichever comes first of it and PauseCase; the case stays PAUSED until the plan completes or
breaks, and a cure after the plan's pause was lifted closes it as usual. The contact gate
refuses contact on a paused or closed case."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from cases_harness import Harness, cny, day, request_id

from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import collection_pb2_grpc
from postloan.collection.v1 import resources_pb2 as r
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan.restructuring.v1 import events_pb2 as rst
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)
REPLACED = mres.DELINQUENCY_CHANGE_CAUSE_SCHEDULE_REPLACED


def delinquent(loan: str, borrower: str, dpd: int = 40, overdue: int = 30_000,
               to_bucket: str = "M2") -> mon.DelinquencyChanged:
    return mon.DelinquencyChanged(
        loan_id=loan, borrower_id=borrower, business_date=day(D0), from_bucket="M1",
        to_bucket=to_bucket, days_past_due=dpd,
        overdue=mres.ComponentAmounts(total=cny(overdue)), outstanding_principal=cny(500_000),
    )


def replaced(loan: str, borrower: str, plan: str) -> mon.LoanCured:
    return mon.LoanCured(loan_id=loan, borrower_id=borrower, business_date=day(D0),
                         from_bucket="M2", previous_days_past_due=40, cause=REPLACED,
                         plan_id=plan)


async def pause(h: Harness, loan: str, borrower: str, plan: str) -> c.PauseCaseResponse:
    return await h.cases.PauseCase(
        c.PauseCaseRequest(request_id=request_id(), loan_id=loan, plan_id=plan,
                           borrower_id=borrower, effective_date=day(D0)),
        metadata=h.metadata,
    )


async def the_case(h: Harness, borrower: str) -> r.Case:
    listed = await h.cases.ListCases(c.ListCasesRequest(borrower_id=borrower),
                                     metadata=h.metadata)
    assert len(listed.cases) == 1
    return listed.cases[0]


async def kinds(h: Harness, case_id: str) -> list[int]:
    got = await h.cases.ListCaseHistory(c.ListCaseHistoryRequest(case_id=case_id),
                                        metadata=h.metadata)
    return [e.kind for e in got.entries]


async def test_pause_then_the_replacements_cure_keeps_the_case_paused_until_payoff(
    harness: Harness,
) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-1", "B-1"))
    opened = await the_case(h, "B-1")
    paused = await pause(h, "L-1", "B-1", "P-1")
    assert paused.outcome == c.PAUSE_OUTCOME_PAUSED
    assert paused.collection_case.state == r.CASE_STATE_PAUSED
    await h.publish_and_wait(h.monitoring, "monitoring", replaced("L-1", "B-1", "P-1"))
    case = await the_case(h, "B-1")
    assert case.case_id == opened.case_id
    assert (case.state, [x.paused_by_plan_id for x in case.loans]) == (
        r.CASE_STATE_PAUSED, ["P-1"])
    # The loan's figures are the cured ones; the tier is kept for a possible break.
    assert (case.loans[0].bucket, case.loans[0].days_past_due) == ("M0", 0)
    assert (case.days_past_due, case.overdue_amount.minor_units) == (0, 0)
    assert case.tier == opened.tier
    assert r.CASE_EVENT_KIND_CLOSED not in await kinds(h, case.case_id)
    # A repeated PauseCase for the plan changes nothing.
    again = await pause(h, "L-1", "B-1", "P-1")
    assert again.outcome == c.PAUSE_OUTCOME_ALREADY_PAUSED
    # A cure by a repayment while the plan runs (plan id set, cause REPAYMENT) keeps it too.
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        mon.LoanCured(loan_id="L-1", borrower_id="B-1", business_date=day(D0),
                      from_bucket="M1", previous_days_past_due=3,
                      cause=mres.DELINQUENCY_CHANGE_CAUSE_REPAYMENT, plan_id="P-1"),
    )
    assert (await the_case(h, "B-1")).state == r.CASE_STATE_PAUSED
    # The payoff under the plan closes it.
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        mon.LoanPaidOff(loan_id="L-1", borrower_id="B-1", paid_off_date=day(D0),
                        total_repaid=cny(600_000), plan_id="P-1"),
    )
    closed = await the_case(h, "B-1")
    assert (closed.state, closed.close_reason) == (
        r.CASE_STATE_CLOSED, r.CASE_CLOSE_REASON_PAID_OFF)


async def test_the_cure_consumed_before_the_pause_leaves_the_case_for_it(
    harness: Harness,
) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-2", "B-2"))
    await h.publish_and_wait(h.monitoring, "monitoring", replaced("L-2", "B-2", "P-2"))
    case = await the_case(h, "B-2")
    assert case.state == r.CASE_STATE_OPEN  # still live, waiting for PauseCase
    assert (case.loans[0].bucket, case.days_past_due) == ("M0", 0)
    paused = await pause(h, "L-2", "B-2", "P-2")
    assert paused.outcome == c.PAUSE_OUTCOME_PAUSED
    assert paused.collection_case.case_id == case.case_id
    assert paused.collection_case.state == r.CASE_STATE_PAUSED
    # The plan breaks: reopened one tier up from where it was, then a real cure closes it.
    await h.publish_and_wait(
        h.restructuring, "restructuring",
        rst.PlanBroken(plan_id="P-2", loan_id="L-2", borrower_id="B-2", business_date=day(D0),
                       days_past_due=40, installment_sequence=1, overdue_amount=cny(5_000)),
    )
    reopened = await the_case(h, "B-2")
    assert (reopened.state, reopened.escalation_count) == (r.CASE_STATE_OPEN, 1)
    assert reopened.tier == r.CASE_TIER_LATE
    await h.publish_and_wait(
        h.monitoring, "monitoring",
        mon.LoanCured(loan_id="L-2", borrower_id="B-2", business_date=day(D0),
                      from_bucket="M2", previous_days_past_due=40,
                      cause=mres.DELINQUENCY_CHANGE_CAUSE_REPAYMENT, plan_id="P-2"),
    )
    closed = await the_case(h, "B-2")
    assert (closed.state, closed.close_reason) == (r.CASE_STATE_CLOSED, r.CASE_CLOSE_REASON_CURED)


async def test_plan_completed_closes_the_paused_case(harness: Harness) -> None:
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-3", "B-3"))
    await pause(h, "L-3", "B-3", "P-3")
    await h.publish_and_wait(h.monitoring, "monitoring", replaced("L-3", "B-3", "P-3"))
    assert (await the_case(h, "B-3")).state == r.CASE_STATE_PAUSED
    await h.publish_and_wait(
        h.restructuring, "restructuring",
        rst.PlanCompleted(plan_id="P-3", loan_id="L-3", borrower_id="B-3",
                          business_date=day(D0)),
    )
    closed = await the_case(h, "B-3")
    assert (closed.state, closed.close_reason) == (
        r.CASE_STATE_CLOSED, r.CASE_CLOSE_REASON_PLAN_COMPLETED)


async def test_the_gate_refuses_contact_on_a_paused_or_closed_case(harness: Harness) -> None:
    h = harness
    contacts = collection_pb2_grpc.ContactServiceStub(h.channel)
    agent = bearer(token_for(h.keys_dir, ["collector"], subject="agent-1"))
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-4", "B-4"))
    case = await the_case(h, "B-4")
    phone = await h.debtor_with_phone("B-4", "13912345699")

    # Only the case's assignee may call on it (the gate's assignment rule).
    await h.agents.CreateAgent(
        c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
            agent_id="agent-1", display_name="Agent 1", tiers=[case.tier], capacity=10,
            active=True)),
        metadata=h.metadata)
    await h.assignment.ReassignCase(
        c.ReassignCaseRequest(request_id=request_id(), case_id=case.case_id, agent_id="agent-1",
                              reason="owner"),
        metadata=h.metadata)

    async def check(case_id: str = case.case_id,
                    channel: int = r.CONTACT_CHANNEL_AGENT_CALL) -> r.ContactCheck:
        return (await contacts.CheckContact(
            c.CheckContactRequest(request_id=request_id(), case_id=case_id, borrower_id="B-4",
                                  channel=channel, party=r.CONTACT_PARTY_DEBTOR,
                                  contact_point_id=phone),
            metadata=agent)).check

    async def release(check_row: r.ContactCheck) -> None:  # keep the caps out of the way
        await contacts.RecordContactAttempt(
            c.RecordContactAttemptRequest(
                request_id=request_id(), check_id=check_row.check_id,
                outcome=r.CONTACT_OUTCOME_NO_ANSWER, connected=False,
                started_at=check_row.planned_at),
            metadata=agent)

    open_check = await check()
    assert open_check.decision == r.CONTACT_DECISION_ALLOWED, open_check
    await release(open_check)

    await pause(h, "L-4", "B-4", "P-4")
    paused = await check()
    # The pause also released the agent: both rules refuse, and both are listed.
    assert (paused.decision, list(paused.refusal_reasons)) == (
        r.CONTACT_DECISION_REFUSED,
        [r.CONTACT_REFUSAL_REASON_CASE_PAUSED, r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED])
    # A person naming no case is judged on the borrower's live case, paused here.
    paused_live = await check(case_id="")
    assert (paused_live.case_id, list(paused_live.refusal_reasons)) == (
        case.case_id,
        [r.CONTACT_REFUSAL_REASON_CASE_PAUSED, r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED])
    # Automated channels are refused alike; without a case (a pre-due reminder) the gate
    # does not look at cases.
    sms = await check(channel=r.CONTACT_CHANNEL_SMS)
    assert list(sms.refusal_reasons) == [r.CONTACT_REFUSAL_REASON_CASE_PAUSED]
    reminder = await check(case_id="", channel=r.CONTACT_CHANNEL_SMS)
    assert reminder.decision == r.CONTACT_DECISION_ALLOWED

    await h.publish_and_wait(
        h.restructuring, "restructuring",
        rst.PlanCompleted(plan_id="P-4", loan_id="L-4", borrower_id="B-4",
                          business_date=day(D0)),
    )
    closed = await check()
    assert (closed.decision, list(closed.refusal_reasons)) == (
        r.CONTACT_DECISION_REFUSED,
        [r.CONTACT_REFUSAL_REASON_CASE_CLOSED, r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED])
    # Closed, it is no longer live: a person naming no case holds nothing.
    caseless = await check(case_id="")
    assert (caseless.case_id, list(caseless.refusal_reasons)) == (
        "", [r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED])
    # Refusals are recorded like any other.
    listed = await contacts.ListContactChecks(
        c.ListContactChecksRequest(case_id=case.case_id,
                                   decision=r.CONTACT_DECISION_REFUSED),
        metadata=h.metadata)
    assert sorted(list(x.refusal_reasons) for x in listed.checks) == [
        [r.CONTACT_REFUSAL_REASON_CASE_PAUSED],
        [r.CONTACT_REFUSAL_REASON_CASE_PAUSED, r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED],
        [r.CONTACT_REFUSAL_REASON_CASE_PAUSED, r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED],
        [r.CONTACT_REFUSAL_REASON_CASE_CLOSED, r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED]]

    # Another borrower's case or an unknown one: NOT_FOUND; a malformed id: INVALID_ARGUMENT;
    # nothing written either way.
    before = await h.table_counts("contact_checks", "idempotency_keys")
    for case_id, code in (("00000000-0000-4000-8000-00000000abcd", grpc.StatusCode.NOT_FOUND),
                          ("not-a-case", grpc.StatusCode.INVALID_ARGUMENT)):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await check(case_id=case_id)
        assert refused.value.code() == code, case_id
        if code == grpc.StatusCode.INVALID_ARGUMENT:
            assert [v.field for v in decode_error(refused.value).field_violations] == [
                "case_id"]
    await h.publish_and_wait(h.monitoring, "monitoring", delinquent("L-5", "B-5"))
    other = await the_case(h, "B-5")
    with pytest.raises(grpc.aio.AioRpcError) as foreign:
        await check(case_id=other.case_id)
    assert foreign.value.code() == grpc.StatusCode.NOT_FOUND
    assert await h.table_counts("contact_checks", "idempotency_keys") == before


async def test_a_deployment_with_its_own_bucket_names_cures_and_keeps_them(
    harness: Harness,
) -> None:
    """Monitoring configured with its own bucket set (current bucket ``C``, spanning a few days):
    a cure under a plan shows the bucket and days the LoanCured names, not "M0"; a
    DelinquencyChanged at 0 days into ``C`` (an older producer) closes the case as a cure,
    and one into ``C`` with days past due counts as arrears."""
    h = harness
    await h.publish_and_wait(h.monitoring, "monitoring",
                             delinquent("L-9", "B-9", dpd=12, to_bucket="X1"))
    await pause(h, "L-9", "B-9", "P-9")
    cured = replaced("L-9", "B-9", "P-9")
    cured.from_bucket, cured.to_bucket, cured.days_past_due = "X1", "C", 2
    await h.publish_and_wait(h.monitoring, "monitoring", cured)
    case = await the_case(h, "B-9")
    assert case.state == r.CASE_STATE_PAUSED
    assert (case.loans[0].bucket, case.loans[0].days_past_due) == ("C", 2)

    await h.publish_and_wait(h.monitoring, "monitoring",
                             delinquent("L-8", "B-8", dpd=12, to_bucket="X1"))
    await h.publish_and_wait(h.monitoring, "monitoring",
                             delinquent("L-8", "B-8", dpd=0, overdue=0, to_bucket="C"))
    closed = await the_case(h, "B-8")
    assert (closed.state, closed.close_reason) == (r.CASE_STATE_CLOSED, r.CASE_CLOSE_REASON_CURED)

    await h.publish_and_wait(h.monitoring, "monitoring",
                             delinquent("L-7", "B-7", dpd=2, overdue=500, to_bucket="C"))
    opened = await the_case(h, "B-7")
    assert opened.state == r.CASE_STATE_OPEN
    assert (opened.loans[0].bucket, opened.loans[0].days_past_due) == ("C", 2)
