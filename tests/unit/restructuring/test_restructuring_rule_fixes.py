"""Regressions of the restructuring domain: maker-checker against re-quoting, exact authority
bands, the waiver limit monitoring applies on a due date, requested plans that are rejected or
expire, on-time periods on a due date, arrears-only due dates, the RATE_CAP_EXCEEDED reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_restructuring_rules import EXTEND, HARDSHIP, NOW, TODAY, assess, loan

from postloan_runtime.errors import FailedPrecondition
from restructuring.domain.observation import DueAmount, consecutive_on_time_periods
from restructuring.domain.plans import Plan, PlanState, Quote
from restructuring.domain.rules import (
    AuthorityLevel,
    EligibilityPolicy,
    PlanTerms,
    PlanType,
    check_terms_against_loan,
    price_plan,
    refuse_if_ineligible,
    required_authority,
)

pytestmark = pytest.mark.unit


def _requested_plan() -> Plan:
    snapshot = loan()
    return Plan("p-1", "L-1", "B-1", PlanState.REQUESTED, HARDSHIP, EXTEND,
                assess(snapshot, EXTEND), "maker", NOW)


def _quote(terms: PlanTerms, quoted_by: str) -> Quote:
    pricing = price_plan(loan(), terms, effective_date=TODAY, discount_rate=Decimal("0.1"))
    return Quote("q-2", terms, pricing, AuthorityLevel.TEAM_LEAD, NOW,
                 NOW + dt.timedelta(days=7), quoted_by=quoted_by)


def test_the_checker_who_quoted_new_terms_cannot_approve_them():
    plan = _requested_plan()
    own_terms = PlanTerms((PlanType.WAIVER,), interest_waiver_fen=30_000, waive_all_penalty=True)
    plan.requote(_quote(own_terms, quoted_by="lead"), plan.eligibility)
    approve = dict(quote_id="q-2", reason_codes=(), comment="", now=NOW)
    with pytest.raises(FailedPrecondition) as error:
        plan.approve(subject="lead", authority=AuthorityLevel.TEAM_LEAD, **approve)
    assert error.value.reason == "APPROVER_IS_REQUESTER"
    assert error.value.metadata["maker"] == "quoted_by"
    assert plan.state is PlanState.PENDING_APPROVAL and plan.decisions == []
    # Another checker may.
    assert plan.approve(subject="lead-2", authority=AuthorityLevel.TEAM_LEAD, **approve)


def test_the_waived_share_is_compared_with_a_band_exactly():
    # 400,199 / 4,000,000 = 10.004975%: shown as 0.1000, above the 10% team-lead band.
    assert required_authority(
        waived_fen=400_199, outstanding_fen=4_000_000, days_past_due=10,
        earlier_restructurings=0, rate_reduced=False,
    ) is AuthorityLevel.RISK_MANAGER
    assert required_authority(
        waived_fen=400_000, outstanding_fen=4_000_000, days_past_due=10,
        earlier_restructurings=0, rate_reduced=False,
    ) is AuthorityLevel.TEAM_LEAD


def test_interest_due_on_the_effective_date_cannot_be_waived():
    # As of 2025-02-15 monitoring counts the February installment's interest as overdue (due
    # date <= as_of), but ReplaceSchedule on 02-15 accepts a waiver only of interest due
    # strictly before the effective date: January's.
    effective = dt.date(2025, 2, 15)
    base = loan()
    due = [i for i in base.installments if i.due_date <= effective]
    assert [i.due_date for i in due] == [dt.date(2025, 1, 15), effective]
    overdue_interest = sum(i.interest_unpaid_fen for i in due)
    snapshot = loan(as_of=effective, overdue_interest_fen=overdue_interest)
    january = due[0].interest_unpaid_fen
    with pytest.raises(FailedPrecondition) as error:
        check_terms_against_loan(PlanTerms((PlanType.WAIVER,), interest_waiver_fen=january + 1),
                                 snapshot, 60, effective)
    assert error.value.reason == "WAIVER_EXCEEDS_OUTSTANDING"
    assert error.value.metadata["waivable_interest_fen"] == str(january)
    check_terms_against_loan(PlanTerms((PlanType.WAIVER,), interest_waiver_fen=january),
                             snapshot, 60, effective)
    # The day after, February's interest is overdue before the effective date too.
    check_terms_against_loan(PlanTerms((PlanType.WAIVER,), interest_waiver_fen=overdue_interest),
                             snapshot, 60, effective + dt.timedelta(days=1))


def test_a_requested_plan_can_be_rejected_by_a_checker():
    plan = _requested_plan()
    with pytest.raises(FailedPrecondition) as error:
        plan.reject(subject="maker", authority=AuthorityLevel.TEAM_LEAD, reason_codes=("X",),
                    comment="", now=NOW)
    assert error.value.reason == "APPROVER_IS_REQUESTER"
    with pytest.raises(FailedPrecondition) as error:
        plan.reject(subject="clerk", authority=None, reason_codes=("X",), comment="", now=NOW)
    assert error.value.reason == "AUTHORITY_INSUFFICIENT"
    plan.reject(subject="lead", authority=AuthorityLevel.TEAM_LEAD,
                reason_codes=("NO_HARDSHIP",), comment="", now=NOW)
    assert plan.state is PlanState.REJECTED
    assert plan.decisions[-1].decided_by == "lead" and not plan.decisions[-1].approved


def test_a_requested_plan_never_quoted_expires_after_the_configured_age():
    plan = _requested_plan()
    age = dt.timedelta(days=7)
    assert plan.expiry_reason(NOW + age - dt.timedelta(seconds=1), age) is None
    assert plan.expiry_reason(NOW + age, age) == "REQUEST_NOT_QUOTED"
    assert plan.expiry_reason(NOW + dt.timedelta(days=3650)) is None  # no age: never


def test_an_installment_due_today_and_unpaid_is_not_late_before_the_day_is_over():
    dues = [dt.date(2025, 4, 15), dt.date(2025, 5, 15), dt.date(2025, 6, 15)]
    schedule = [DueAmount(d, 1_000) for d in dues]
    paid = [(dues[0], 1_000), (dues[1], 1_000)]
    assert consecutive_on_time_periods(schedule, paid, dues[2] - dt.timedelta(days=1)) == 2
    assert consecutive_on_time_periods(schedule, paid, dues[2]) == 2
    assert consecutive_on_time_periods(schedule, [*paid, (dues[2], 1_000)], dues[2]) == 3
    assert consecutive_on_time_periods(schedule, paid, dues[2] + dt.timedelta(days=1)) == 0


def test_arrears_only_installments_keep_the_loans_due_day():
    snapshot = loan(outstanding_principal_fen=0, overdue_principal_fen=0, due_day=31,
                    installments=())
    p = price_plan(snapshot, PlanTerms((PlanType.REINSTALLMENT,), reinstallment_periods=4),
                   effective_date=dt.date(2025, 1, 31), discount_rate=Decimal("0.1"))
    assert [i.due_date for i in p.installments] == [
        dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 30), dt.date(2025, 5, 31),
    ]


def test_a_plan_above_the_rate_cap_is_refused_with_its_documented_reason():
    result = assess(loan(), EXTEND, policy=EligibilityPolicy(rate_cap=Decimal("0.10")))
    with pytest.raises(FailedPrecondition) as error:
        refuse_if_ineligible(result)
    assert error.value.reason == "RATE_CAP_EXCEEDED"
    assert error.value.metadata["failed_rules"] == "RATE_CAP"
