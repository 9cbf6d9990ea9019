"""The loan aggregate's registration rules: exact schedules from the shared engine, supplied
schedules validated, the annualized-cost cap, LoanRegistered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from monitoring.domain.loans import (
    DEFAULT_RATE_CAP,
    LoanState,
    LoanTerms,
    Reasons,
    RepaymentMethod,
    register_loan,
    status_figures,
)
from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.lending import build_schedule

pytestmark = pytest.mark.unit

REGISTERED_AT = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)


def terms(**changes: object) -> LoanTerms:
    base = {
        "product_code": "CASH-12M",
        "principal_fen": 1_000_000,
        "currency": "CNY",
        "annual_rate": Decimal("0.1800"),
        "term_periods": 12,
        "repayment_method": RepaymentMethod.EQUAL_INSTALLMENT,
        "disbursement_date": dt.date(2024, 1, 15),
        "due_day": 15,
        "grace_days": 3,
        "penalty_annual_rate": Decimal("0.0500"),
    }
    base.update(changes)
    return LoanTerms(**base)  # type: ignore[arg-type]


def register(t: LoanTerms, **kwargs: object):
    return register_loan(
        loan_id="L-1", borrower_id="B-1", credit_line_id=None, terms=t,
        registered_at=REGISTERED_AT, **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_schedule_is_the_engines_exact_schedule(method: RepaymentMethod) -> None:
    t = terms(repayment_method=method, due_day=31, disbursement_date=dt.date(2024, 1, 20))
    loan = register(t)
    expected = build_schedule(1_000_000, Decimal("0.1800"), 12, method, dt.date(2024, 1, 20), 31)
    assert [(i.sequence, i.due_date, i.principal_due_fen, i.interest_due_fen)
            for i in loan.installments] == [
        (e.sequence, e.due_date, e.principal_fen, e.interest_fen) for e in expected
    ]
    assert sum(i.principal_due_fen for i in loan.installments) == 1_000_000
    assert loan.version == 1
    assert loan.state is LoanState.ACTIVE
    assert loan.bucket == "M0"


def test_registration_records_loan_registered() -> None:
    loan = register(terms())
    [event] = loan.events
    assert event.loan_id == "L-1"
    assert event.first_due_date == loan.installments[0].due_date
    assert event.maturity_date == loan.installments[-1].due_date
    assert event.first_installment_fen == loan.installments[0].total_due_fen


def test_rate_above_the_cap_is_refused() -> None:
    with pytest.raises(FailedPrecondition) as refused:
        register(terms(annual_rate=Decimal("0.2500")))
    assert refused.value.reason == Reasons.RATE_CAP_EXCEEDED
    assert refused.value.metadata["rate_cap"] == str(DEFAULT_RATE_CAP)


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_rate_at_the_cap_is_accepted(method: RepaymentMethod) -> None:
    # Fen rounding must not push a schedule at exactly 24% over the cap.
    register(terms(annual_rate=Decimal("0.24"), repayment_method=method))


def test_configured_cap_applies() -> None:
    with pytest.raises(FailedPrecondition):
        register(terms(annual_rate=Decimal("0.18")), rate_cap=Decimal("0.15"))


def test_supplied_schedule_equal_to_the_engines_is_accepted() -> None:
    t = terms()
    supplied = build_schedule(1_000_000, Decimal("0.18"), 12, t.repayment_method,
                              t.disbursement_date, 15)
    loan = register(t, supplied_schedule=supplied)
    assert [i.total_due_fen for i in loan.installments] == [s.total_fen for s in supplied]


def test_supplied_schedule_not_summing_to_the_principal_is_refused() -> None:
    t = terms()
    supplied = build_schedule(1_000_000, Decimal("0.18"), 12, t.repayment_method,
                              t.disbursement_date, 15)
    last = supplied[-1]
    supplied[-1] = last._replace(principal_fen=last.principal_fen - 1, total_fen=last.total_fen - 1)
    with pytest.raises(FailedPrecondition) as refused:
        register(t, supplied_schedule=supplied)
    assert refused.value.reason == Reasons.SCHEDULE_PRINCIPAL_MISMATCH


def test_supplied_schedule_with_dates_out_of_order_is_refused() -> None:
    t = terms()
    supplied = build_schedule(1_000_000, Decimal("0.18"), 12, t.repayment_method,
                              t.disbursement_date, 15)
    supplied[1] = supplied[1]._replace(due_date=supplied[0].due_date)
    with pytest.raises(FailedPrecondition) as refused:
        register(t, supplied_schedule=supplied)
    assert refused.value.reason == Reasons.SCHEDULE_INVALID


def test_initial_status_figures() -> None:
    loan = register(terms(repayment_method=RepaymentMethod.INTEREST_FIRST))
    figures = status_figures(loan)
    assert figures.overdue.total_fen == 0
    assert figures.outstanding.principal_fen == 1_000_000
    assert figures.next_due_date == loan.installments[0].due_date
    assert figures.paid_installments == 0
    assert figures.remaining_installments == 12
    assert figures.regular_installment_fen == loan.installments[0].total_due_fen
