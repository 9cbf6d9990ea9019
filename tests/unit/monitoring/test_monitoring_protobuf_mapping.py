"""The loan and installment mappings build their sub-messages from dicts (faster): proved equal,
message and deterministic bytes, to building every Money, Date and DecimalValue message with
the runtime's converters, over many generated loans. And the loan read's installment rows
decode into Installment's fields in declaration order."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.adapters import protobuf
from monitoring.adapters.repository import _INSTALLMENT_FIELDS
from monitoring.domain.loans import (
    Classification,
    Installment,
    InstallmentState,
    Loan,
    LoanRestructuring,
    LoanState,
    LoanTerms,
    PrepaymentRule,
    RepaymentMethod,
    status_figures,
)
from postloan.monitoring.v1 import resources_pb2
from postloan_runtime.proto_convert import (
    date_to_proto,
    decimal_to_proto,
    fen_to_proto,
    timestamp_to_proto,
)

pytestmark = pytest.mark.unit


# --- the reference: every sub-message built on its own and copied in ------------------------


def reference_components(amounts, currency: str) -> resources_pb2.ComponentAmounts:
    return resources_pb2.ComponentAmounts(
        principal=fen_to_proto(amounts.principal_fen, currency),
        interest=fen_to_proto(amounts.interest_fen, currency),
        penalty=fen_to_proto(amounts.penalty_fen, currency),
        total=fen_to_proto(amounts.total_fen, currency),
    )


def reference_loan(loan: Loan) -> resources_pb2.Loan:
    currency = loan.terms.currency
    terms = loan.terms
    figures = status_figures(loan)
    status = resources_pb2.LoanStatus(
        as_of=date_to_proto(loan.status_as_of),
        days_past_due=loan.days_past_due,
        bucket=loan.bucket,
        classification=protobuf.CLASSIFICATION_TO_PROTO[loan.classification],
        overdue=reference_components(figures.overdue, currency),
        outstanding=reference_components(figures.outstanding, currency),
        next_installment_amount=fen_to_proto(figures.next_installment_fen, currency),
        regular_installment_amount=fen_to_proto(figures.regular_installment_fen, currency),
        paid_installments=figures.paid_installments,
        remaining_installments=figures.remaining_installments,
    )
    if loan.classification_floor is not None:
        status.classification_floor = protobuf.CLASSIFICATION_TO_PROTO[loan.classification_floor]
    if figures.next_due_date is not None:
        status.next_due_date.CopyFrom(date_to_proto(figures.next_due_date))
    message = resources_pb2.Loan(
        loan_id=loan.loan_id,
        borrower_id=loan.borrower_id,
        credit_line_id=loan.credit_line_id or "",
        terms=resources_pb2.LoanTerms(
            product_code=terms.product_code,
            principal=fen_to_proto(terms.principal_fen, terms.currency),
            annual_rate=decimal_to_proto(terms.annual_rate),
            term_periods=terms.term_periods,
            repayment_method=protobuf.REPAYMENT_METHOD_TO_PROTO[terms.repayment_method],
            disbursement_date=date_to_proto(terms.disbursement_date),
            due_day=terms.due_day,
            grace_days=terms.grace_days,
            penalty_annual_rate=decimal_to_proto(terms.penalty_annual_rate),
            prepayment_rule=protobuf.PREPAYMENT_RULE_TO_PROTO[terms.prepayment_rule],
        ),
        current_annual_rate=decimal_to_proto(loan.current_annual_rate),
        state=protobuf.LOAN_STATE_TO_PROTO[loan.state],
        status=status,
        version=loan.version,
        schedule_version=loan.schedule_version,
        registered_at=timestamp_to_proto(loan.registered_at),
    )
    if loan.paid_off_date is not None:
        message.paid_off_date.CopyFrom(date_to_proto(loan.paid_off_date))
    if loan.last_repayment_date is not None:
        message.status.last_repayment_date.CopyFrom(date_to_proto(loan.last_repayment_date))
    for item in loan.restructurings:
        message.restructurings.add(
            plan_id=item.plan_id,
            effective_date=date_to_proto(item.effective_date),
            schedule_version=item.schedule_version,
            applied_at=timestamp_to_proto(item.applied_at),
        )
    return message


def reference_installment(item: Installment, currency: str) -> resources_pb2.Installment:
    message = resources_pb2.Installment(
        sequence=item.sequence,
        schedule_version=item.schedule_version,
        due_date=date_to_proto(item.due_date),
        principal_due=fen_to_proto(item.principal_due_fen, currency),
        interest_due=fen_to_proto(item.interest_due_fen, currency),
        penalty_due=fen_to_proto(item.penalty_due_fen, currency),
        principal_paid=fen_to_proto(item.principal_paid_fen, currency),
        interest_paid=fen_to_proto(item.interest_paid_fen, currency),
        penalty_paid=fen_to_proto(item.penalty_paid_fen, currency),
        penalty_waived=fen_to_proto(item.penalty_waived_fen, currency),
        state=protobuf.INSTALLMENT_STATE_TO_PROTO[item.state],
        days_past_due=item.days_past_due,
    )
    if item.paid_on is not None:
        message.paid_on.CopyFrom(date_to_proto(item.paid_on))
    return message


# --- generated loans ---------------------------------------------------------------------------

dates = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
fen = st.integers(0, 10**13)
rates = st.decimals(0, 1, places=4, allow_nan=False, allow_infinity=False)
instants = st.datetimes(
    dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)

installments = st.builds(
    Installment,
    sequence=st.integers(1, 600),
    schedule_version=st.integers(1, 50),
    due_date=dates,
    principal_due_fen=fen,
    interest_due_fen=fen,
    penalty_due_fen=fen,
    principal_paid_fen=fen,
    interest_paid_fen=fen,
    penalty_paid_fen=fen,
    penalty_waived_fen=fen,
    state=st.sampled_from(InstallmentState),
    paid_on=st.none() | dates,
    days_past_due=st.integers(0, 5000),
)

loans = st.builds(
    Loan,
    loan_id=st.text("ABC-0123456789", min_size=1, max_size=64),
    borrower_id=st.text("B-0123456789", min_size=1, max_size=64),
    credit_line_id=st.none() | st.just("CL-1"),
    terms=st.builds(
        LoanTerms,
        product_code=st.just("CASH-12M"),
        principal_fen=st.integers(1, 10**13),
        currency=st.sampled_from(["CNY", "USD"]),
        annual_rate=rates,
        term_periods=st.integers(1, 600),
        repayment_method=st.sampled_from(RepaymentMethod),
        disbursement_date=dates,
        due_day=st.integers(1, 31),
        grace_days=st.integers(0, 365),
        penalty_annual_rate=rates,
        prepayment_rule=st.sampled_from(PrepaymentRule),
    ),
    current_annual_rate=rates,
    state=st.sampled_from(LoanState),
    version=st.integers(1, 10**6),
    schedule_version=st.integers(1, 3),
    registered_at=instants,
    status_as_of=dates,
    days_past_due=st.integers(0, 5000),
    bucket=st.sampled_from(["M0", "M1", "M3", "M6+"]),
    classification=st.sampled_from(Classification),
    installments=st.lists(installments.map(
        lambda i: dataclasses.replace(i, schedule_version=i.schedule_version % 3 + 1)
    ), max_size=30),
    paid_off_date=st.none() | dates,
    last_repayment_date=st.none() | dates,
    restructurings=st.lists(
        st.builds(LoanRestructuring, st.just("P-1"), dates, st.integers(1, 9), instants),
        max_size=3,
    ).map(tuple),
    classification_floor=st.none() | st.sampled_from(Classification),
)


@settings(max_examples=400, deadline=None)
@given(loans)
def test_loan_to_proto_equals_the_reference(loan: Loan) -> None:
    fast, reference = protobuf.loan_to_proto(loan), reference_loan(loan)
    assert fast == reference
    assert fast.SerializeToString(deterministic=True) == reference.SerializeToString(
        deterministic=True
    )


@settings(max_examples=400, deadline=None)
@given(installments, st.sampled_from(["CNY", "USD"]))
def test_installment_to_proto_equals_the_reference(item: Installment, currency: str) -> None:
    fast, reference = protobuf.installment_to_proto(item, currency), reference_installment(
        item, currency
    )
    assert fast == reference
    assert fast.SerializeToString(deterministic=True) == reference.SerializeToString(
        deterministic=True
    )


def test_zero_amounts_and_rates_are_present_sub_messages() -> None:
    """A zero amount is still a Money with its currency (the field is set), as before."""
    item = Installment(1, 1, dt.date(2024, 2, 15), 0, 0)
    message = protobuf.installment_to_proto(item, "CNY")
    assert message.HasField("penalty_due") and message.penalty_due.currency_code == "CNY"
    assert not message.HasField("paid_on")
    assert message == reference_installment(item, "CNY")


def test_loan_read_decodes_installment_rows_in_field_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(Installment)) == _INSTALLMENT_FIELDS
