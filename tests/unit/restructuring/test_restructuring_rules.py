"""Restructuring rules against worked examples: eligibility (every rule with pass/fail and its
reason), pricing by the shared engine, the authority matrix, maker-checker on the aggregate,
the observation period across month ends and a leap year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.lending import RepaymentMethod, build_schedule, present_value
from restructuring.domain.observation import (
    DueAmount,
    ObservationPeriod,
    ObservationPolicy,
    ObservationState,
    consecutive_on_time_periods,
    earliest_end,
)
from restructuring.domain.plans import Plan, PlanState, Quote, SignatureEvidence, StepType
from restructuring.domain.rules import (
    AuthorityLevel,
    EligibilityPolicy,
    Evidence,
    Hardship,
    HardshipReason,
    LoanInstallment,
    LoanSnapshot,
    PlanTerms,
    PlanType,
    RuleOutcome,
    authority_of,
    check_extension_has_a_term,
    check_terms_against_loan,
    evaluate_eligibility,
    price_plan,
    refuse_if_ineligible,
    required_authority,
)

pytestmark = pytest.mark.unit

TODAY = dt.date(2025, 3, 10)
NOW = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)
RATE = Decimal("0.18")


def loan(**changes: object) -> LoanSnapshot:
    """A 12-month 等额本息 loan of 12,000 yuan disbursed 2024-12-15: first two installments due
    (January one overdue 54 days), ten to come."""
    schedule = build_schedule(1_200_000, RATE, 12, RepaymentMethod.EQUAL_INSTALLMENT,
                              dt.date(2024, 12, 15))
    installments = []
    for row in schedule:
        overdue = row.due_date <= TODAY
        installments.append(LoanInstallment(
            sequence=row.sequence, due_date=row.due_date,
            principal_unpaid_fen=row.principal_fen, interest_unpaid_fen=row.interest_fen,
            penalty_unpaid_fen=1_500 if overdue else 0, interest_due_fen=row.interest_fen,
            paid=False,
        ))
    overdue_rows = [r for r in schedule if r.due_date <= TODAY]
    values: dict[str, object] = dict(
        loan_id="L-1", borrower_id="B-1", active=True, version=7, as_of=TODAY,
        days_past_due=(TODAY - overdue_rows[0].due_date).days, current_annual_rate=RATE,
        repayment_method=RepaymentMethod.EQUAL_INSTALLMENT, due_day=15, currency="CNY",
        outstanding_principal_fen=1_200_000,
        outstanding_interest_fen=sum(r.interest_fen for r in overdue_rows),
        outstanding_penalty_fen=3_000,
        outstanding_total_fen=1_200_000 + sum(r.interest_fen for r in overdue_rows) + 3_000,
        overdue_principal_fen=sum(r.principal_fen for r in overdue_rows),
        overdue_interest_fen=sum(r.interest_fen for r in overdue_rows),
        overdue_penalty_fen=3_000,
        regular_installment_fen=schedule[1].total_fen,
        restructured_at=(), installments=tuple(installments),
    )
    values.update(changes)
    return LoanSnapshot(**values)  # type: ignore[arg-type]


EXTEND = PlanTerms((PlanType.TERM_EXTENSION,), additional_periods=6)
HARDSHIP = Hardship(HardshipReason.UNEMPLOYMENT, "lost job")
DEFAULT_POLICY = EligibilityPolicy()


def assess(snapshot: LoanSnapshot, terms: PlanTerms, hardship: Hardship | None = HARDSHIP,
           policy: EligibilityPolicy = DEFAULT_POLICY, in_progress: bool = False):
    pricing = price_plan(snapshot, terms, effective_date=TODAY, discount_rate=Decimal("0.10"))
    return evaluate_eligibility(snapshot, terms, hardship, policy=policy,
                                plan_in_progress=in_progress, pricing=pricing, now=NOW,
                                effective_date=TODAY)


def outcomes(result) -> dict[str, RuleOutcome]:
    return {r.rule_code: r.outcome for r in result.rules}


def test_worked_example_term_extension_is_eligible_and_lists_every_rule():
    result = assess(loan(), EXTEND)
    assert result.eligible
    assert outcomes(result) == {
        "LOAN_ACTIVE": RuleOutcome.PASSED,
        "NO_PLAN_IN_PROGRESS": RuleOutcome.PASSED,
        "MAX_RESTRUCTURINGS_12_MONTHS": RuleOutcome.PASSED,
        "DAYS_PAST_DUE_WINDOW": RuleOutcome.PASSED,
        "MAX_NEW_TERM": RuleOutcome.PASSED,
        "RATE_CAP": RuleOutcome.PASSED,
        "HARDSHIP_EVIDENCE": RuleOutcome.NOT_APPLICABLE,
    }
    term_rule = next(r for r in result.rules if r.rule_code == "MAX_NEW_TERM")
    assert (term_rule.observed_value, term_rule.limit_value) == ("16", "60")  # 10 left + 6
    assert result.days_past_due == 54 and result.loan_version == 7


@pytest.mark.parametrize(
    ("changes", "policy", "terms", "hardship", "failed"),
    [
        # A restructuring 3 months ago: at most 1 in 12 months.
        ({"restructured_at": (NOW - dt.timedelta(days=90),)}, EligibilityPolicy(), EXTEND,
         HARDSHIP, ["MAX_RESTRUCTURINGS_12_MONTHS"]),
        # One 13 months ago no longer counts.
        ({"restructured_at": (NOW - dt.timedelta(days=400),)}, EligibilityPolicy(), EXTEND,
         HARDSHIP, []),
        # 54 days past due against a 0..30 window.
        ({}, EligibilityPolicy(max_days_past_due=30), EXTEND, HARDSHIP,
         ["DAYS_PAST_DUE_WINDOW"]),
        # 10 remaining + 51 = 61 periods > 60.
        ({}, EligibilityPolicy(), PlanTerms((PlanType.TERM_EXTENSION,), additional_periods=51),
         HARDSHIP, ["MAX_NEW_TERM"]),
        # A waiver of 1,500 fen above a 1,000 fen threshold without evidence.
        ({}, EligibilityPolicy(evidence_waiver_threshold_fen=1_000),
         PlanTerms((PlanType.WAIVER,), penalty_waiver_fen=1_500), HARDSHIP,
         ["HARDSHIP_EVIDENCE"]),
        # ... with evidence it passes.
        ({}, EligibilityPolicy(evidence_waiver_threshold_fen=1_000),
         PlanTerms((PlanType.WAIVER,), penalty_waiver_fen=1_500),
         Hardship(HardshipReason.ILLNESS, "", (Evidence("medical_certificate", "doc://1",
                                                         "a" * 64),)), []),
        # A cap of 10% a year against an 18% loan.
        ({}, EligibilityPolicy(rate_cap=Decimal("0.10")), EXTEND, HARDSHIP, ["RATE_CAP"]),
        # Paid off.
        ({"active": False}, EligibilityPolicy(), EXTEND, HARDSHIP, ["LOAN_ACTIVE"]),
    ],
)
def test_eligibility_matrix(changes, policy, terms, hardship, failed):
    result = assess(loan(**changes), terms, hardship, policy)
    assert result.failed_rule_codes == failed
    assert result.eligible is (not failed)
    for rule in result.rules:
        assert rule.reason  # every rule says why


@pytest.mark.parametrize(
    ("earlier", "counted"),
    [
        # 11 months 30 days back across 2024-02-29: 365 days and an hour, still within 12 months.
        (dt.datetime(2023, 3, 10, 2, 0, tzinfo=dt.UTC), True),
        # Exactly 12 calendar months back still counts; a minute before that no longer does.
        (dt.datetime(2023, 3, 9, 3, 0, tzinfo=dt.UTC), True),
        (dt.datetime(2023, 3, 9, 2, 59, tzinfo=dt.UTC), False),
    ],
)
def test_twelve_months_are_calendar_months_across_a_leap_day(earlier, counted):
    now = dt.datetime(2024, 3, 9, 3, 0, tzinfo=dt.UTC)
    snapshot = loan(restructured_at=(earlier,))
    pricing = price_plan(snapshot, EXTEND, effective_date=TODAY, discount_rate=Decimal("0.10"))
    result = evaluate_eligibility(snapshot, EXTEND, HARDSHIP, policy=DEFAULT_POLICY,
                                  plan_in_progress=False, pricing=pricing, now=now,
                                  effective_date=TODAY)
    rule = next(r for r in result.rules if r.rule_code == "MAX_RESTRUCTURINGS_12_MONTHS")
    assert (rule.observed_value, rule.outcome) == (
        ("1", RuleOutcome.FAILED) if counted else ("0", RuleOutcome.PASSED))


def test_an_extension_with_a_reinstallment_of_a_wholly_overdue_loan_is_refused() -> None:
    # Matured: the whole 12,000 yuan principal overdue. Re-installing it over 3 periods makes a
    # 3-period schedule; six more periods on top would be dropped unseen, so the terms are
    # refused instead (and re-installment alone, or with more periods, is not).
    matured = loan(overdue_principal_fen=1_200_000)
    both = PlanTerms((PlanType.TERM_EXTENSION, PlanType.REINSTALLMENT), additional_periods=6,
                     reinstallment_periods=3)
    with pytest.raises(FailedPrecondition) as error:
        check_extension_has_a_term(both, matured)
    assert error.value.reason == "NOTHING_TO_EXTEND"
    assert error.value.metadata["overdue_principal_fen"] == "1200000"
    check_extension_has_a_term(PlanTerms((PlanType.REINSTALLMENT,), reinstallment_periods=9),
                               matured)
    check_extension_has_a_term(both, loan())  # principal still to come: the extension applies
    nine = PlanTerms((PlanType.REINSTALLMENT,), reinstallment_periods=9)
    result = assess(matured, nine, policy=EligibilityPolicy(max_days_past_due=400))
    term_rule = next(r for r in result.rules if r.rule_code == "MAX_NEW_TERM")
    assert term_rule.observed_value == "9"  # the schedule priced, not the periods left
    pricing = price_plan(matured, nine, effective_date=TODAY, discount_rate=Decimal("0.10"))
    assert pricing.new_term_periods == 9


def test_refusal_reasons_name_the_failed_rules():
    with pytest.raises(FailedPrecondition) as error:
        refuse_if_ineligible(assess(loan(), EXTEND, in_progress=True,
                                    policy=EligibilityPolicy(max_days_past_due=30)))
    assert error.value.reason == "NOT_ELIGIBLE"
    assert error.value.metadata["failed_rules"] == "NO_PLAN_IN_PROGRESS,DAYS_PAST_DUE_WINDOW"
    with pytest.raises(FailedPrecondition) as error:
        refuse_if_ineligible(assess(loan(), EXTEND, in_progress=True))
    assert error.value.reason == "PLAN_IN_PROGRESS"


def test_waivers_above_outstanding_and_terms_beyond_maximum_are_refused():
    with pytest.raises(FailedPrecondition) as error:
        check_terms_against_loan(PlanTerms((PlanType.WAIVER,), penalty_waiver_fen=3_001),
                                 loan(), 60, TODAY)
    assert error.value.reason == "WAIVER_EXCEEDS_OUTSTANDING"
    with pytest.raises(FailedPrecondition) as error:
        check_terms_against_loan(PlanTerms((PlanType.WAIVER,), interest_waiver_fen=10**9),
                                 loan(), 60, TODAY)
    assert error.value.reason == "WAIVER_EXCEEDS_OUTSTANDING"
    with pytest.raises(FailedPrecondition) as error:
        check_terms_against_loan(PlanTerms((PlanType.TERM_EXTENSION,), additional_periods=51),
                                 loan(), 60, TODAY)
    assert error.value.reason == "TERM_EXCEEDS_MAXIMUM"


def test_pricing_combination_is_exact_and_sums_to_outstanding_principal():
    snapshot = loan()
    terms = PlanTerms(
        (PlanType.TERM_EXTENSION, PlanType.REINSTALLMENT, PlanType.WAIVER),
        additional_periods=6, reinstallment_periods=4, waive_all_penalty=True,
        interest_waiver_fen=5_000,
    )
    p = price_plan(snapshot, terms, effective_date=TODAY, discount_rate=Decimal("0.10"))
    assert sum(i.principal_fen for i in p.installments) == snapshot.outstanding_principal_fen
    assert p.installments[-1].remaining_principal_fen == 0
    assert all(i.total_fen == i.principal_fen + i.interest_fen + i.penalty_fen
               for i in p.installments)
    assert p.penalty_waived_fen == 3_000 and p.interest_waived_fen == 5_000
    assert p.total_waived_fen == 8_000
    # Nothing penalty is carried (all waived); the overdue interest not waived is spread
    # over the 4 re-installment periods.
    assert sum(i.penalty_fen for i in p.installments) == 0
    assert p.new_term_periods == 16
    assert p.installments[0].due_date == dt.date(2025, 4, 15)
    # Future principal (10 periods + 6) and the overdue principal (4 periods) by the engine.
    overdue_part = build_schedule(snapshot.overdue_principal_fen, RATE, 4,
                                  RepaymentMethod.EQUAL_INSTALLMENT, TODAY, 15)
    rest = build_schedule(1_200_000 - snapshot.overdue_principal_fen, RATE, 16,
                          RepaymentMethod.EQUAL_INSTALLMENT, TODAY, 15)
    assert p.installments[0].principal_fen == (overdue_part[0].principal_fen
                                               + rest[0].principal_fen)
    # The NPV loss is the present value of old minus new, valued together, rounded once.
    old_minus_new = [(i.due_date, i.unpaid_fen) for i in snapshot.installments] + [
        (i.due_date, -i.total_fen) for i in p.installments]
    loss = present_value(old_minus_new, Decimal("0.10"), TODAY)
    assert p.npv_loss_fen == int(loss.quantize(Decimal(1), "ROUND_HALF_UP"))
    # Six more months at 18% against a 10% discount rate outweigh 80 yuan waived: a gain.
    assert p.npv_loss_fen < 0
    assert p.waived_percentage == (Decimal(8_000) / snapshot.outstanding_total_fen).quantize(
        Decimal("0.0001"))
    assert p.annualized_cost <= Decimal("0.24")


def test_a_pure_waiver_costs_the_lender_what_it_waives_now():
    terms = PlanTerms((PlanType.WAIVER,), waive_all_penalty=True)
    p = price_plan(loan(), terms, effective_date=TODAY, discount_rate=Decimal("0.18"))
    # Discounted at the loan's own rate the re-amortised principal is worth its face value, so
    # the loss is the penalty waived, plus the interest accrued since the last due date
    # (2025-02-15 → 03-10, 23 days on the scheduled balance) that the new schedule, accruing
    # from the effective date, does not charge, plus a month's discounting of the arrears.
    assert p.total_waived_fen == 3_000
    scheduled = 1_200_000 - loan().overdue_principal_fen
    accrued = scheduled * Decimal("0.18") * 23 / 360
    assert 3_000 + accrued < p.npv_loss_fen < 3_000 + accrued + 2_500


def test_rate_reduction_prices_at_the_new_rate():
    terms = PlanTerms((PlanType.RATE_REDUCTION,), new_annual_rate=Decimal("0.12"))
    p = price_plan(loan(), terms, effective_date=TODAY, discount_rate=Decimal("0.10"))
    assert p.new_annual_rate == Decimal("0.12")
    assert p.annualized_cost < Decimal("0.13")
    assert p.npv_loss_fen > 0


@pytest.mark.parametrize(
    ("waived", "outstanding", "dpd", "earlier", "rate_reduced", "expected"),
    [
        (0, 1_000_000, 10, 0, False, AuthorityLevel.AUTO),
        (0, 1_000_000, 31, 0, False, AuthorityLevel.TEAM_LEAD),  # DPD above the AUTO band
        (0, 1_000_000, 10, 0, True, AuthorityLevel.TEAM_LEAD),  # rate reductions never AUTO
        (500_000, 5_000_000, 90, 0, False, AuthorityLevel.TEAM_LEAD),  # at the limits (10%)
        (500_001, 10_000_002, 10, 0, False, AuthorityLevel.RISK_MANAGER),  # amount
        (1_001, 10_000, 10, 0, False, AuthorityLevel.RISK_MANAGER),  # percentage (10.01%)
        (0, 1_000_000, 10, 1, False, AuthorityLevel.RISK_MANAGER),  # an earlier restructuring
        (5_000_001, 25_000_005, 10, 0, False, AuthorityLevel.COMMITTEE),
        (31_000, 100_000, 10, 0, False, AuthorityLevel.COMMITTEE),  # 31%
        (0, 1_000_000, 181, 0, False, AuthorityLevel.COMMITTEE),
        (0, 1_000_000, 10, 2, False, AuthorityLevel.COMMITTEE),
    ],
)
def test_authority_matrix(waived, outstanding, dpd, earlier, rate_reduced, expected):
    assert required_authority(
        waived_fen=waived, outstanding_fen=outstanding, days_past_due=dpd,
        earlier_restructurings=earlier, rate_reduced=rate_reduced,
    ) is expected


def test_roles_carry_authority():
    assert authority_of(["collector"]) is None
    assert authority_of(["restructuring_approver"]) is AuthorityLevel.TEAM_LEAD
    assert authority_of(["restructuring_approver", "risk_manager"]) is AuthorityLevel.RISK_MANAGER


def _pending_plan(required: AuthorityLevel) -> Plan:
    snapshot = loan()
    pricing = price_plan(snapshot, EXTEND, effective_date=TODAY, discount_rate=Decimal("0.1"))
    plan = Plan("p-1", "L-1", "B-1", PlanState.REQUESTED, HARDSHIP, EXTEND,
                assess(snapshot, EXTEND), "maker", NOW)
    plan.requote(Quote("q-1", EXTEND, pricing, required, NOW, NOW + dt.timedelta(days=7)),
                 plan.eligibility)
    return plan


def test_maker_checker_and_committee_on_the_aggregate():
    plan = _pending_plan(AuthorityLevel.RISK_MANAGER)
    approve = dict(quote_id="q-1", reason_codes=(), comment="", now=NOW)
    with pytest.raises(FailedPrecondition) as error:
        plan.approve(subject="maker", authority=AuthorityLevel.RISK_MANAGER, **approve)
    assert error.value.reason == "APPROVER_IS_REQUESTER"
    with pytest.raises(FailedPrecondition) as error:
        plan.approve(subject="lead", authority=AuthorityLevel.TEAM_LEAD, **approve)
    assert error.value.reason == "AUTHORITY_INSUFFICIENT"
    with pytest.raises(FailedPrecondition) as error:
        plan.approve(subject="rm", authority=AuthorityLevel.RISK_MANAGER, quote_id="q-0",
                     reason_codes=(), comment="", now=NOW)
    assert error.value.reason == "QUOTE_SUPERSEDED"
    with pytest.raises(FailedPrecondition) as error:
        plan.approve(subject="rm", authority=AuthorityLevel.RISK_MANAGER, quote_id="q-1",
                     reason_codes=(), comment="", now=NOW + dt.timedelta(days=8))
    assert error.value.reason == "QUOTE_EXPIRED"
    assert plan.state is PlanState.PENDING_APPROVAL and plan.decisions == []
    assert plan.approve(subject="rm", authority=AuthorityLevel.RISK_MANAGER, **approve)
    assert plan.state is PlanState.APPROVED

    committee = _pending_plan(AuthorityLevel.COMMITTEE)
    assert not committee.approve(subject="lead", authority=AuthorityLevel.TEAM_LEAD, **approve)
    with pytest.raises(FailedPrecondition) as error:
        committee.approve(subject="lead", authority=AuthorityLevel.TEAM_LEAD, **approve)
    assert error.value.reason == "ALREADY_DECIDED_BY_CALLER"
    with pytest.raises(FailedPrecondition) as error:
        committee.approve(subject="lead-2", authority=AuthorityLevel.TEAM_LEAD, **approve)
    assert error.value.reason == "AUTHORITY_INSUFFICIENT"  # needs a risk manager
    assert committee.approve(subject="rm", authority=AuthorityLevel.RISK_MANAGER, **approve)
    assert committee.state is PlanState.APPROVED


def test_signature_hash_and_activation_steps():
    from restructuring.domain.plans import AgreementInfo

    plan = _pending_plan(AuthorityLevel.TEAM_LEAD)
    plan.approve(subject="lead", authority=AuthorityLevel.TEAM_LEAD, quote_id="q-1",
                 reason_codes=(), comment="", now=NOW)
    plan.attach_agreement(AgreementInfo("a-1", "q-1", "t", "text/html", "b" * 64, 10, NOW,
                                        NOW + dt.timedelta(days=3)))
    evidence = SignatureEvidence("c" * 64, "kyc-1", NOW, "WEB", "op", NOW)
    with pytest.raises(FailedPrecondition) as error:
        plan.sign(agreement_id="a-1", evidence=evidence, now=NOW)
    assert error.value.reason == "DOCUMENT_HASH_MISMATCH"
    good = SignatureEvidence("b" * 64, "kyc-1", NOW, "WEB", "op", NOW)
    with pytest.raises(FailedPrecondition) as error:
        plan.sign(agreement_id="a-1", evidence=good, now=NOW + dt.timedelta(days=4))
    assert error.value.reason == "SIGNATURE_DEADLINE_PASSED"
    assert plan.state is PlanState.APPROVED and plan.signature is None
    plan.sign(agreement_id="a-1", evidence=good, now=NOW)
    assert plan.state is PlanState.ACTIVATING
    assert plan.next_step() is StepType.SCHEDULE_REPLACED
    plan.step_retry(StepType.SCHEDULE_REPLACED, "DEPENDENCY_UNAVAILABLE")
    plan.activation_failed(StepType.SCHEDULE_REPLACED, "LOAN_CHANGED_SINCE_QUOTE")
    assert plan.state is PlanState.ACTIVATION_FAILED
    assert plan.step(StepType.SCHEDULE_REPLACED).attempts == 2
    assert plan.step(StepType.CASE_PAUSED).attempts == 0  # never started: nothing half-applied


@pytest.mark.parametrize(
    ("started", "months", "end"),
    [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),  # leap day → no Feb 29 next year
        (dt.date(2023, 2, 28), 12, dt.date(2024, 2, 28)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),  # month end clamped
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # leap February
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2024, 12, 31), 12, dt.date(2025, 12, 31)),
    ],
)
def test_observation_earliest_end_across_month_ends_and_leap_years(started, months, end):
    assert earliest_end(started, months) == end


def test_observation_needs_both_time_and_consecutive_on_time_periods():
    started = dt.date(2024, 2, 29)
    period = ObservationPeriod.start(loan_id="L-1", borrower_id="B-1", plan_id="p",
                                     started_on=started, policy=ObservationPolicy())
    assert period.earliest_end_on == dt.date(2025, 2, 28)
    # Plan installments on month ends from March 2024 (leap February behind).
    schedule = [DueAmount(d, 10_000) for d in
                (dt.date(2024, 3, 31), dt.date(2024, 4, 30), dt.date(2024, 5, 31),
                 dt.date(2024, 6, 30))]
    paid = [(dt.date(2024, 3, 31), 10_000), (dt.date(2024, 5, 2), 10_000),  # April late
            (dt.date(2024, 5, 31), 10_000), (dt.date(2024, 6, 30), 10_000)]
    # April is unpaid on its due date but not late before the day is over; late the next day.
    assert consecutive_on_time_periods(schedule, paid, dt.date(2024, 4, 30)) == 1
    assert consecutive_on_time_periods(schedule, paid, dt.date(2024, 5, 1)) == 0
    assert consecutive_on_time_periods(schedule, paid, dt.date(2024, 5, 31)) == 1
    assert consecutive_on_time_periods(schedule, paid, dt.date(2024, 6, 30)) == 2
    assert consecutive_on_time_periods(schedule, paid, dt.date(2024, 5, 3), grace_days=3) == 2
    # Two on-time periods but not a year: still in observation; the floor cannot be lifted.
    period.refresh(2, dt.date(2024, 6, 30))
    assert period.state is ObservationState.IN_OBSERVATION
    with pytest.raises(FailedPrecondition) as error:
        period.lift(dt.date(2024, 6, 30), days_past_due=0)
    assert error.value.reason == "OBSERVATION_PERIOD_NOT_ENDED"
    # The day before the anniversary (2025-02-27) is still inside; 2025-02-28 is the end.
    period.refresh(2, dt.date(2025, 2, 27))
    assert period.state is ObservationState.IN_OBSERVATION
    period.refresh(1, dt.date(2025, 2, 28))
    assert period.state is ObservationState.IN_OBSERVATION  # a year but one period only
    period.refresh(2, dt.date(2025, 2, 28))
    assert period.state is ObservationState.ELIGIBLE_FOR_UPGRADE
    with pytest.raises(FailedPrecondition) as error:
        period.lift(dt.date(2025, 2, 28), days_past_due=3)
    assert error.value.reason == "LOAN_NOT_CURRENT"
    period.lift(dt.date(2025, 2, 28), days_past_due=0)
    assert period.state is ObservationState.ENDED and period.ended_on == dt.date(2025, 2, 28)
