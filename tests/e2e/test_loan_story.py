"""One borrower's whole story across the four services, as separate processes on their own
databases over real gRPC (issue 7, items 2 and 3).

Consent → identity check (bureau simulator) → pre-loan inquiry (score, reason codes) → loan
registered 145 days ago → two installments paid on time → two missed → the daily cycle run for
every business date up to today, in order → delinquency (DPD, bucket, penalty accrued day by
day) → a collection case in the tier the strategy maps → contacts behind the compliance gate
(three allowed, the fourth refused by the daily cap) → a promise to pay followed by a payment
below its threshold → escalation → restructuring: eligibility (every rule), request, quote,
maker-checker approval, agreement, signature → activation: the schedule replaced in monitoring
and collection paused → the plan's installments paid → loan paid off, plan completed, case
closed → the consent revoked and a later inquiry refused without a bureau call.

Each step is asserted through the APIs of the services it touches; the effects of events are
awaited by polling the consumer's API with a bounded wait.

The suite runs on the wall clock (no test clock in the services), which shapes the story:

* History is replayed business date by business date: each on-time repayment is posted
  (backdated to its due date) before that date's daily cycle. Monitoring computes a posting's
  delinquency as of the later of the loan's status date and the value date, so the cycles that
  follow age the missed installments (this relies on that rule in monitoring's repayments).
* A promise to pay is broken only once its date plus grace has passed by collection's today,
  and the promised date cannot be in the past: a broken promise needs tomorrow. The test
  records the promise, pays below its threshold (the promise stays OPEN with the payment
  counted) and escalates the case by the supervisor's decision (EscalateCase).
* Quotes expire after 7 days and signatures after 3: the story takes seconds, so neither
  expires; the test checks the expiry instants the service set.

The trace test follows the restructuring activation of a delinquent loan as one trace across
restructuring → monitoring (ReplaceSchedule) → collection (PauseCase) and through the event feed
(monitoring's LoanCured consumed by collection), from the spans the processes export to an
in-test OTLP receiver. Two tests pin collection bugs found on the way and since fixed (the case
closed as CURED right after the pause; the contact gate ignoring the case's state).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import uuid
from collections.abc import AsyncIterator
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from story_support import (
    Clients,
    clients_of,
    daytime_zone,
    eventually,
    new_id,
    refusal,
    traced_suite,
)

from postloan.collection.v1 import collection_pb2 as col
from postloan.collection.v1 import resources_pb2 as colr
from postloan.common.v1 import classification_pb2, money_pb2
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import resources_pb2 as cir
from postloan.monitoring.v1 import monitoring_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as monr
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rst
from postloan.simulators.v1 import bureau_pb2
from postloan_runtime.embedded_pg import PostgresServer
from postloan_runtime.proto_convert import date_from_proto, date_to_proto
from postloan_runtime.suite import Suite
from postloan_runtime.testing.otlp import OtlpReceiver
from postloan_simulators.bureau.resident_id import make_resident_id

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the services' business zone
FRONTEND = ("lending_frontend",)
COLLECTOR = ("collector",)
SUPERVISOR = ("collection_supervisor",)
APPROVER = ("restructuring_approver",)
OPERATOR = ("operator",)
AUDITOR = ("auditor",)
ALL_SECTIONS = [
    cir.REPORT_SECTION_BASIC_INFO, cir.REPORT_SECTION_SUMMARY,
    cir.REPORT_SECTION_CREDIT_TRANSACTIONS, cir.REPORT_SECTION_PUBLIC_RECORDS,
    cir.REPORT_SECTION_INQUIRY_RECORDS,
]
# Default bucket set (docs/conventions.md) and the built-in collection strategy's DPD bands.
BUCKETS = (("M0", 0), ("M1", 1), ("M2", 31), ("M3", 61), ("M4", 91), ("M5", 121), ("M6", 151),
           ("M7+", 181))
TIERS = ((1, colr.CASE_TIER_EARLY), (31, colr.CASE_TIER_MIDDLE), (91, colr.CASE_TIER_LATE),
         (181, colr.CASE_TIER_WRITE_OFF))
ANNUAL_RATE = Decimal("0.1800")
PENALTY_RATE = Decimal("0.0500")  # below the 24% cap minus the rate: applies as is
GRACE_DAYS = 3


def bucket_of(dpd: int) -> str:
    return [code for code, first in BUCKETS if dpd >= first][-1]


def tier_of(dpd: int) -> int:
    return [tier for first, tier in TIERS if dpd >= first][-1]


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def business_today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def at_local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).astimezone(dt.UTC)


def ts(instant: dt.datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(instant.astimezone(dt.UTC).replace(tzinfo=None))
    return stamp


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def expected_penalty(principal_fen: int, due: dt.date, through: dt.date) -> int:
    """Penalty the daily cycle accrues on an unpaid installment when run for every date up to
    ``through``: nothing before the grace period is over, then every day from the due date
    (the grace days too), rounded half-up to the fen once on the total, however many runs
    accrued it (monitoring's delinquency rules)."""
    first = due + dt.timedelta(days=GRACE_DAYS + 1)
    if through < first:
        return 0
    return half_up(Decimal(principal_fen) * PENALTY_RATE * (through - due).days / 360)


async def wait_for_midnight_margin() -> None:
    """The story needs one business date throughout: not within 3 minutes of midnight in the
    business zone."""
    now = dt.datetime.now(SHANGHAI)
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=5, microsecond=0)
    if midnight - now < dt.timedelta(minutes=3):
        await asyncio.sleep((midnight - now).total_seconds())


@pytest.fixture(scope="module")
async def traced(pg_server: PostgresServer) -> AsyncIterator[tuple[Suite, OtlpReceiver]]:
    """A suite of its own for this module (the daily cycle's business dates are global, so the
    story must own them), exporting spans to an OTLP receiver."""
    async with traced_suite(pg_server) as running:
        yield running


@pytest.fixture
async def clients(traced: tuple[Suite, OtlpReceiver]) -> AsyncIterator[Clients]:
    async with clients_of(traced[0]) as opened:
        yield opened


# --- steps shared by both tests --------------------------------------------------------------


