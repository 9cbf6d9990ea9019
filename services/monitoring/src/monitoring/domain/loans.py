"""The loan aggregate: contractual terms, the registered schedule and the rules of registration.

Plain Python (no grpc, protobuf or sqlalchemy). Amounts are integer fen, rates ``Decimal``
fractions per year (``Decimal("0.18")`` is 18%), dates are business dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.lending import (
    Installment as ScheduledInstallment,
)
from postloan_runtime.lending import (
    RepaymentMethod,
    annualized_cost_rate,
    build_schedule,
    cashflows_of,
    validate_schedule,
)

__all__ = [
    "DEFAULT_RATE_CAP",
    "CURRENT_BUCKET",
    "Installment",
    "InstallmentState",
    "Loan",
    "LoanRegistered",
    "LoanState",
    "LoanTerms",
    "PrepaymentRule",
    "Reasons",
    "RepaymentMethod",
    "ScheduledInstallment",
    "annualized_cost",
    "check_rate_cap",
    "register_loan",
    "schedule_for",
]

# The regulatory ceiling on the annualized cost (PBOC IRR method), configurable per deployment.
DEFAULT_RATE_CAP: Final = Decimal("0.24")
# The APR is stated, and compared with the cap, in hundredths of a percent (0.1795 = 17.95%):
# rounding every installment to the fen puts a 24% annuity at 0.2400006…, which is not a breach.
APR_QUANTUM: Final = Decimal("0.0001")
CURRENT_BUCKET: Final = "M0"
FIRST_SCHEDULE_VERSION: Final = 1


class Reasons:
    """FAILED_PRECONDITION reasons of LoanService, as documented in monitoring.proto."""

    RATE_CAP_EXCEEDED = "RATE_CAP_EXCEEDED"
    LOAN_ID_CONFLICT = "LOAN_ID_CONFLICT"
    CREDIT_LINE_NOT_FOUND = "CREDIT_LINE_NOT_FOUND"
    SCHEDULE_PRINCIPAL_MISMATCH = "SCHEDULE_PRINCIPAL_MISMATCH"
    SCHEDULE_INVALID = "SCHEDULE_INVALID"


class PrepaymentRule(StrEnum):
    """What an overpayment does to the remaining schedule."""

    SHORTEN_TERM = "SHORTEN_TERM"
    REDUCE_INSTALLMENT = "REDUCE_INSTALLMENT"


class LoanState(StrEnum):
    ACTIVE = "ACTIVE"
    PAID_OFF = "PAID_OFF"


class InstallmentState(StrEnum):
    PENDING = "PENDING"
    DUE = "DUE"
    OVERDUE = "OVERDUE"
    PAID = "PAID"
    SUPERSEDED = "SUPERSEDED"


class Classification(StrEnum):
    """Five-category loan classification (正常/关注/次级/可疑/损失)."""

    NORMAL = "NORMAL"
    SPECIAL_MENTION = "SPECIAL_MENTION"
    SUBSTANDARD = "SUBSTANDARD"
    DOUBTFUL = "DOUBTFUL"
    LOSS = "LOSS"


@dataclass(frozen=True)
class LoanTerms:
    """The contract as registered. ``principal_fen`` in fen; rates are annual fractions;
    ``due_day`` 1..31 (clamped to month ends); ``grace_days`` days after a due date."""

    product_code: str
    principal_fen: int
    currency: str
    annual_rate: Decimal
    term_periods: int
    repayment_method: RepaymentMethod
    disbursement_date: dt.date
    due_day: int
    grace_days: int
    penalty_annual_rate: Decimal
    prepayment_rule: PrepaymentRule = PrepaymentRule.SHORTEN_TERM


@dataclass(frozen=True)
class Installment:
    """One installment of a loan's schedule with what was paid (all amounts in fen)."""

    sequence: int
    schedule_version: int
    due_date: dt.date
    principal_due_fen: int
    interest_due_fen: int
    penalty_due_fen: int = 0
    principal_paid_fen: int = 0
    interest_paid_fen: int = 0
    penalty_paid_fen: int = 0
    penalty_waived_fen: int = 0
    state: InstallmentState = InstallmentState.PENDING
    paid_on: dt.date | None = None
    days_past_due: int = 0
    # Penalty accrual (``monitoring.domain.penalty``): unpaid principal fen x days accrued
    # from ``penalty_days_from`` (None: the due date) through ``penalty_accrued_through``.
    penalty_principal_days: int = 0
    penalty_accrued_through: dt.date | None = None
    penalty_days_from: dt.date | None = None

    @property
    def total_due_fen(self) -> int:
        return self.principal_due_fen + self.interest_due_fen + self.penalty_due_fen

    @property
    def total_paid_fen(self) -> int:
        return self.principal_paid_fen + self.interest_paid_fen + self.penalty_paid_fen

    @property
    def is_current(self) -> bool:
        """Part of the schedule in force (not superseded by a restructuring)."""
        return self.state is not InstallmentState.SUPERSEDED

    @property
    def is_settled(self) -> bool:
        return self.state is InstallmentState.PAID

    @property
    def outstanding_fen(self) -> int:
        """What is still due on it (fen), waived penalty excluded."""
        return max(self.total_due_fen - self.total_paid_fen - self.penalty_waived_fen, 0)


