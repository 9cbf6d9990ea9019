"""Restructuring rules: the loan as read from monitoring, the terms of a plan, eligibility,
pricing (new schedule by the shared engine, waivers, NPV loss) and the authority matrix.

Pure Python (no grpc, no sqlalchemy). Amounts in integer fen, rates as Decimal fractions a year,
business dates as ``date``, instants as UTC ``datetime``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum
from fractions import Fraction
from typing import Final

from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.lending import (
    RepaymentMethod,
    add_months,
    annualized_cost_rate,
    due_date_in_month,
    first_due_date,
    present_value,
    rebuild_schedule,
)

DEFAULT_RATE_CAP: Final = Decimal("0.24")
_PERCENT_QUANTUM: Final = Decimal("0.0001")


class Reasons:
    """FAILED_PRECONDITION reasons documented on the PlanService and ObservationService RPCs."""

    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    PLAN_IN_PROGRESS = "PLAN_IN_PROGRESS"
    WAIVER_EXCEEDS_OUTSTANDING = "WAIVER_EXCEEDS_OUTSTANDING"
    TERM_EXCEEDS_MAXIMUM = "TERM_EXCEEDS_MAXIMUM"
    NOTHING_TO_EXTEND = "NOTHING_TO_EXTEND"
    LOAN_NOT_ACTIVE = "LOAN_NOT_ACTIVE"
    PLAN_NOT_QUOTABLE = "PLAN_NOT_QUOTABLE"
    RATE_CAP_EXCEEDED = "RATE_CAP_EXCEEDED"
    APPROVER_IS_REQUESTER = "APPROVER_IS_REQUESTER"
    AUTHORITY_INSUFFICIENT = "AUTHORITY_INSUFFICIENT"
    ALREADY_DECIDED_BY_CALLER = "ALREADY_DECIDED_BY_CALLER"
    PLAN_NOT_PENDING_APPROVAL = "PLAN_NOT_PENDING_APPROVAL"
    QUOTE_SUPERSEDED = "QUOTE_SUPERSEDED"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    PLAN_NOT_APPROVED = "PLAN_NOT_APPROVED"
    OFFER_EXPIRED = "OFFER_EXPIRED"
    ALREADY_SIGNED = "ALREADY_SIGNED"
    AGREEMENT_SUPERSEDED = "AGREEMENT_SUPERSEDED"
    DOCUMENT_HASH_MISMATCH = "DOCUMENT_HASH_MISMATCH"
    SIGNATURE_DEADLINE_PASSED = "SIGNATURE_DEADLINE_PASSED"
    LOAN_CHANGED_SINCE_QUOTE = "LOAN_CHANGED_SINCE_QUOTE"
    NO_FLOOR = "NO_FLOOR"
    OBSERVATION_PERIOD_NOT_ENDED = "OBSERVATION_PERIOD_NOT_ENDED"
    LOAN_NOT_CURRENT = "LOAN_NOT_CURRENT"


# --- the loan as monitoring reports it ---------------------------------------------------------


@dataclass(frozen=True)
class LoanInstallment:
    """One installment of the loan's schedule in force, with what is still unpaid (fen)."""

    sequence: int
    due_date: dt.date
    principal_unpaid_fen: int
    interest_unpaid_fen: int
    penalty_unpaid_fen: int
    interest_due_fen: int
    paid: bool

    @property
    def unpaid_fen(self) -> int:
        return self.principal_unpaid_fen + self.interest_unpaid_fen + self.penalty_unpaid_fen


@dataclass(frozen=True)
class LoanSnapshot:
    """What restructuring reads from monitoring (GetLoan and GetLoanSchedule)."""

    loan_id: str
    borrower_id: str
    active: bool
    version: int
    as_of: dt.date
    days_past_due: int
    current_annual_rate: Decimal
    repayment_method: RepaymentMethod
    due_day: int
    currency: str
    outstanding_principal_fen: int
    outstanding_interest_fen: int
    outstanding_penalty_fen: int
    outstanding_total_fen: int
    overdue_principal_fen: int
    overdue_interest_fen: int
    overdue_penalty_fen: int
    regular_installment_fen: int
    restructured_at: tuple[dt.datetime, ...]
    installments: tuple[LoanInstallment, ...]

    @property
    def whole_principal_overdue(self) -> bool:
        """All principal still owed is overdue (a matured loan): nothing is left to extend."""
        return 0 < self.outstanding_principal_fen <= self.overdue_principal_fen

    def restructurings_since(self, since: dt.datetime) -> int:
        return sum(1 for at in self.restructured_at if at >= since)

    def future_installments(self, after: dt.date) -> list[LoanInstallment]:
        return [i for i in self.installments if not i.paid and i.due_date > after]

    def waivable_interest_fen(self, effective_date: dt.date) -> int:
        """The most interest a plan taking effect on ``effective_date`` may waive: what is
        unpaid on installments due strictly before it, the limit monitoring's ReplaceSchedule
        applies (overdue interest also counts an installment due that very day). Without a
        schedule (not read), the overdue interest."""
        if not self.installments:
            return self.overdue_interest_fen
        return sum(
            i.interest_unpaid_fen for i in self.installments
            if not i.paid and i.due_date < effective_date
        )