async def register_loan(c: Clients, borrower_id: str, disbursed: dt.date,
                        term: int = 12) -> mon.RegisterLoanResponse:
    loan_id = f"L-e2e-{uuid.uuid4().hex[:12]}"
    return await c.loans.RegisterLoan(
        mon.RegisterLoanRequest(
            request_id=new_id(), loan_id=loan_id, borrower_id=borrower_id,
            terms=monr.LoanTerms(
                product_code="CASH-12M", principal=cny(1_200_000),
                annual_rate=money_pb2.DecimalValue(value=str(ANNUAL_RATE)), term_periods=term,
                repayment_method=monr.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                disbursement_date=date_to_proto(disbursed), due_day=min(disbursed.day, 28),
                grace_days=GRACE_DAYS,
                penalty_annual_rate=money_pb2.DecimalValue(value=str(PENALTY_RATE)),
                prepayment_rule=monr.PREPAYMENT_RULE_SHORTEN_TERM,
            ),
        ),
        metadata=c.person(*FRONTEND),
    )


async def pay(c: Clients, loan_id: str, fen: int, paid_at: dt.datetime,
              ) -> mon.PostRepaymentResponse:
    return await c.repayments.PostRepayment(
        mon.PostRepaymentRequest(
            request_id=new_id(), loan_id=loan_id, amount=cny(fen), paid_at=ts(paid_at),
            channel=monr.REPAYMENT_CHANNEL_AUTO_DEBIT,
            external_transaction_id=f"TX-{uuid.uuid4().hex[:16]}",
        ),
        metadata=c.person(*FRONTEND),
    )


async def get_loan(c: Clients, loan_id: str) -> monr.Loan:
    return (await c.loans.GetLoan(mon.GetLoanRequest(loan_id=loan_id),
                                  metadata=c.person(*COLLECTOR))).loan


async def schedule(c: Clients, loan_id: str) -> list[monr.Installment]:
    return list((await c.loans.GetLoanSchedule(
        mon.GetLoanScheduleRequest(loan_id=loan_id), metadata=c.person(*COLLECTOR)
    )).installments)


async def cases_of(c: Clients, loan_id: str) -> list[colr.Case]:
    return list((await c.cases.ListCases(col.ListCasesRequest(loan_id=loan_id),
                                         metadata=c.person(*SUPERVISOR))).cases)


async def get_case(c: Clients, case_id: str) -> colr.Case:
    return (await c.cases.GetCase(col.GetCaseRequest(case_id=case_id),
                                  metadata=c.person(*SUPERVISOR))).collection_case


async def get_plan(c: Clients, plan_id: str) -> res.Plan:
    return (await c.plans.GetPlan(rst.GetPlanRequest(plan_id=plan_id),
                                  metadata=c.person(*COLLECTOR))).plan


HARDSHIP = res.Hardship(reason=res.HARDSHIP_REASON_ILLNESS, description="hospital stay")


async def sign_and_activate(c: Clients, plan: res.Plan) -> res.Plan:
    agreement = (await c.plans.GenerateAgreement(
        rst.GenerateAgreementRequest(request_id=new_id(), plan_id=plan.plan_id),
        metadata=c.person(*COLLECTOR, subject="collector-ann"))).agreement
    signed = rst.RecordSignatureRequest(
        request_id=new_id(), plan_id=plan.plan_id, agreement_id=agreement.agreement_id,
        signed_document_sha256=agreement.document_sha256,
        signer_verification_reference="ekyc:e2e-signature",
        signed_at=ts(dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=30)),
        channel=res.SIGNATURE_CHANNEL_MOBILE_APP)
    answer = (await c.plans.RecordSignature(signed, metadata=c.person(*FRONTEND))).plan
    assert answer.state in (res.PLAN_STATE_ACTIVATING, res.PLAN_STATE_ACTIVE)
    return await eventually(lambda: get_plan(c, plan.plan_id),
                            lambda p: p.state != res.PLAN_STATE_ACTIVATING,
                            what="plan activation")


# --- the story --------------------------------------------------------------------------------


