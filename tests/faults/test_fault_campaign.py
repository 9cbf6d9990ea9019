"""The fault campaign (issue 7, item 4): one borrower's story repeated trial after trial on one
suite while a chaos task SIGKILLs a random service (with its relay and consumers) or the bureau
simulator at random steps and restarts it. Clients retry UNAVAILABLE with the same request_id.

Each trial: consent → identity check → pre-loan inquiry → loan (disbursed 100 days ago) → the
first installment repaid on its due date, the next ones missed → the daily cycle for today →
delinquency (DPD > 30) → one case (MIDDLE tier) → a promise to pay and a partial payment →
restructuring: eligibility, request, quote, approval by a team lead, agreement, signature →
activation (schedule replaced in monitoring, case paused in collection) → the plan paid →
loan paid off, plan completed, case closed.

After the trial every mutation is sent once more with its request_id and must answer exactly as
the first time; then, through the APIs and the services' own databases: every repayment posted once
(count and sum by external id), one case for the borrower, one schedule replacement, one plan,
balances exact to the fen (principal repaid == principal lent; each repayment fully allocated;
the case's recoveries and the promise's paid amount equal the payments made after the case
opened, so no RepaymentPosted was applied twice), and every event of every feed applied exactly
once by each consumer (inbox == feed, position == head).

The daily cycle's business dates are global and the services run on the wall clock, so only the
first trial's cycle for today does work; later trials repeat it (a completed date changes and
emits nothing) and their loans' delinquency comes from monitoring's evaluation of a posting as
of the business date in progress (today).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from fault_support import CallLog, Chaos, RetryingClients
from feed_checks import Databases, feed_problems
from story_support import (
    FAST_RECONNECT,
    clients_of,
    consent_request,
    eventually,
    new_id,
    timestamp,
)

from postloan.collection.v1 import collection_pb2 as col
from postloan.collection.v1 import resources_pb2 as colr
from postloan.common.v1 import money_pb2
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import resources_pb2 as cir
from postloan.monitoring.v1 import monitoring_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as monr
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rst
from postloan_runtime.proto_convert import date_from_proto, date_to_proto
from postloan_runtime.suite import Suite
from postloan_simulators.bureau.resident_id import make_resident_id

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

PRINCIPAL = 1_200_000
FRONTEND = ("lending_frontend",)
COLLECTOR = ("collector",)
SUPERVISOR = ("collection_supervisor",)
OPERATOR = ("operator",)
KILLS_PER_TRIAL = 3
EVENT_WAIT = 120.0  # seconds an asynchronous effect may take while peers restart
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # the services' business zone (no DST)


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def business_today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


@dataclass
class Ledger:
    """What a trial did, to check against the services afterwards."""

    borrower_id: str = ""
    loan_id: str = ""
    case_id: str = ""
    plan_id: str = ""
    posted: dict[str, int] = field(default_factory=dict)  # external id -> fen
    after_case: int = 0  # fen repaid after the case opened


@dataclass
class Campaign:
    rows: list[dict] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


CAMPAIGN = Campaign()


@pytest.fixture(scope="module")
async def report() -> AsyncIterator[Campaign]:
    yield CAMPAIGN
    kills = Counter(k for row in CAMPAIGN.rows for k in row["victims"])
    print("\n\nfault campaign:", len(CAMPAIGN.rows), "trials,",
          f"{time.monotonic() - CAMPAIGN.started:.0f}s in all (suite start-up included)")
    for row in CAMPAIGN.rows:
        print(f"  seed={row['seed']:<11} {row['seconds']:6.1f}s  {row['outcome']:<6} "
              f"kills: {', '.join(row['kills']) or '-'}  retries: {row['retries']}  "
              f"replayed: {row['replayed']}")
    print("  kills per victim:", dict(sorted(kills.items())))


STEPS = ("consent", "identity", "inquiry", "loan", "first installment", "daily cycle",
         "case", "promise", "partial payment", "eligibility", "request", "quote", "approval",
         "agreement", "signature", "activation", "plan installment", "payoff", "closure")


async def test_trial(campaign_suite: Suite, trial_seed: int, report: Campaign) -> None:
    rng = random.Random(trial_seed)
    print(f"\nfault trial seed={trial_seed} (again: POSTLOAN_FAULT_SEED={trial_seed})")
    log = CallLog()
    chaos = Chaos.planned(campaign_suite, rng, len(STEPS), KILLS_PER_TRIAL)
    started = time.monotonic()
    row = {"seed": trial_seed, "outcome": "FAILED", "kills": [], "victims": [], "retries": 0,
           "replayed": 0}
    report.rows.append(row)
    db = Databases(campaign_suite)
    try:
        async with clients_of(campaign_suite, FAST_RECONNECT) as plain:
            c = RetryingClients(plain, log)
            chaos.start()
            try:
                ledger = await story(c, chaos)
            finally:
                await chaos.finish()
                row["kills"] = [f"{k.victim}@{k.at_step} ({k.downtime_seconds}s)"
                                for k in chaos.kills]
                row["victims"] = [k.victim for k in chaos.kills]
                row["retries"] = sum(log.retries.values())
            # Every mutation once more with its request_id, then the checks: still once each.
            assert await log.replay_mutations() == []
            row["replayed"] = len(log.mutations)
            await verify(c, db, ledger)
        row["outcome"] = "passed"
    finally:
        row["seconds"] = time.monotonic() - started
        await db.close()
        print(f"trial seed={trial_seed}: {row['outcome']} in {row['seconds']:.1f}s, "
              f"kills {row['kills']}, retries {dict(log.retries)}")


async def story(c: RetryingClients, chaos: Chaos) -> Ledger:  # noqa: PLR0915
    steps = iter(STEPS)

    async def step(name: str) -> None:
        assert next(steps) == name
        await chaos.step(name)

    ledger = Ledger(borrower_id=f"B-fault-{uuid.uuid4().hex[:12]}")
    today = business_today()
    frontend = c.person(*FRONTEND, subject="frontend-app")

    async def pay(fen: int, paid_at: dt.datetime) -> mon.PostRepaymentResponse:
        external = f"TX-{uuid.uuid4().hex[:16]}"
        ledger.posted[external] = fen
        return await c.repayments.PostRepayment(
            mon.PostRepaymentRequest(
                request_id=new_id(), loan_id=ledger.loan_id, amount=cny(fen),
                paid_at=timestamp(paid_at), channel=monr.REPAYMENT_CHANNEL_AUTO_DEBIT,
                external_transaction_id=external),
            metadata=frontend)

    async def get_loan() -> monr.Loan:
        return (await c.loans.GetLoan(mon.GetLoanRequest(loan_id=ledger.loan_id),
                                      metadata=c.person(*COLLECTOR))).loan

    async def get_case() -> colr.Case:
        return (await c.cases.GetCase(col.GetCaseRequest(case_id=ledger.case_id),
                                      metadata=c.person(*SUPERVISOR))).collection_case

    async def get_plan() -> res.Plan:
        return (await c.plans.GetPlan(rst.GetPlanRequest(plan_id=ledger.plan_id),
                                      metadata=c.person(*COLLECTOR))).plan

    await step("consent")
    consent = (await c.consents.GrantConsent(consent_request(
        ledger.borrower_id,
        [cir.CONSENT_PURPOSE_PRE_LOAN_APPROVAL, cir.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
         cir.CONSENT_PURPOSE_IDENTITY_VERIFICATION],
        [cir.REPORT_SECTION_BASIC_INFO, cir.REPORT_SECTION_SUMMARY]), metadata=frontend)).consent

    await step("identity")
    resident_id = make_resident_id("110101", dt.date(1988, 4, 12), 100 + uuid.uuid4().int % 800)
    verification = (await c.identities.VerifyIdentity(ci.VerifyIdentityRequest(
        request_id=new_id(), borrower_id=ledger.borrower_id, name="测试借款人",
        resident_id_number=resident_id, mobile_number="13912345650",
        consent_id=consent.consent_id), metadata=frontend)).verification
    assert verification.outcome == cir.IDENTITY_MATCH_OUTCOME_MATCHED

    await step("inquiry")
    inquiry = (await c.inquiries.RequestInquiry(ci.RequestInquiryRequest(
        request_id=new_id(), borrower_id=ledger.borrower_id,
        purpose=cir.CONSENT_PURPOSE_PRE_LOAN_APPROVAL, consent_id=consent.consent_id),
        metadata=frontend)).inquiry
    assert inquiry.outcome == cir.INQUIRY_OUTCOME_REPORT_RETRIEVED

    await step("loan")
    disbursed = today - dt.timedelta(days=100)
    ledger.loan_id = f"L-fault-{uuid.uuid4().hex[:12]}"
    registered = await c.loans.RegisterLoan(mon.RegisterLoanRequest(
        request_id=new_id(), loan_id=ledger.loan_id, borrower_id=ledger.borrower_id,
        terms=monr.LoanTerms(
            product_code="CASH-12M", principal=cny(PRINCIPAL),
            annual_rate=money_pb2.DecimalValue(value="0.1800"), term_periods=12,
            repayment_method=monr.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
            disbursement_date=date_to_proto(disbursed), due_day=min(disbursed.day, 28),
            grace_days=3, penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
            prepayment_rule=monr.PREPAYMENT_RULE_SHORTEN_TERM)), metadata=frontend)
    plan0 = list(registered.installments)
    assert sum(i.principal_due.minor_units for i in plan0) == PRINCIPAL
    due = [date_from_proto(i.due_date) for i in plan0]
    assert due[1] + dt.timedelta(days=30) < today < due[3], due  # 2 or 3 due, DPD > 30

    await step("first installment")
    first = plan0[0]
    posted = await pay(first.principal_due.minor_units + first.interest_due.minor_units,
                       dt.datetime.combine(due[0], dt.time(10), SHANGHAI))
    assert {(x.installment_sequence, x.component): x.amount.minor_units
            for x in posted.repayment.allocation} == {
        (1, monr.ALLOCATION_COMPONENT_INTEREST): first.interest_due.minor_units,
        (1, monr.ALLOCATION_COMPONENT_PRINCIPAL): first.principal_due.minor_units}

    await step("daily cycle")
    progress = await c.daily_cycles.drain("RunDailyCycle", mon.RunDailyCycleRequest(
        request_id=new_id(), business_date=date_to_proto(today)), metadata=c.person(*OPERATOR))
    assert progress[-1].run.state == monr.DAILY_CYCLE_RUN_STATE_COMPLETED, progress[-1]

    await step("case")
    dpd = (today - due[1]).days  # the second installment is the oldest unpaid
    loan = await eventually(get_loan, lambda x: x.status.days_past_due == dpd,
                            timeout=EVENT_WAIT, what="delinquency as of today")
    assert loan.status.outstanding.principal.minor_units == (
        PRINCIPAL - first.principal_due.minor_units)
    overdue = [i for i, d in zip(plan0, due, strict=True) if d < today][1:]
    assert loan.status.overdue.principal.minor_units == sum(
        i.principal_due.minor_units for i in overdue)
    assert loan.status.overdue.interest.minor_units == sum(
        i.interest_due.minor_units for i in overdue)
    cases = await eventually(
        lambda: c.cases.ListCases(col.ListCasesRequest(loan_id=ledger.loan_id),
                                  metadata=c.person(*SUPERVISOR)),
        lambda r: len(r.cases) == 1, timeout=EVENT_WAIT, what="the loan's case")
    case = cases.cases[0]
    assert (case.state, case.tier) == (colr.CASE_STATE_OPEN, colr.CASE_TIER_MIDDLE), case
    ledger.case_id = case.case_id

    await step("promise")
    promise = (await c.promises.RecordPromiseToPay(col.RecordPromiseToPayRequest(
        request_id=new_id(), case_id=case.case_id, loan_id=ledger.loan_id,
        amount=cny(loan.status.overdue.total.minor_units), promised_date=date_to_proto(today),
        grace_days=0, threshold_percentage=money_pb2.DecimalValue(value="0.9")),
        metadata=c.person(*COLLECTOR, subject="agent-wang"))).promise

    await step("partial payment")
    partial = loan.status.overdue.total.minor_units // 10
    await pay(partial, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5))
    ledger.after_case += partial
    promise = await eventually(
        lambda: c.promises.GetPromiseToPay(col.GetPromiseToPayRequest(
            promise_id=promise.promise_id), metadata=c.person(*SUPERVISOR)),
        lambda r: r.promise.paid_amount.minor_units >= partial, timeout=EVENT_WAIT,
        what="the payment counted toward the promise")
    assert promise.promise.paid_amount.minor_units == partial  # counted once
    assert promise.promise.state == colr.PROMISE_STATE_OPEN

    await step("eligibility")
    maker = c.person(*COLLECTOR, subject="collector-ann")
    hardship = res.Hardship(reason=res.HARDSHIP_REASON_ILLNESS, description="hospital stay")
    terms = res.PlanTerms(plan_types=[res.PLAN_TYPE_TERM_EXTENSION], additional_periods=6)
    eligibility = (await c.plans.CheckEligibility(rst.CheckEligibilityRequest(
        loan_id=ledger.loan_id, terms=terms, hardship=hardship), metadata=maker)).eligibility
    assert eligibility.eligible and eligibility.days_past_due == dpd, eligibility

    await step("request")
    plan = (await c.plans.RequestRestructuring(rst.RequestRestructuringRequest(
        request_id=new_id(), loan_id=ledger.loan_id, hardship=hardship, terms=terms),
        metadata=maker)).plan
    ledger.plan_id = plan.plan_id

    await step("quote")
    plan = (await c.plans.QuotePlan(rst.QuotePlanRequest(
        request_id=new_id(), plan_id=plan.plan_id), metadata=maker)).plan
    quote = plan.quote
    assert quote.required_authority == res.AUTHORITY_LEVEL_TEAM_LEAD, quote
    loan = await get_loan()
    assert quote.outstanding_principal.minor_units == loan.status.outstanding.principal.minor_units
    assert sum(i.principal.minor_units for i in quote.installments) == \
        quote.outstanding_principal.minor_units

    await step("approval")
    plan = (await c.plans.ApprovePlan(rst.ApprovePlanRequest(
        request_id=new_id(), plan_id=plan.plan_id, quote_id=quote.quote_id,
        reason_codes=["HARDSHIP_VERIFIED"]),
        metadata=c.person("restructuring_approver", subject="lead-li"))).plan
    assert plan.state == res.PLAN_STATE_APPROVED

    await step("agreement")
    agreement = (await c.plans.GenerateAgreement(rst.GenerateAgreementRequest(
        request_id=new_id(), plan_id=plan.plan_id), metadata=maker)).agreement

    await step("signature")
    signed = (await c.plans.RecordSignature(rst.RecordSignatureRequest(
        request_id=new_id(), plan_id=plan.plan_id, agreement_id=agreement.agreement_id,
        signed_document_sha256=agreement.document_sha256,
        signer_verification_reference="ekyc:fault-signature",
        signed_at=timestamp(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)),
        channel=res.SIGNATURE_CHANNEL_MOBILE_APP), metadata=frontend)).plan
    assert signed.state in (res.PLAN_STATE_ACTIVATING, res.PLAN_STATE_ACTIVE)

    await step("activation")
    plan = await eventually(get_plan, lambda p: p.state != res.PLAN_STATE_ACTIVATING,
                            timeout=EVENT_WAIT, what="plan activation")
    assert plan.state == res.PLAN_STATE_ACTIVE, plan
    case = await eventually(get_case, lambda x: x.state == colr.CASE_STATE_PAUSED,
                            timeout=EVENT_WAIT, what="case paused")
    assert [x.paused_by_plan_id for x in case.loans] == [plan.plan_id]
    loan = await get_loan()
    assert loan.schedule_version == 2 and [r.plan_id for r in loan.restructurings] == [
        plan.plan_id]

    await step("plan installment")
    replaced = [i for i in (await c.loans.GetLoanSchedule(
        mon.GetLoanScheduleRequest(loan_id=ledger.loan_id), metadata=c.person(*COLLECTOR))
    ).installments if i.schedule_version == 2]
    assert [(i.principal_due.minor_units, i.interest_due.minor_units) for i in replaced] == [
        (q.principal.minor_units, q.interest.minor_units) for q in quote.installments]
    owed = replaced[0]
    amount = (owed.principal_due.minor_units + owed.interest_due.minor_units
              + owed.penalty_due.minor_units)
    await pay(amount, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=4))
    ledger.after_case += amount

    await step("payoff")
    rest = replaced[1]
    payoff = (rest.principal_due.minor_units + rest.interest_due.minor_units
              + rest.penalty_due.minor_units
              + sum(i.principal_due.minor_units for i in replaced[2:]))
    paid = await pay(payoff, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=3))
    assert paid.repayment.unapplied.minor_units == 0
    ledger.after_case += payoff

    await step("closure")
    loan = await get_loan()
    assert loan.state == monr.LOAN_STATE_PAID_OFF, loan
    assert loan.status.outstanding.total.minor_units == 0
    await eventually(get_plan, lambda p: p.state == res.PLAN_STATE_COMPLETED,
                     timeout=EVENT_WAIT, what="plan completed from LoanPaidOff")
    await eventually(get_case, lambda x: x.state == colr.CASE_STATE_CLOSED,
                     timeout=EVENT_WAIT, what="case closed")
    return ledger


async def verify(c: RetryingClients, db: Databases, ledger: Ledger) -> None:
    """Nothing lost, nothing applied twice, balances exact (see the module docstring)."""
    problems = await eventually(lambda: feed_problems(db), lambda p: not p,
                                timeout=EVENT_WAIT, what="every consumer caught up")
    assert problems == []

    # Repayments: exactly the ones posted, once each, fully allocated.
    rows = await db.rows("monitoring", "SELECT external_transaction_id, amount_fen, state, "
                         "prepaid_principal_fen, unapplied_fen, repayment_id FROM repayments "
                         "WHERE loan_id = :loan", loan=ledger.loan_id)
    assert sorted((r.external_transaction_id, r.amount_fen) for r in rows) == sorted(
        ledger.posted.items())
    assert {r.state for r in rows} == {"POSTED"}
    allocated = {r.repayment_id: r for r in await db.rows(
        "monitoring", "SELECT repayment_id, sum(amount_fen) AS fen, "
        "sum(amount_fen) FILTER (WHERE component = 'PRINCIPAL') AS principal "
        "FROM repayment_allocations WHERE loan_id = :loan GROUP BY repayment_id",
        loan=ledger.loan_id)}
    for r in rows:
        lines = allocated[r.repayment_id]
        assert lines.fen + r.prepaid_principal_fen + r.unapplied_fen == r.amount_fen, r
    assert sum((allocated[r.repayment_id].principal or 0) + r.prepaid_principal_fen
               for r in rows) == PRINCIPAL  # principal repaid == principal lent, to the fen

    # One schedule replacement, one plan, one case.
    replacements = await db.rows("monitoring", "SELECT plan_id FROM schedule_replacements "
                                 "WHERE loan_id = :loan", loan=ledger.loan_id)
    assert [r.plan_id for r in replacements] == [ledger.plan_id]
    plans = await db.rows("restructuring", "SELECT plan_id, state FROM plans "
                          "WHERE loan_id = :loan", loan=ledger.loan_id)
    assert [(r.plan_id, r.state) for r in plans] == [(ledger.plan_id, "COMPLETED")]
    cases = await db.rows("collection", "SELECT case_id, state, recovered_fen FROM cases "
                          "WHERE borrower_id = :b", b=ledger.borrower_id)
    assert [(str(r.case_id), r.state) for r in cases] == [(ledger.case_id, "CLOSED")]
    # RepaymentPosted applied once each: recoveries are the payments made after the case
    # opened (the first installment was repaid before it existed).
    assert cases[0].recovered_fen == ledger.after_case