# --- a plan's terms -----------------------------------------------------------------------------


class PlanType(StrEnum):
    TERM_EXTENSION = "TERM_EXTENSION"  # 展期
    REINSTALLMENT = "REINSTALLMENT"  # 分期 (re-ageing)
    WAIVER = "WAIVER"  # 减免
    RATE_REDUCTION = "RATE_REDUCTION"


class HardshipReason(StrEnum):
    UNEMPLOYMENT = "UNEMPLOYMENT"
    ILLNESS = "ILLNESS"
    BUSINESS_DISRUPTION = "BUSINESS_DISRUPTION"
    NATURAL_DISASTER = "NATURAL_DISASTER"
    OTHER = "OTHER"


@dataclass(frozen=True)
class Evidence:
    kind: str
    document_reference: str
    document_sha256: str


@dataclass(frozen=True)
class Hardship:
    reason: HardshipReason
    description: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class PlanTerms:
    """Terms of a plan; fields apply only for the plan types listed (validated at the edge)."""

    plan_types: tuple[PlanType, ...]
    additional_periods: int = 0
    reinstallment_periods: int = 0
    interest_waiver_fen: int = 0
    penalty_waiver_fen: int = 0
    waive_all_penalty: bool = False
    new_annual_rate: Decimal | None = None

    def has(self, plan_type: PlanType) -> bool:
        return plan_type in self.plan_types

    def interest_waived(self, loan: LoanSnapshot) -> int:
        return self.interest_waiver_fen if self.has(PlanType.WAIVER) else 0

    def penalty_waived(self, loan: LoanSnapshot) -> int:
        if not self.has(PlanType.WAIVER):
            return 0
        return loan.outstanding_penalty_fen if self.waive_all_penalty else self.penalty_waiver_fen

    def total_waived(self, loan: LoanSnapshot) -> int:
        return self.interest_waived(loan) + self.penalty_waived(loan)

    def annual_rate(self, loan: LoanSnapshot) -> Decimal:
        if self.has(PlanType.RATE_REDUCTION) and self.new_annual_rate is not None:
            return self.new_annual_rate
        return loan.current_annual_rate

    def new_term(self, loan: LoanSnapshot, effective_date: dt.date) -> int:
        """Periods of the new schedule: the remaining future periods (at least 1), plus the
        extension, and at least the re-installment periods; just those when re-installment
        takes the whole principal (all of it overdue), as :func:`price_plan` builds it."""
        if self.has(PlanType.REINSTALLMENT) and loan.whole_principal_overdue:
            return self.reinstallment_periods
        term = max(len(loan.future_installments(effective_date)), 1)
        if self.has(PlanType.TERM_EXTENSION):
            term += self.additional_periods
        if self.has(PlanType.REINSTALLMENT):
            term = max(term, self.reinstallment_periods)
        return term


def check_extension_has_a_term(terms: PlanTerms, loan: LoanSnapshot) -> None:
    """A term extension together with a re-installment on a loan whose whole principal is
    overdue (a matured loan) would extend nothing: re-installment takes the overdue principal
    and the schedule has the re-installment periods, so the extension would be dropped
    unseen. Refused, saying so; re-install over more periods instead."""
    if not (terms.has(PlanType.TERM_EXTENSION) and terms.has(PlanType.REINSTALLMENT)):
        return
    if loan.whole_principal_overdue:
        raise FailedPrecondition(
            Reasons.NOTHING_TO_EXTEND,
            "all principal is overdue: re-installment sets the new term, an extension adds "
            "nothing to it",
            metadata={
                "overdue_principal_fen": str(loan.overdue_principal_fen),
                "outstanding_principal_fen": str(loan.outstanding_principal_fen),
                "reinstallment_periods": str(terms.reinstallment_periods),
            },
        )