async def test_one_borrowers_whole_story(clients: Clients) -> None:  # noqa: PLR0915
    c = clients
    await wait_for_midnight_margin()
    today = business_today()
    borrower_id = f"B-e2e-{uuid.uuid4().hex[:12]}"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    # 1. Consent: the borrower's written authorization, recorded by the lending frontend.
    consent = (await c.consents.GrantConsent(
        ci.GrantConsentRequest(
            request_id=new_id(), borrower_id=borrower_id,
            purposes=[cir.CONSENT_PURPOSE_PRE_LOAN_APPROVAL,
                      cir.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
                      cir.CONSENT_PURPOSE_IDENTITY_VERIFICATION],
            sections=ALL_SECTIONS, channel=cir.CONSENT_CHANNEL_MOBILE_APP,
            evidence=cir.ConsentEvidence(
                document_sha256=hashlib.sha256(b"signed authorization").hexdigest(),
                signed_at=ts(now - dt.timedelta(minutes=2)),
                signer_verification_reference="ekyc:e2e-consent"),
            valid_from=ts(now - dt.timedelta(minutes=1)),
            valid_until=ts(now + dt.timedelta(days=365)),
        ),
        metadata=c.person(*FRONTEND, subject="frontend-app"),
    )).consent
    assert consent.state == cir.CONSENT_STATE_ACTIVE
    assert consent.granted_by == "frontend-app"
    read = (await c.consents.GetConsent(ci.GetConsentRequest(consent_id=consent.consent_id),
                                        metadata=c.person("credit_officer"))).consent
    assert (read.borrower_id, read.state) == (borrower_id, cir.CONSENT_STATE_ACTIVE)

    # 2. Identity check against the bureau simulator (the only request with personal data).
    resident_id = make_resident_id("110101", dt.date(1988, 4, 12),
                                   100 + uuid.uuid4().int % 800)  # order codes 990+ have no file
    verification = (await c.identities.VerifyIdentity(
        ci.VerifyIdentityRequest(
            request_id=new_id(), borrower_id=borrower_id, name="测试借款人",
            resident_id_number=resident_id, mobile_number="13912345650",
            consent_id=consent.consent_id),
        metadata=c.person(*FRONTEND))).verification
    assert verification.outcome == cir.IDENTITY_MATCH_OUTCOME_MATCHED
    assert verification.bureau_reference
    assert resident_id not in verification.masked_resident_id_number
    assert verification.masked_resident_id_number.endswith(resident_id[-4:])
    assert "13912345650" not in verification.masked_mobile

    # 3. Pre-loan inquiry: a hard bureau query with an explainable score.
    inquiry = (await c.inquiries.RequestInquiry(
        ci.RequestInquiryRequest(request_id=new_id(), borrower_id=borrower_id,
                                 purpose=cir.CONSENT_PURPOSE_PRE_LOAN_APPROVAL,
                                 consent_id=consent.consent_id),
        metadata=c.person(*FRONTEND))).inquiry
    assert inquiry.outcome == cir.INQUIRY_OUTCOME_REPORT_RETRIEVED
    assert inquiry.inquiry_type == cir.INQUIRY_TYPE_HARD
    assert inquiry.report_id and inquiry.score.model_version
    assert 300 <= inquiry.score.score <= 1000, inquiry.score
    explanation = (await c.inquiries.GetScoreExplanation(
        ci.GetScoreExplanationRequest(inquiry_id=inquiry.inquiry_id),
        metadata=c.person("credit_officer"))).explanation
    assert explanation.score.score == inquiry.score.score
    assert base_plus_points(explanation) == inquiry.score.score
    # Reason codes are the features that cost points, as the explanation shows them.
    lost = {x.reason_code for x in explanation.contributions if x.points < x.best_points}
    assert set(inquiry.score.reason_codes) <= lost
    assert (len(inquiry.score.reason_codes) > 0) == (len(lost) > 0)
    history = await borrower_history(c, borrower_id)
    assert [(e.purpose, e.outcome) for e in history] == [
        (cir.CONSENT_PURPOSE_PRE_LOAN_APPROVAL, cir.INQUIRY_OUTCOME_REPORT_RETRIEVED)]

    # 4. The loan, disbursed 145 days ago: 12 monthly installments, exact schedule.
    disbursed = today - dt.timedelta(days=145)
    registered = await register_loan(c, borrower_id, disbursed)
    loan_id = registered.loan.loan_id
    plan0 = list(registered.installments)
    assert len(plan0) == 12
    assert sum(i.principal_due.minor_units for i in plan0) == 1_200_000
    assert (registered.loan.state, registered.loan.version, registered.loan.status.bucket) == (
        monr.LOAN_STATE_ACTIVE, 1, "M0")
    due = [date_from_proto(i.due_date) for i in plan0]
    assert due[3] + dt.timedelta(days=GRACE_DAYS) < today < due[4], due  # 4 due, the 5th not
    await eventually(lambda: cases_of(c, loan_id), lambda cs: cs == [],
                     timeout=1, what="no case for a current loan")

    # 5-7. Business day by business day since disbursement, the daily cycle run for each date
    # in order; installments 1 and 2 are paid on their due dates (posted before that day's
    # cycle), installments 3 and 4 are missed.
    operator = c.person(*OPERATOR)
    payments = {due[0]: plan0[0], due[1]: plan0[1]}
    day = disbursed + dt.timedelta(days=1)
    while day <= today:
        if day in payments:
            owed = payments[day]
            posted = await pay(c, loan_id, owed.principal_due.minor_units
                               + owed.interest_due.minor_units, at_local(day))
            assert {line.installment_sequence for line in posted.repayment.allocation} == {
                owed.sequence}
            assert date_from_proto(posted.repayment.value_date) == day
            assert (posted.loan.status.days_past_due, posted.loan.version) == (
                0, owed.sequence + 1)
        last = None
        async for progress in c.daily_cycles.RunDailyCycle(
            mon.RunDailyCycleRequest(request_id=new_id(), business_date=date_to_proto(day)),
            metadata=operator,
        ):
            last = progress
        assert last is not None and last.run.state == monr.DAILY_CYCLE_RUN_STATE_COMPLETED, (
            day, last)
        day += dt.timedelta(days=1)
    status = await c.daily_cycles.GetDailyCycleStatus(
        mon.GetDailyCycleStatusRequest(business_date=date_to_proto(today)), metadata=operator)
    assert status.completed and date_from_proto(status.last_completed_business_date) == today
    out_of_order = await refusal(_drain(c.daily_cycles.RunDailyCycle(
        mon.RunDailyCycleRequest(request_id=new_id(),
                                 business_date=date_to_proto(today - dt.timedelta(days=200))),
        metadata=operator)))
    assert (out_of_order.code, out_of_order.reason) == (
        grpc.StatusCode.FAILED_PRECONDITION, "BUSINESS_DATE_OUT_OF_ORDER")
    installments = await schedule(c, loan_id)
    assert [(i.state, date_from_proto(i.paid_on) if i.HasField("paid_on") else None)
            for i in installments[:2]] == [(monr.INSTALLMENT_STATE_PAID, due[0]),
                                           (monr.INSTALLMENT_STATE_PAID, due[1])]
    assert [i.state for i in installments[2:5]] == [
        monr.INSTALLMENT_STATE_OVERDUE, monr.INSTALLMENT_STATE_OVERDUE,
        monr.INSTALLMENT_STATE_PENDING]

    # 8. Delinquency from the daily cycles: DPD and bucket, the bucket history (M0 → M1 → M2 …
    # on the dates the missed installment crossed each band), penalty accrued day by day.
    dpd = (today - due[2]).days
    loan = await get_loan(c, loan_id)
    moves = (await c.loans.ListBucketHistory(
        mon.ListBucketHistoryRequest(loan_id=loan_id), metadata=c.person(*COLLECTOR))).entries
    crossings = [(code, due[2] + dt.timedelta(days=max(first, GRACE_DAYS + 1)))
                 for code, first in BUCKETS[1:] if first <= dpd]
    assert [(m.to_bucket, date_from_proto(m.business_date), m.cause) for m in moves] == [
        (code, on, monr.DELINQUENCY_CHANGE_CAUSE_DAILY_CYCLE) for code, on in crossings]
    installments = await schedule(c, loan_id)
    penalties = [expected_penalty(plan0[k].principal_due.minor_units, due[k], today)
                 for k in (2, 3)]
    assert [i.penalty_due.minor_units for i in installments[2:4]] == penalties
    assert [i.days_past_due for i in installments[2:4]] == [dpd, (today - due[3]).days]
    assert (loan.status.days_past_due, loan.status.bucket) == (dpd, bucket_of(dpd))
    assert date_from_proto(loan.status.as_of) == today
    assert loan.status.overdue.penalty.minor_units == sum(penalties)
    assert loan.status.overdue.total.minor_units == sum(
        i.principal_due.minor_units + i.interest_due.minor_units for i in plan0[2:4]
    ) + sum(penalties)
    assert loan.version == 3  # the daily cycle never changes what is owed by contract
    assert loan.status.classification != classification_pb2.LOAN_CLASSIFICATION_NORMAL

    # 9. Monitoring's DelinquencyChanged reached collection: a case in the tier the built-in
    # strategy maps for this DPD band (risk segment STANDARD).
    # Collection learns DPD from DelinquencyChanged, i.e. as of the last bucket change.
    dpd_at_last_move = (crossings[-1][1] - due[2]).days
    case = (await eventually(
        lambda: cases_of(c, loan_id),
        lambda cs: len(cs) == 1 and cs[0].loans[0].bucket == bucket_of(dpd),
        what="collection case"))[0]
    assert case.days_past_due == dpd_at_last_move
    assert (case.state, case.tier, case.risk_segment) == (
        colr.CASE_STATE_OPEN, tier_of(dpd), "STANDARD")
    assert case.borrower_id == borrower_id and [x.loan_id for x in case.loans] == [loan_id]
    assert case.loans[0].bucket == bucket_of(dpd)
    assert case.overdue_amount.minor_units > 0
    # Opened when the loan first went past due (EARLY), moved up as the DPD band changed.
    assert date_from_proto(case.opened_on) == crossings[0][1]
    story = [(h.kind, h.to_tier, date_from_proto(h.business_date))
             for h in await case_history(c, case.case_id)
             if h.kind in (colr.CASE_EVENT_KIND_OPENED, colr.CASE_EVENT_KIND_TIER_CHANGED)]
    tier_moves = [(tier, due[2] + dt.timedelta(days=max(first, GRACE_DAYS + 1)))
                  for first, tier in TIERS if first <= dpd]
    assert story == [(colr.CASE_EVENT_KIND_OPENED, tier_moves[0][0], tier_moves[0][1])] + [
        (colr.CASE_EVENT_KIND_TIER_CHANGED, tier, on) for tier, on in tier_moves[1:]], story

    # 10. Contacts behind the gate, in a time zone where it is daytime now.
    zone = daytime_zone()
    supervisor = c.person(*SUPERVISOR, subject="supervisor-zhou")
    await c.debtors.UpdateDebtorProfile(
        col.UpdateDebtorProfileRequest(request_id=new_id(), borrower_id=borrower_id,
                                       time_zone=zone, jurisdiction_code="CN"),
        metadata=supervisor)
    point = (await c.debtors.RegisterContactPoint(
        col.RegisterContactPointRequest(
            request_id=new_id(), borrower_id=borrower_id, party=colr.CONTACT_PARTY_DEBTOR,
            kind=colr.CONTACT_POINT_KIND_PHONE, value="13912345650"),
        metadata=supervisor)).contact_point
    assert "13912345650" not in str(point)
    # The gate lets only the case's assignee call: the supervisor gives the case to agent-wang.
    await c.agents.CreateAgent(
        col.CreateAgentRequest(request_id=new_id(), agent=colr.Agent(
            agent_id="agent-wang", display_name="Agent Wang", tiers=[case.tier], capacity=50,
            active=True)),
        metadata=supervisor)
    await c.assignment.ReassignCase(
        col.ReassignCaseRequest(request_id=new_id(), case_id=case.case_id,
                                agent_id="agent-wang", reason="e2e owner"),
        metadata=supervisor)
    agent = c.person(*COLLECTOR, subject="agent-wang")

    async def check() -> colr.ContactCheck:
        return (await c.contacts.CheckContact(
            col.CheckContactRequest(
                request_id=new_id(), case_id=case.case_id, borrower_id=borrower_id,
                channel=colr.CONTACT_CHANNEL_AGENT_CALL, party=colr.CONTACT_PARTY_DEBTOR,
                contact_point_id=point.contact_point_id),
            metadata=agent)).check

    async def record(clearance: colr.ContactCheck, outcome: int) -> colr.ContactAttempt:
        started = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return (await c.contacts.RecordContactAttempt(
            col.RecordContactAttemptRequest(
                request_id=new_id(), check_id=clearance.check_id, outcome=outcome,
                connected=True, started_at=ts(started - dt.timedelta(minutes=3)),
                ended_at=ts(started), note="e2e call"),
            metadata=agent)).attempt

    allowed = await check()
    assert allowed.decision == colr.CONTACT_DECISION_ALLOWED, allowed
    assert (allowed.time_zone, allowed.jurisdiction_profile.split("@")[0]) == (zone, "CN")
    local_hour = int(allowed.borrower_local_time[11:13])
    assert 10 <= local_hour <= 16, allowed.borrower_local_time
    promised_on_call = await record(allowed, colr.CONTACT_OUTCOME_PROMISE_TO_PAY)
    # CN allows 3 connected calls a debtor a local day: two more, then the gate refuses.
    for _ in range(2):
        more = await check()
        assert more.decision == colr.CONTACT_DECISION_ALLOWED, more
        await record(more, colr.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT)
    refused = await check()
    assert refused.decision == colr.CONTACT_DECISION_REFUSED
    assert list(refused.refusal_reasons) == [
        colr.CONTACT_REFUSAL_REASON_DAILY_CONNECTED_CAP]
    not_cleared = await refusal(record(refused, colr.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT))
    assert (not_cleared.code, not_cleared.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                                      "CLEARANCE_REFUSED")
    attempts = (await c.contacts.ListContactAttempts(
        col.ListContactAttemptsRequest(case_id=case.case_id), metadata=supervisor)).attempts
    assert len(attempts) == 3
    refusals = (await c.contacts.ListContactChecks(
        col.ListContactChecksRequest(case_id=case.case_id,
                                     decision=colr.CONTACT_DECISION_REFUSED),
        metadata=supervisor)).checks
    assert [r.check_id for r in refusals] == [refused.check_id]

    # 11. A promise to pay on the call, then a payment below its threshold: not kept.
    overdue = loan.status.overdue.total.minor_units
    promise = (await c.promises.RecordPromiseToPay(
        col.RecordPromiseToPayRequest(
            request_id=new_id(), case_id=case.case_id, loan_id=loan_id, amount=cny(overdue),
            promised_date=date_to_proto(today), grace_days=0,
            threshold_percentage=money_pb2.DecimalValue(value="0.9"),
            contact_attempt_id=promised_on_call.attempt_id),
        metadata=agent)).promise
    assert promise.state == colr.PROMISE_STATE_OPEN
    in_past = await refusal(c.promises.RecordPromiseToPay(
        col.RecordPromiseToPayRequest(
            request_id=new_id(), case_id=case.case_id, loan_id=loan_id, amount=cny(overdue),
            promised_date=date_to_proto(today - dt.timedelta(days=1)), grace_days=0),
        metadata=agent))
    assert in_past.reason == "PROMISE_DATE_IN_PAST"
    partial = overdue // 10
    paid = await pay(c, loan_id, partial, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5))
    assert paid.loan.status.days_past_due == dpd  # still past due: not enough to cure
    assert paid.loan.version == 4

    async def read_promise() -> colr.PromiseToPay:
        return (await c.promises.GetPromiseToPay(
            col.GetPromiseToPayRequest(promise_id=promise.promise_id),
            metadata=supervisor)).promise

    promise = await eventually(read_promise, lambda p: p.paid_amount.minor_units == partial,
                               what="RepaymentPosted counted toward the promise")
    assert promise.state == colr.PROMISE_STATE_OPEN  # 10% paid, 90% needed: not kept
    case = await eventually(lambda: get_case(c, case.case_id),
                            lambda x: x.recovered_amount.minor_units == partial,
                            what="recovery on the case")

    # 12. Escalation by the supervisor (a broken promise would escalate it by itself tomorrow).
    tier_before = case.tier
    case = (await c.cases.EscalateCase(
        col.EscalateCaseRequest(request_id=new_id(), case_id=case.case_id,
                                reason="PROMISE_SHORTFALL"),
        metadata=supervisor)).collection_case
    assert (case.tier, case.escalation_count) == (tier_before + 1, 1)
    denied = await refusal(c.cases.EscalateCase(
        col.EscalateCaseRequest(request_id=new_id(), case_id=case.case_id, reason="x"),
        metadata=agent))
    assert denied.code is grpc.StatusCode.PERMISSION_DENIED

    # 13. Restructuring: eligibility lists every rule.
    terms = res.PlanTerms(plan_types=[res.PLAN_TYPE_TERM_EXTENSION, res.PLAN_TYPE_WAIVER],
                          additional_periods=6, waive_all_penalty=True)
    maker = c.person(*COLLECTOR, subject="collector-ann")
    eligibility = (await c.plans.CheckEligibility(
        rst.CheckEligibilityRequest(loan_id=loan_id, terms=terms, hardship=HARDSHIP),
        metadata=maker)).eligibility
    rules = {r.rule_code: r for r in eligibility.rules}
    assert list(rules) == ["LOAN_ACTIVE", "NO_PLAN_IN_PROGRESS", "MAX_RESTRUCTURINGS_12_MONTHS",
                           "DAYS_PAST_DUE_WINDOW", "MAX_NEW_TERM", "RATE_CAP",
                           "HARDSHIP_EVIDENCE"]
    assert {code: r.outcome for code, r in rules.items()} == {
        **{code: res.RULE_OUTCOME_PASSED for code in rules},
        "HARDSHIP_EVIDENCE": res.RULE_OUTCOME_NOT_APPLICABLE,  # waiver below the threshold
    }
    assert all(r.reason for r in rules.values())
    assert eligibility.eligible and eligibility.days_past_due == dpd
    assert rules["DAYS_PAST_DUE_WINDOW"].observed_value == str(dpd)
    assert eligibility.loan_version == 4
    future = sum(1 for d in due if d > today)  # installments not yet due are re-amortised
    assert rules["MAX_NEW_TERM"].observed_value == str(future + 6)

    # 14. Request (the maker) and quote.
    plan = (await c.plans.RequestRestructuring(
        rst.RequestRestructuringRequest(request_id=new_id(), loan_id=loan_id,
                                        hardship=HARDSHIP, terms=terms),
        metadata=maker)).plan
    assert (plan.state, plan.requested_by, plan.eligibility.eligible) == (
        res.PLAN_STATE_REQUESTED, "collector-ann", True)
    plan = (await c.plans.QuotePlan(
        rst.QuotePlanRequest(request_id=new_id(), plan_id=plan.plan_id), metadata=maker)).plan
    quote = plan.quote
    loan = await get_loan(c, loan_id)
    assert plan.state == res.PLAN_STATE_PENDING_APPROVAL
    assert quote.required_authority == res.AUTHORITY_LEVEL_TEAM_LEAD
    assert (quote.loan_version, date_from_proto(quote.effective_date)) == (4, today)
    assert quote.outstanding_principal.minor_units == loan.status.outstanding.principal.minor_units
    assert quote.penalty_waived.minor_units == loan.status.outstanding.penalty.minor_units > 0
    assert quote.new_term_periods == len(quote.installments) == future + 6
    assert sum(i.principal.minor_units for i in quote.installments) == \
        quote.outstanding_principal.minor_units
    assert all(date_from_proto(i.due_date) > today for i in quote.installments)
    assert quote.expires_at.ToDatetime() - quote.quoted_at.ToDatetime() == dt.timedelta(days=7)

    # 15. Approval: maker-checker and the right role.
    approve = rst.ApprovePlanRequest(plan_id=plan.plan_id, quote_id=quote.quote_id,
                                     reason_codes=["HARDSHIP_VERIFIED"])
    approve.request_id = new_id()
    own = await refusal(c.plans.ApprovePlan(
        approve, metadata=c.person(*APPROVER, subject="collector-ann")))
    assert (own.code, own.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                      "APPROVER_IS_REQUESTER")
    approve.request_id = new_id()
    wrong_role = await refusal(c.plans.ApprovePlan(
        approve, metadata=c.person(*COLLECTOR, subject="collector-bob")))
    assert wrong_role.code is grpc.StatusCode.PERMISSION_DENIED
    assert (await get_plan(c, plan.plan_id)).state == res.PLAN_STATE_PENDING_APPROVAL
    approve.request_id = new_id()
    plan = (await c.plans.ApprovePlan(
        approve, metadata=c.person(*APPROVER, subject="lead-li"))).plan
    assert plan.state == res.PLAN_STATE_APPROVED
    assert [(d.decision, d.decided_by, d.authority) for d in plan.decisions] == [
        (res.DECISION_TYPE_APPROVED, "lead-li", res.AUTHORITY_LEVEL_TEAM_LEAD)]

    # 16. Agreement and signature (a hash that does not match is refused).
    agreement = (await c.plans.GenerateAgreement(
        rst.GenerateAgreementRequest(request_id=new_id(), plan_id=plan.plan_id),
        metadata=maker)).agreement
    document = await c.plans.GetAgreementDocument(
        rst.GetAgreementDocumentRequest(agreement_id=agreement.agreement_id),
        metadata=c.person(*FRONTEND))
    assert hashlib.sha256(document.content).hexdigest() == agreement.document_sha256
    assert "测试借款人".encode() not in document.content
    sign_by = agreement.sign_by.ToDatetime() - agreement.generated_at.ToDatetime()
    assert sign_by == dt.timedelta(days=3)
    signature = rst.RecordSignatureRequest(
        request_id=new_id(), plan_id=plan.plan_id, agreement_id=agreement.agreement_id,
        signed_document_sha256="0" * 64, signer_verification_reference="ekyc:e2e-signature",
        signed_at=ts(dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=30)),
        channel=res.SIGNATURE_CHANNEL_MOBILE_APP)
    mismatch = await refusal(c.plans.RecordSignature(signature, metadata=c.person(*FRONTEND)))
    assert mismatch.reason == "DOCUMENT_HASH_MISMATCH"
    signature.request_id = new_id()
    signature.signed_document_sha256 = agreement.document_sha256
    signed = (await c.plans.RecordSignature(signature, metadata=c.person(*FRONTEND))).plan
    assert signed.state in (res.PLAN_STATE_ACTIVATING, res.PLAN_STATE_ACTIVE)

    # 17. Activation: schedule replaced in monitoring, collection paused.
    plan = await eventually(lambda: get_plan(c, plan.plan_id),
                            lambda p: p.state != res.PLAN_STATE_ACTIVATING,
                            what="plan activation")
    assert plan.state == res.PLAN_STATE_ACTIVE, plan
    assert [(s.step, s.state) for s in plan.activation_steps] == [
        (res.ACTIVATION_STEP_TYPE_SCHEDULE_REPLACED, res.ACTIVATION_STEP_STATE_DONE),
        (res.ACTIVATION_STEP_TYPE_CASE_PAUSED, res.ACTIVATION_STEP_STATE_DONE),
        (res.ACTIVATION_STEP_TYPE_CLASSIFICATION_FLOOR_SET, res.ACTIVATION_STEP_STATE_DONE)]
    loan = await get_loan(c, loan_id)
    assert (loan.schedule_version, loan.version) == (2, 5)
    assert [(r.plan_id, date_from_proto(r.effective_date), r.schedule_version)
            for r in loan.restructurings] == [(plan.plan_id, today, 2)]
    assert (loan.status.days_past_due, loan.status.bucket) == (0, "M0")
    replaced = [i for i in await schedule(c, loan_id) if i.schedule_version == 2]
    assert [(date_from_proto(i.due_date), i.principal_due.minor_units,
             i.interest_due.minor_units, i.penalty_due.minor_units) for i in replaced] == [
        (date_from_proto(q.due_date), q.principal.minor_units, q.interest.minor_units,
         q.penalty.minor_units) for q in quote.installments]
    # Collection: PauseCase paused the loan's collection for the plan and cancelled the open
    # promise. (That the case stays PAUSED while the plan runs, although monitoring reports the
    # replacement as a cure, is checked by test_the_case_stays_paused_while_the_plan_runs.)
    case = await get_case(c, case.case_id)
    assert [x.paused_by_plan_id for x in case.loans] == [plan.plan_id]
    paused = [h for h in await case_history(c, case.case_id)
              if h.kind == colr.CASE_EVENT_KIND_PAUSED]
    assert [h.plan_id for h in paused] == [plan.plan_id]
    assert (await read_promise()).state == colr.PROMISE_STATE_CANCELLED
    period = (await c.observation.GetObservationPeriod(
        rst.GetObservationPeriodRequest(loan_id=loan_id), metadata=maker)).observation_period
    assert (period.plan_id, period.floor, period.state) == (
        plan.plan_id, classification_pb2.LOAN_CLASSIFICATION_SUBSTANDARD,
        res.OBSERVATION_STATE_IN_OBSERVATION)
    # Monitoring learns the floor from restructuring's feed: no better than substandard.
    loan = await eventually(lambda: get_loan(c, loan_id),
                            lambda x: x.status.classification_floor == period.floor,
                            what="classification floor in monitoring")
    assert loan.status.classification >= classification_pb2.LOAN_CLASSIFICATION_SUBSTANDARD

    # 18. The plan's installments paid: the first one, then everything left.
    first_plan = replaced[0]
    paid = await pay(c, loan_id, first_plan.principal_due.minor_units
                     + first_plan.interest_due.minor_units + first_plan.penalty_due.minor_units,
                     dt.datetime.now(dt.UTC) - dt.timedelta(seconds=4))
    assert paid.loan.state == monr.LOAN_STATE_ACTIVE
    assert {(x.schedule_version, x.installment_sequence) for x in paid.repayment.allocation} \
        == {(2, 1)}
    assert (await get_plan(c, plan.plan_id)).state == res.PLAN_STATE_ACTIVE
    rest = replaced[1]
    payoff = (rest.principal_due.minor_units + rest.interest_due.minor_units
              + rest.penalty_due.minor_units
              + sum(i.principal_due.minor_units for i in replaced[2:]))
    paid = await pay(c, loan_id, payoff, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=3))
    assert paid.repayment.unapplied.minor_units == 0
    assert paid.repayment.prepaid_principal.minor_units == sum(
        i.principal_due.minor_units for i in replaced[2:])

    # 19. Paid off: monitoring, restructuring (PlanCompleted from LoanPaidOff) and collection.
    loan = await get_loan(c, loan_id)
    assert loan.state == monr.LOAN_STATE_PAID_OFF
    assert date_from_proto(loan.paid_off_date) == today
    assert loan.status.outstanding.total.minor_units == 0
    plan = await eventually(lambda: get_plan(c, plan.plan_id),
                            lambda p: p.state == res.PLAN_STATE_COMPLETED,
                            what="plan completed from LoanPaidOff")
    assert date_from_proto(plan.ended_on) == today
    case = await eventually(lambda: get_case(c, case.case_id),
                            lambda x: x.state == colr.CASE_STATE_CLOSED, what="case closed")
    # Every repayment since the case opened counts as recovered on it.
    plan_paid = (first_plan.principal_due.minor_units + first_plan.interest_due.minor_units
                 + first_plan.penalty_due.minor_units + payoff)
    case = await eventually(
        lambda: get_case(c, case.case_id),
        lambda x: x.recovered_amount.minor_units == partial + plan_paid, what="recoveries")

    # 20. The borrower revokes the consent: a later inquiry is refused before any bureau call.
    revoked = (await c.consents.RevokeConsent(
        ci.RevokeConsentRequest(request_id=new_id(), consent_id=consent.consent_id,
                                reason=cir.REVOCATION_REASON_BORROWER_WITHDREW),
        metadata=c.person(*FRONTEND))).consent
    assert revoked.state == cir.CONSENT_STATE_REVOKED
    await set_bureau_outage(c, True)  # any bureau call would now answer UNAVAILABLE
    try:
        stopped = await refusal(c.inquiries.RequestInquiry(
            ci.RequestInquiryRequest(request_id=new_id(), borrower_id=borrower_id,
                                     purpose=cir.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
                                     consent_id=consent.consent_id, loan_id=loan_id),
            metadata=c.person(*FRONTEND)))
    finally:
        await set_bureau_outage(c, False)
    assert (stopped.code, stopped.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                              "CONSENT_REVOKED")
    assert len(await borrower_history(c, borrower_id)) == len(history)