@dataclass(frozen=True)
class LoanRegistered:
    """Domain event: a disbursed loan was registered. Amounts in fen."""

    loan_id: str
    borrower_id: str
    credit_line_id: str | None
    terms: LoanTerms
    first_due_date: dt.date
    maturity_date: dt.date
    first_installment_fen: int


@dataclass(frozen=True)
class LoanRestructuring:
    """A schedule replacement applied to a loan (``applied_at`` UTC)."""

    plan_id: str
    effective_date: dt.date
    schedule_version: int
    applied_at: dt.datetime


@dataclass
class Loan:
    """The loan aggregate. ``version`` starts at 1 and increases with every change to what the
    borrower owes by contract (repayments, reversals, schedule replacements)."""

    loan_id: str
    borrower_id: str
    credit_line_id: str | None
    terms: LoanTerms
    current_annual_rate: Decimal
    state: LoanState
    version: int
    schedule_version: int
    registered_at: dt.datetime
    status_as_of: dt.date
    days_past_due: int
    bucket: str
    classification: Classification
    installments: list[Installment]
    paid_off_date: dt.date | None = None
    events: list[LoanRegistered] = field(default_factory=list, compare=False, repr=False)
    # Repayments and restructuring (migration 0003): the plan in force and its breach
    # threshold, the schedule version repayments are replayed over, the latest value date,
    # and the restructurings applied, oldest first.
    plan_id: str | None = None
    breach_days_past_due: int | None = None
    base_schedule_version: int = FIRST_SCHEDULE_VERSION
    last_repayment_date: dt.date | None = None
    restructurings: tuple[LoanRestructuring, ...] = ()
    # Set by restructuring for an observation period (migration 0006): the loan is classified
    # no better than this, wherever it is classified, until the plan that set it lifts it;
    # None when no floor is in force.
    classification_floor: Classification | None = None
    classification_floor_plan_id: str | None = None

    @property
    def current_installments(self) -> list[Installment]:
        """The schedule in force, by sequence."""
        return sorted(
            (i for i in self.installments if i.is_current and
             i.schedule_version == self.schedule_version),
            key=lambda i: i.sequence,
        )

    @property
    def outstanding_principal_fen(self) -> int:
        return sum(
            i.principal_due_fen - i.principal_paid_fen for i in self.current_installments
        )


def schedule_for(terms: LoanTerms) -> list[ScheduledInstallment]:
    """The exact schedule of ``terms`` from the shared engine (half-up to the fen, the last
    installment absorbing the rounding)."""
    return build_schedule(
        terms.principal_fen,
        terms.annual_rate,
        terms.term_periods,
        terms.repayment_method,
        terms.disbursement_date,
        terms.due_day,
    )


def annualized_cost(
    principal_fen: int, start_date: dt.date, schedule: Sequence[ScheduledInstallment]
) -> Decimal:
    """The schedule's annualized cost (IRR-based APR, a fraction per year), rounded half-up to
    hundredths of a percent (``APR_QUANTUM``)."""
    apr = annualized_cost_rate(principal_fen, start_date, cashflows_of(schedule))
    return apr.quantize(APR_QUANTUM, rounding=ROUND_HALF_UP)


def check_rate_cap(apr: Decimal, cap: Decimal) -> None:
    """Refuse (FAILED_PRECONDITION ``RATE_CAP_EXCEEDED``) an annualized cost above ``cap``."""
    if apr > cap:
        raise FailedPrecondition(
            Reasons.RATE_CAP_EXCEEDED,
            "the loan's annualized cost exceeds the rate cap",
            metadata={"annualized_cost": format(apr, "f"), "rate_cap": format(cap, "f")},
        )


def _check_supplied(terms: LoanTerms, supplied: Sequence[ScheduledInstallment]) -> None:
    """Refuse a supplied schedule the engine's validator finds fault with. A principal sum
    mismatch gets its own reason so a client can tell it from other schedule faults."""
    principal_sum = sum(i.principal_fen for i in supplied)
    if principal_sum != terms.principal_fen:
        raise FailedPrecondition(
            Reasons.SCHEDULE_PRINCIPAL_MISMATCH,
            "the supplied schedule's principal parts do not sum to the principal",
            metadata={
                "principal_fen": str(terms.principal_fen),
                "principal_parts_fen": str(principal_sum),
            },
        )
    problems = validate_schedule(terms.principal_fen, supplied, terms.disbursement_date)
    if len(supplied) != terms.term_periods:
        problems.append(
            f"schedule has {len(supplied)} installments, the term is {terms.term_periods}"
        )
    if problems:
        # The problems name installments and amounts in fen only: no personal data.
        raise FailedPrecondition(
            Reasons.SCHEDULE_INVALID,
            "the supplied schedule is invalid: " + "; ".join(problems[:5]),
            metadata={"problem_count": str(len(problems))},
        )