def check_terms_against_loan(terms: PlanTerms, loan: LoanSnapshot, max_new_term: int,
                             effective_date: dt.date) -> None:
    """Refusals that make a plan impossible to price: waivers above what is outstanding, a
    term beyond the maximum."""
    if terms.has(PlanType.WAIVER):
        waivable = min(loan.overdue_interest_fen, loan.waivable_interest_fen(effective_date))
        if terms.interest_waiver_fen > waivable:
            raise FailedPrecondition(
                Reasons.WAIVER_EXCEEDS_OUTSTANDING,
                "the interest waiver is above the interest overdue before the effective date",
                metadata={
                    "interest_waiver_fen": str(terms.interest_waiver_fen),
                    "overdue_interest_fen": str(loan.overdue_interest_fen),
                    "waivable_interest_fen": str(waivable),
                },
            )
        if not terms.waive_all_penalty and terms.penalty_waiver_fen > loan.outstanding_penalty_fen:
            raise FailedPrecondition(
                Reasons.WAIVER_EXCEEDS_OUTSTANDING,
                "the penalty waiver is above the penalty outstanding",
                metadata={
                    "penalty_waiver_fen": str(terms.penalty_waiver_fen),
                    "outstanding_penalty_fen": str(loan.outstanding_penalty_fen),
                },
            )
    term = terms.new_term(loan, effective_date)
    if term > max_new_term:
        raise FailedPrecondition(
            Reasons.TERM_EXCEEDS_MAXIMUM,
            "the new term is beyond the maximum number of periods",
            metadata={"new_term_periods": str(term), "max_new_term_periods": str(max_new_term)},
        )


# --- pricing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInstallment:
    sequence: int
    due_date: dt.date
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    total_fen: int
    remaining_principal_fen: int


@dataclass(frozen=True)
class Pricing:
    """A priced plan: the new schedule and what it costs the lender (fen)."""

    effective_date: dt.date
    loan_version: int
    outstanding_principal_fen: int
    overdue_interest_fen: int
    outstanding_penalty_fen: int
    old_installment_fen: int
    new_installment_fen: int
    old_remaining_periods: int
    new_term_periods: int
    old_total_interest_fen: int
    new_total_interest_fen: int
    interest_waived_fen: int
    penalty_waived_fen: int
    total_waived_fen: int
    waived_percentage: Decimal
    discount_rate: Decimal
    npv_loss_fen: int
    new_annual_rate: Decimal
    annualized_cost: Decimal
    installments: tuple[PlanInstallment, ...]


def _spread(amount: int, parts: int) -> list[int]:
    """``amount`` fen over ``parts`` installments: equal shares, the remainder on the first."""
    share, remainder = divmod(amount, parts)
    return [share + (remainder if k == 0 else 0) for k in range(parts)]