def base_plus_points(explanation) -> int:  # noqa: ANN001
    return explanation.base_score + sum(x.points for x in explanation.contributions)


async def _drain(call) -> None:  # noqa: ANN001
    async for _ in call:
        pass


async def borrower_history(c: Clients, borrower_id: str) -> list:
    return list((await c.inquiry_records.ListBorrowerInquiryHistory(
        ci.ListBorrowerInquiryHistoryRequest(borrower_id=borrower_id),
        metadata=c.person(*AUDITOR))).entries)


async def case_history(c: Clients, case_id: str) -> list[colr.CaseHistoryEntry]:
    return list((await c.cases.ListCaseHistory(
        col.ListCaseHistoryRequest(case_id=case_id, page_size=100),
        metadata=c.person(*SUPERVISOR))).entries)


async def set_bureau_outage(c: Clients, outage: bool) -> None:
    await c.bureau.SetBureauFaults(
        bureau_pb2.SetBureauFaultsRequest(request_id=new_id(), outage=outage,
                                          error_rate=money_pb2.DecimalValue(value="0")),
        metadata=c.person(*OPERATOR))



# --- a restructured delinquent loan: one trace, and collection's side --------------------------


async def delinquent_loan_with_case(c: Clients) -> tuple[str, str, colr.Case]:
    """A loan disbursed 50 days ago whose first installment (due about 20 days ago) is unpaid:
    a small payment posted today computes its delinquency as of today (the module's daily
    cycles are already done), and DelinquencyChanged opens an EARLY case in collection."""
    borrower_id = f"B-e2e-{uuid.uuid4().hex[:12]}"
    registered = await register_loan(c, borrower_id, business_today() - dt.timedelta(days=50))
    loan_id = registered.loan.loan_id
    posted = await pay(c, loan_id, 1_000, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5))
    assert 0 < posted.loan.status.days_past_due <= 30, posted.loan.status
    case = (await eventually(lambda: cases_of(c, loan_id), lambda cs: len(cs) == 1,
                             what="case of the delinquent loan"))[0]
    assert (case.state, case.tier) == (colr.CASE_STATE_OPEN, colr.CASE_TIER_EARLY)
    return borrower_id, loan_id, case