def register_loan(
    *,
    loan_id: str,
    borrower_id: str,
    credit_line_id: str | None,
    terms: LoanTerms,
    supplied_schedule: Sequence[ScheduledInstallment] = (),
    rate_cap: Decimal = DEFAULT_RATE_CAP,
    registered_at: dt.datetime,
    current_bucket: str = CURRENT_BUCKET,
) -> Loan:
    """Register a disbursed loan: generate its schedule (or validate the supplied one), refuse
    an annualized cost above ``rate_cap``, and record ``LoanRegistered``.

    Raises FailedPrecondition with RATE_CAP_EXCEEDED, SCHEDULE_PRINCIPAL_MISMATCH or
    SCHEDULE_INVALID. ``registered_at`` is a UTC instant.
    """
    if supplied_schedule:
        _check_supplied(terms, supplied_schedule)
        schedule = list(supplied_schedule)
    else:
        schedule = schedule_for(terms)
    apr = annualized_cost(terms.principal_fen, terms.disbursement_date, schedule)
    check_rate_cap(apr, rate_cap)
    installments = [
        Installment(
            sequence=item.sequence,
            schedule_version=FIRST_SCHEDULE_VERSION,
            due_date=item.due_date,
            principal_due_fen=item.principal_fen,
            interest_due_fen=item.interest_fen,
        )
        for item in schedule
    ]
    loan = Loan(
        loan_id=loan_id,
        borrower_id=borrower_id,
        credit_line_id=credit_line_id,
        terms=terms,
        current_annual_rate=terms.annual_rate,
        state=LoanState.ACTIVE,
        version=1,
        schedule_version=FIRST_SCHEDULE_VERSION,
        registered_at=registered_at,
        # The status is computed for the disbursement date: nothing is due yet then.
        status_as_of=terms.disbursement_date,
        days_past_due=0,
        # The deployment's bucket set names "current" (its first bucket): a loan registered
        # under another code would "move" from it at its first posting or cycle.
        bucket=current_bucket,
        classification=Classification.NORMAL,
        installments=installments,
    )
    loan.events.append(
        LoanRegistered(
            loan_id=loan_id,
            borrower_id=borrower_id,
            credit_line_id=credit_line_id,
            terms=terms,
            first_due_date=installments[0].due_date,
            maturity_date=installments[-1].due_date,
            first_installment_fen=installments[0].total_due_fen,
        )
    )
    return loan


@dataclass(frozen=True)
class ComponentAmounts:
    """Amounts by component, in fen."""

    principal_fen: int = 0
    interest_fen: int = 0
    penalty_fen: int = 0

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen


@dataclass(frozen=True)
class StatusFigures:
    """The balances of a loan's live status as of ``Loan.status_as_of`` (fen)."""

    overdue: ComponentAmounts
    outstanding: ComponentAmounts
    next_due_date: dt.date | None
    next_installment_fen: int
    regular_installment_fen: int
    paid_installments: int
    remaining_installments: int


def status_figures(loan: Loan) -> StatusFigures:
    """Overdue and outstanding amounts, the next installment and counts, from the schedule in
    force as of the loan's status date. Paid installments are those settled on any schedule
    version from the base one on (a prepayment's new version holds only what was left)."""
    as_of = loan.status_as_of
    schedule = loan.current_installments
    unpaid = [i for i in schedule if not i.is_settled]
    due = [i for i in unpaid if i.due_date <= as_of]
    future = [i for i in schedule if i.due_date > as_of]

    def penalty_left(i: Installment) -> int:
        return max(i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen, 0)

    overdue = ComponentAmounts(
        principal_fen=sum(i.principal_due_fen - i.principal_paid_fen for i in due),
        interest_fen=sum(i.interest_due_fen - i.interest_paid_fen for i in due),
        penalty_fen=sum(penalty_left(i) for i in due),
    )
    outstanding = ComponentAmounts(
        principal_fen=sum(i.principal_due_fen - i.principal_paid_fen for i in unpaid),
        interest_fen=overdue.interest_fen,
        penalty_fen=sum(penalty_left(i) for i in unpaid),
    )
    next_unpaid = unpaid[0] if unpaid else None
    # A prepayment keeps the installments settled so far in their version and rebuilds the rest
    # as a new one: those count as paid too. Versions before the base belong to a schedule a
    # restructuring replaced (the plan's installments are counted from its own first one).
    paid = sum(
        1 for i in loan.installments
        if i.is_settled and loan.base_schedule_version <= i.schedule_version
        <= loan.schedule_version
    )
    return StatusFigures(
        overdue=overdue,
        outstanding=outstanding,
        next_due_date=next_unpaid.due_date if next_unpaid else None,
        next_installment_fen=next_unpaid.outstanding_fen if next_unpaid else 0,
        regular_installment_fen=future[0].total_due_fen if future else 0,
        paid_installments=paid,
        remaining_installments=len(unpaid),
    )