def price_plan(
    loan: LoanSnapshot, terms: PlanTerms, *, effective_date: dt.date, discount_rate: Decimal
) -> Pricing:
    """The new schedule, computed exactly with the shared engine from ``effective_date``:

    * the principal still scheduled (outstanding minus overdue) is re-amortised at the plan's
      rate over the new term (remaining periods, plus the extension);
    * REINSTALLMENT: the overdue principal is amortised separately over the re-installment
      periods, and the arrears not waived (overdue interest, penalty) are spread evenly over
      them; otherwise overdue principal joins the re-amortised principal and the arrears not
      waived fall due with the first new installment.

    The NPV loss is the present value at ``discount_rate`` of what the borrower owes on the
    current schedule (unpaid installments; arrears at face value; penalty) minus that of the
    new schedule, rounded half-up to the fen once."""
    rate = terms.annual_rate(loan)
    term = terms.new_term(loan, effective_date)
    interest_waived = terms.interest_waived(loan)
    penalty_waived = terms.penalty_waived(loan)
    carried_interest = loan.overdue_interest_fen - interest_waived
    carried_penalty = loan.outstanding_penalty_fen - penalty_waived
    reinstall = terms.has(PlanType.REINSTALLMENT)
    arrears_periods = terms.reinstallment_periods if reinstall else 1

    scheduled_principal = loan.outstanding_principal_fen
    streams = []
    if reinstall and loan.overdue_principal_fen > 0:
        scheduled_principal -= loan.overdue_principal_fen
        streams.append(
            rebuild_schedule(
                loan.overdue_principal_fen, rate, terms.reinstallment_periods, effective_date,
                loan.repayment_method, loan.due_day,
            )
        )
    if scheduled_principal > 0:
        streams.append(
            rebuild_schedule(
                scheduled_principal, rate, term, effective_date, loan.repayment_method,
                loan.due_day,
            )
        )
    by_sequence: dict[int, list[int]] = {}
    dues: dict[int, dt.date] = {}
    for stream in streams:
        for row in stream:
            parts = by_sequence.setdefault(row.sequence, [0, 0, 0])
            parts[0] += row.principal_fen
            parts[1] += row.interest_fen
            dues[row.sequence] = row.due_date
    if not dues:  # nothing but arrears left: installments on the loan's due day from now
        dues[1] = first_due_date(effective_date, loan.due_day)
        by_sequence[1] = [0, 0, 0]
    interest_shares = _spread(carried_interest, arrears_periods)
    penalty_shares = _spread(carried_penalty, arrears_periods)
    for k in range(arrears_periods):
        sequence = k + 1
        if sequence not in by_sequence:
            by_sequence[sequence] = [0, 0, 0]
            # From the due day, not from dues[1]: a clamped 02-28 must not pull 03-31 to 03-28.
            dues[sequence] = due_date_in_month(dues[1].year, dues[1].month + k, loan.due_day)
        by_sequence[sequence][1] += interest_shares[k]
        by_sequence[sequence][2] += penalty_shares[k]

    installments: list[PlanInstallment] = []
    remaining = loan.outstanding_principal_fen
    for sequence in sorted(by_sequence):
        principal, interest, penalty = by_sequence[sequence]
        remaining -= principal
        installments.append(
            PlanInstallment(
                sequence=sequence,
                due_date=dues[sequence],
                principal_fen=principal,
                interest_fen=interest,
                penalty_fen=penalty,
                total_fen=principal + interest + penalty,
                remaining_principal_fen=remaining,
            )
        )

    new_flows = [(i.due_date, i.total_fen) for i in installments]
    old_flows = [(i.due_date, i.unpaid_fen) for i in loan.installments if not i.paid]
    # Penalty accrued but not carried by an installment counts at face value now.
    penalty_on_installments = sum(i.penalty_unpaid_fen for i in loan.installments if not i.paid)
    if loan.outstanding_penalty_fen > penalty_on_installments:
        old_flows.append((effective_date, loan.outstanding_penalty_fen - penalty_on_installments))
    # One present value of the difference, not a difference of two: a date's time is measured
    # along the dates of the flows valued together, so each date must get one discount factor.
    npv_loss = present_value(
        old_flows + [(on, -amount) for on, amount in new_flows], discount_rate, effective_date
    )
    financed = loan.outstanding_principal_fen + carried_interest + carried_penalty
    apr = (
        annualized_cost_rate(financed, effective_date, new_flows) if financed > 0 else Decimal(0)
    )
    future = loan.future_installments(effective_date)
    total_waived = interest_waived + penalty_waived
    percentage = (
        (Decimal(total_waived) / Decimal(loan.outstanding_total_fen)).quantize(
            _PERCENT_QUANTUM, rounding=ROUND_HALF_UP
        )
        if loan.outstanding_total_fen > 0
        else Decimal("0.0000")
    )
    regular = installments[arrears_periods] if len(installments) > arrears_periods else None
    return Pricing(
        effective_date=effective_date,
        loan_version=loan.version,
        outstanding_principal_fen=loan.outstanding_principal_fen,
        overdue_interest_fen=loan.overdue_interest_fen,
        outstanding_penalty_fen=loan.outstanding_penalty_fen,
        old_installment_fen=loan.regular_installment_fen,
        new_installment_fen=(regular or installments[-1]).total_fen,
        old_remaining_periods=len(future),
        new_term_periods=len(installments),
        old_total_interest_fen=sum(i.interest_unpaid_fen for i in future),
        new_total_interest_fen=sum(i.interest_fen for i in installments),
        interest_waived_fen=interest_waived,
        penalty_waived_fen=penalty_waived,
        total_waived_fen=total_waived,
        waived_percentage=percentage,
        discount_rate=discount_rate,
        npv_loss_fen=int(npv_loss.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        new_annual_rate=rate,
        annualized_cost=apr,
        installments=tuple(installments),
    )


# --- eligibility ----------------------------------------------------------------------------


class RuleOutcome(StrEnum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@dataclass(frozen=True)
class RuleResult:
    rule_code: str
    outcome: RuleOutcome
    reason: str
    observed_value: str = ""
    limit_value: str = ""


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    rules: tuple[RuleResult, ...]
    loan_version: int
    days_past_due: int
    restructurings_last_12_months: int
    evaluated_at: dt.datetime

    @property
    def failed_rule_codes(self) -> list[str]:
        return [r.rule_code for r in self.rules if r.outcome is RuleOutcome.FAILED]


@dataclass(frozen=True)
class EligibilityPolicy:
    """Configurable eligibility rules (defaults per the restructuring policy)."""

    max_restructurings_12_months: int = 1
    min_days_past_due: int = 0
    max_days_past_due: int = 180
    max_new_term: int = 60
    rate_cap: Decimal = DEFAULT_RATE_CAP
    evidence_waiver_threshold_fen: int = 100_000  # 1,000 yuan


def _outcome(passed: bool) -> RuleOutcome:
    return RuleOutcome.PASSED if passed else RuleOutcome.FAILED


def evaluate_eligibility(
    loan: LoanSnapshot,
    terms: PlanTerms,
    hardship: Hardship | None,
    *,
    policy: EligibilityPolicy,
    plan_in_progress: bool,
    pricing: Pricing | None,
    now: dt.datetime,
    effective_date: dt.date,
) -> Eligibility:
    """Every rule with its outcome and a plain-language reason. ``pricing`` is None when the
    plan could not be priced (the loan is not active or the term is beyond the maximum)."""
    rules: list[RuleResult] = []
    rules.append(
        RuleResult(
            "LOAN_ACTIVE",
            _outcome(loan.active),
            "the loan is active" if loan.active else "the loan is paid off",
            "ACTIVE" if loan.active else "PAID_OFF",
            "ACTIVE",
        )
    )
    rules.append(
        RuleResult(
            "NO_PLAN_IN_PROGRESS",
            _outcome(not plan_in_progress),
            "another plan of this loan has not ended" if plan_in_progress
            else "no other plan of this loan is in progress",
            "1" if plan_in_progress else "0",
            "0",
        )
    )
    # Twelve calendar months back (clamped to month ends), as the observation period counts:
    # 365 days would be a day short across a leap day.
    since = dt.datetime.combine(add_months(now.date(), -12), now.timetz())
    count = loan.restructurings_since(since)
    limit = policy.max_restructurings_12_months
    rules.append(
        RuleResult(
            "MAX_RESTRUCTURINGS_12_MONTHS",
            _outcome(count < limit),
            f"{count} restructuring(s) in the last 12 months; at most {limit} allowed",
            str(count),
            str(limit),
        )
    )
    low, high = policy.min_days_past_due, policy.max_days_past_due
    dpd = loan.days_past_due
    rules.append(
        RuleResult(
            "DAYS_PAST_DUE_WINDOW",
            _outcome(low <= dpd <= high),
            f"{dpd} days past due; the window is {low}..{high}",
            str(dpd),
            f"{low}..{high}",
        )
    )
    term = terms.new_term(loan, effective_date)
    rules.append(
        RuleResult(
            "MAX_NEW_TERM",
            _outcome(term <= policy.max_new_term),
            f"the new schedule has {term} periods; at most {policy.max_new_term}",
            str(term),
            str(policy.max_new_term),
        )
    )
    cap = policy.rate_cap
    if pricing is None:
        rules.append(
            RuleResult("RATE_CAP", RuleOutcome.NOT_APPLICABLE,
                       "the plan could not be priced", "", str(cap))
        )
    else:
        within = pricing.annualized_cost <= cap
        rules.append(
            RuleResult(
                "RATE_CAP",
                _outcome(within),
                f"annualized cost {pricing.annualized_cost:.4f} "
                f"{'within' if within else 'above'} the cap {cap}",
                f"{pricing.annualized_cost:.6f}",
                str(cap),
            )
        )
    waived = terms.total_waived(loan)
    threshold = policy.evidence_waiver_threshold_fen
    evidence = len(hardship.evidence) if hardship else 0
    if waived <= threshold:
        rules.append(
            RuleResult(
                "HARDSHIP_EVIDENCE",
                RuleOutcome.NOT_APPLICABLE,
                f"waiver of {waived} fen is not above the threshold of {threshold} fen",
                str(evidence),
                f">{threshold} fen waived needs evidence",
            )
        )
    else:
        rules.append(
            RuleResult(
                "HARDSHIP_EVIDENCE",
                _outcome(evidence > 0),
                f"waiver of {waived} fen is above {threshold} fen: "
                + ("evidence given" if evidence else "hardship evidence is required"),
                str(evidence),
                ">=1",
            )
        )
    eligible = all(r.outcome is not RuleOutcome.FAILED for r in rules)
    return Eligibility(
        eligible=eligible,
        rules=tuple(rules),
        loan_version=loan.version,
        days_past_due=dpd,
        restructurings_last_12_months=count,
        evaluated_at=now,
    )


def refuse_if_ineligible(eligibility: Eligibility) -> None:
    """FAILED_PRECONDITION for an ineligible plan: the specific reason for an inactive loan or a
    plan in progress, else NOT_ELIGIBLE; metadata lists every failed rule code."""
    failed = eligibility.failed_rule_codes
    if not failed:
        return
    metadata = {"failed_rules": ",".join(failed)}
    if "LOAN_ACTIVE" in failed:
        raise FailedPrecondition(Reasons.LOAN_NOT_ACTIVE, "the loan is not active", metadata)
    if failed == ["MAX_NEW_TERM"]:
        raise FailedPrecondition(
            Reasons.TERM_EXCEEDS_MAXIMUM, "the new term is beyond the maximum", metadata
        )
    if failed == ["NO_PLAN_IN_PROGRESS"]:
        raise FailedPrecondition(
            Reasons.PLAN_IN_PROGRESS, "the loan has a plan not yet ended", metadata
        )
    if failed == ["RATE_CAP"]:
        raise FailedPrecondition(
            Reasons.RATE_CAP_EXCEEDED,
            "the annualized cost of the new schedule is above the rate cap",
            metadata,
        )
    raise FailedPrecondition(
        Reasons.NOT_ELIGIBLE, f"the plan is not eligible: {', '.join(failed)}", metadata
    )


# --- the authority matrix -------------------------------------------------------------------


class AuthorityLevel(IntEnum):
    AUTO = 1
    TEAM_LEAD = 2
    RISK_MANAGER = 3
    COMMITTEE = 4


@dataclass(frozen=True)
class AuthorityBand:
    """The most a level may approve: every limit must hold."""

    level: AuthorityLevel
    max_waived_fen: int
    max_waived_percentage: Decimal
    max_days_past_due: int
    max_earlier_restructurings: int


DEFAULT_AUTHORITY_MATRIX: Final = (
    AuthorityBand(AuthorityLevel.AUTO, 0, Decimal(0), 30, 0),
    AuthorityBand(AuthorityLevel.TEAM_LEAD, 500_000, Decimal("0.10"), 90, 0),
    AuthorityBand(AuthorityLevel.RISK_MANAGER, 5_000_000, Decimal("0.30"), 180, 1),
)

# Which authority a role carries (proto AuthorityLevel comments).
ROLE_AUTHORITY: Final = {
    "restructuring_approver": AuthorityLevel.TEAM_LEAD,
    "risk_manager": AuthorityLevel.RISK_MANAGER,
}


def required_authority(
    *,
    waived_fen: int,
    outstanding_fen: int,
    days_past_due: int,
    earlier_restructurings: int,
    rate_reduced: bool,
    matrix: tuple[AuthorityBand, ...] = DEFAULT_AUTHORITY_MATRIX,
) -> AuthorityLevel:
    """The lowest level whose band holds every figure; COMMITTEE beyond the last band. A rate
    reduction is never approved automatically (it costs the lender without a waiver).

    The waived share of ``outstanding_fen`` is compared exactly (as a fraction): the rounded
    ``Pricing.waived_percentage`` is for display only, 10.005% must not pass a 10% band."""
    if outstanding_fen > 0:
        share = Fraction(waived_fen, outstanding_fen)
    else:  # nothing outstanding: any waiver is beyond every band
        share = Fraction(0) if waived_fen <= 0 else Fraction(10**18)
    for band in matrix:
        if band.level is AuthorityLevel.AUTO and rate_reduced:
            continue
        if (
            waived_fen <= band.max_waived_fen
            and share <= Fraction(band.max_waived_percentage)
            and days_past_due <= band.max_days_past_due
            and earlier_restructurings <= band.max_earlier_restructurings
        ):
            return band.level
    return AuthorityLevel.COMMITTEE


def authority_of(roles: tuple[str, ...] | list[str]) -> AuthorityLevel | None:
    """The highest authority the caller's roles carry; None when none."""
    levels = [ROLE_AUTHORITY[r] for r in roles if r in ROLE_AUTHORITY]
    return max(levels) if levels else None


def months_later(day: dt.date, months: int) -> dt.date:
    return add_months(day, months)