async def activated_plan(c: Clients, loan_id: str) -> res.Plan:
    """A term extension: DPD within 30 and nothing waived, so approved at quote (AUTO)."""
    maker = c.person(*COLLECTOR, subject="collector-ann")
    plan = (await c.plans.RequestRestructuring(
        rst.RequestRestructuringRequest(
            request_id=new_id(), loan_id=loan_id, hardship=HARDSHIP,
            terms=res.PlanTerms(plan_types=[res.PLAN_TYPE_TERM_EXTENSION],
                                additional_periods=3)),
        metadata=maker)).plan
    plan = (await c.plans.QuotePlan(
        rst.QuotePlanRequest(request_id=new_id(), plan_id=plan.plan_id), metadata=maker)).plan
    assert (plan.state, plan.quote.required_authority) == (res.PLAN_STATE_APPROVED,
                                                           res.AUTHORITY_LEVEL_AUTO)
    plan = await sign_and_activate(c, plan)
    assert plan.state == res.PLAN_STATE_ACTIVE, plan
    return plan


SERVER, CLIENT, CONSUMER = 2, 3, 5  # opentelemetry.proto.trace.v1.Span.SpanKind


async def test_restructuring_activation_is_one_trace_across_services_and_the_feed(
    traced: tuple[Suite, OtlpReceiver], clients: Clients,
) -> None:
    receiver = traced[1]
    _, loan_id, _ = await delinquent_loan_with_case(clients)
    plan = await activated_plan(clients, loan_id)
    replace = "/postloan.monitoring.v1.LoanService/ReplaceSchedule"
    pause = "/postloan.collection.v1.CaseService/PauseCase"
    cured = "postloan.monitoring.v1.LoanCured process"

    def the_trace() -> tuple[object, list]:
        """The activation's root span and every span of its trace (once all have arrived)."""
        spans = list(receiver.spans)
        roots = [s for s in spans if s.name == "restructuring.activation"
                 and s.attributes.get("restructuring.plan_id") == plan.plan_id
                 and any(x.parent_span_id == s.span_id
                         and x.name == "restructuring.activation.schedule_replaced"
                         and x.attributes.get("restructuring.step_outcome") == "DONE"
                         for x in spans)]
        if len(roots) != 1:
            return None, []
        in_trace = [s for s in spans if s.trace_id == roots[0].trace_id]
        ids = {s.span_id for s in in_trace}
        complete = all(s.parent_span_id in ids for s in in_trace if s is not roots[0])
        names = {(s.service_name, s.name, s.kind) for s in in_trace}
        wanted = {("monitoring", replace, SERVER), ("collection", pause, SERVER),
                  ("collection", cured, CONSUMER)}
        return (roots[0], in_trace) if complete and wanted <= names else (None, [])

    async def settled() -> tuple[object, list]:
        return the_trace()

    root, in_trace = await eventually(settled, lambda found: found[0] is not None,
                                      timeout=20, what="the activation's spans")
    by_id = {s.span_id: s for s in in_trace}

    def one(service: str, name: str, kind: int | None = None):  # noqa: ANN202
        found = [s for s in in_trace if s.service_name == service and s.name == name
                 and (kind is None or s.kind == kind)]
        assert len(found) == 1, (service, name, sorted((s.service_name, s.name, s.kind)
                                                       for s in in_trace))
        return found[0]

    def parent(span):  # noqa: ANN001, ANN202
        return by_id[span.parent_span_id]

    # One trace, rooted at restructuring's activation: every other span's parent is in it.
    assert root.service_name == "restructuring" and root.parent_span_id == ""
    assert [s for s in in_trace if s.parent_span_id == ""] == [root]
    # restructuring → monitoring: step span → gRPC client span → ReplaceSchedule server span.
    replaced = one("restructuring", "restructuring.activation.schedule_replaced")
    assert parent(replaced) is root
    replace_client = one("restructuring", replace, CLIENT)
    assert parent(replace_client) is replaced
    replace_server = one("monitoring", replace, SERVER)
    assert parent(replace_server) is replace_client
    # restructuring → collection: step span → client → PauseCase server span.
    paused = one("restructuring", "restructuring.activation.case_paused")
    assert parent(paused) is root
    pause_client = one("restructuring", pause, CLIENT)
    assert parent(pause_client) is paused
    pause_server = one("collection", pause, SERVER)
    assert parent(pause_server) is pause_client
    # Through the event feed: the LoanCured the replacement wrote to monitoring's outbox is
    # processed in collection under a consumer span whose parent is the producing span, inside
    # monitoring's ReplaceSchedule server span.
    consumer = one("collection", cured, CONSUMER)
    assert consumer.attributes["messaging.source.name"] == "monitoring"
    producer = parent(consumer)
    assert producer.service_name == "monitoring"
    chain = [producer]
    while chain[-1] is not replace_server and chain[-1].service_name == "monitoring":
        chain.append(parent(chain[-1]))
    assert chain[-1] is replace_server, [(s.service_name, s.name) for s in chain]
    # The floor step closes the activation under the same root.
    assert parent(one("restructuring",
                      "restructuring.activation.classification_floor_set")) is root


async def _settle_case(c: Clients, case_id: str, seconds: float = 5.0) -> colr.Case:
    """The case once the events following the activation have had ``seconds`` to arrive (or
    as soon as it leaves PAUSED)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        case = await get_case(c, case_id)
        if case.state != colr.CASE_STATE_PAUSED or asyncio.get_running_loop().time() > deadline:
            return case
        await asyncio.sleep(0.1)


async def test_the_case_stays_paused_while_the_plan_runs(clients: Clients) -> None:
    _, loan_id, case = await delinquent_loan_with_case(clients)
    plan = await activated_plan(clients, loan_id)
    case = await _settle_case(clients, case.case_id)
    assert (case.state, [x.paused_by_plan_id for x in case.loans]) == (
        colr.CASE_STATE_PAUSED, [plan.plan_id]), case


async def test_the_gate_refuses_contact_on_a_paused_or_closed_case(clients: Clients) -> None:
    c = clients
    borrower_id, loan_id, case = await delinquent_loan_with_case(c)
    supervisor = c.person(*SUPERVISOR)
    await c.debtors.UpdateDebtorProfile(
        col.UpdateDebtorProfileRequest(request_id=new_id(), borrower_id=borrower_id,
                                       time_zone=daytime_zone(), jurisdiction_code="CN"),
        metadata=supervisor)
    point = (await c.debtors.RegisterContactPoint(
        col.RegisterContactPointRequest(
            request_id=new_id(), borrower_id=borrower_id, party=colr.CONTACT_PARTY_DEBTOR,
            kind=colr.CONTACT_POINT_KIND_PHONE, value="13912345651"),
        metadata=supervisor)).contact_point
    await activated_plan(c, loan_id)
    check = (await c.contacts.CheckContact(
        col.CheckContactRequest(
            request_id=new_id(), case_id=case.case_id, borrower_id=borrower_id,
            channel=colr.CONTACT_CHANNEL_AGENT_CALL, party=colr.CONTACT_PARTY_DEBTOR,
            contact_point_id=point.contact_point_id),
        metadata=c.person(*COLLECTOR, subject="agent-wang"))).check
    assert check.decision == colr.CONTACT_DECISION_REFUSED, check
    assert {colr.CONTACT_REFUSAL_REASON_CASE_PAUSED,
            colr.CONTACT_REFUSAL_REASON_CASE_CLOSED} & set(check.refusal_reasons)
