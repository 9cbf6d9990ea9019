"""Mapping between the loan domain and postloan.monitoring.v1 messages (responses, events).

Used by the servicer (responses) and by the use cases, whose responses are stored with their
idempotency key and whose events go to the outbox as protobuf."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from monitoring.domain.loans import (
    Classification,
    ComponentAmounts,
    Installment,
    InstallmentState,
    Loan,
    LoanRegistered,
    LoanState,
    LoanTerms,
    PrepaymentRule,
    RepaymentMethod,
    ScheduledInstallment,
    status_figures,
)
from postloan.common.v1 import classification_pb2
from postloan.monitoring.v1 import events_pb2, resources_pb2
from postloan_runtime.proto_convert import (
    date_to_proto,
    decimal_to_proto,
    decimal_to_text,
    fen_to_proto,
    timestamp_to_proto,
)

REPAYMENT_METHOD_TO_PROTO = {
    RepaymentMethod.EQUAL_INSTALLMENT: resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
    RepaymentMethod.EQUAL_PRINCIPAL: resources_pb2.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
    RepaymentMethod.INTEREST_FIRST: resources_pb2.REPAYMENT_METHOD_INTEREST_FIRST,
}
REPAYMENT_METHOD_FROM_PROTO = {v: k for k, v in REPAYMENT_METHOD_TO_PROTO.items()}
PREPAYMENT_RULE_TO_PROTO = {
    PrepaymentRule.SHORTEN_TERM: resources_pb2.PREPAYMENT_RULE_SHORTEN_TERM,
    PrepaymentRule.REDUCE_INSTALLMENT: resources_pb2.PREPAYMENT_RULE_REDUCE_INSTALLMENT,
}
PREPAYMENT_RULE_FROM_PROTO = {v: k for k, v in PREPAYMENT_RULE_TO_PROTO.items()}
LOAN_STATE_TO_PROTO = {
    LoanState.ACTIVE: resources_pb2.LOAN_STATE_ACTIVE,
    LoanState.PAID_OFF: resources_pb2.LOAN_STATE_PAID_OFF,
}
LOAN_STATE_FROM_PROTO = {v: k for k, v in LOAN_STATE_TO_PROTO.items()}
INSTALLMENT_STATE_TO_PROTO = {
    InstallmentState.PENDING: resources_pb2.INSTALLMENT_STATE_PENDING,
    InstallmentState.DUE: resources_pb2.INSTALLMENT_STATE_DUE,
    InstallmentState.OVERDUE: resources_pb2.INSTALLMENT_STATE_OVERDUE,
    InstallmentState.PAID: resources_pb2.INSTALLMENT_STATE_PAID,
    InstallmentState.SUPERSEDED: resources_pb2.INSTALLMENT_STATE_SUPERSEDED,
}
CLASSIFICATION_TO_PROTO = {
    Classification.NORMAL: classification_pb2.LOAN_CLASSIFICATION_NORMAL,
    Classification.SPECIAL_MENTION: classification_pb2.LOAN_CLASSIFICATION_SPECIAL_MENTION,
    Classification.SUBSTANDARD: classification_pb2.LOAN_CLASSIFICATION_SUBSTANDARD,
    Classification.DOUBTFUL: classification_pb2.LOAN_CLASSIFICATION_DOUBTFUL,
    Classification.LOSS: classification_pb2.LOAN_CLASSIFICATION_LOSS,
}
CLASSIFICATION_FROM_PROTO = {v: k for k, v in CLASSIFICATION_TO_PROTO.items()}


def terms_to_proto(terms: LoanTerms) -> resources_pb2.LoanTerms:
    return resources_pb2.LoanTerms(
        product_code=terms.product_code,
        principal=fen_to_proto(terms.principal_fen, terms.currency),
        annual_rate=decimal_to_proto(terms.annual_rate),
        term_periods=terms.term_periods,
        repayment_method=REPAYMENT_METHOD_TO_PROTO[terms.repayment_method],
        disbursement_date=date_to_proto(terms.disbursement_date),
        due_day=terms.due_day,
        grace_days=terms.grace_days,
        penalty_annual_rate=decimal_to_proto(terms.penalty_annual_rate),
        prepayment_rule=PREPAYMENT_RULE_TO_PROTO[terms.prepayment_rule],
    )


# Sub-messages are given to constructors as dicts: built in place, about twice as fast as
# building each Money and Date message and copying it in (loans and schedules are read for
# every quote and returned by every posting).


def _money(fen: int, currency: str) -> dict[str, object]:
    return {"currency_code": currency, "minor_units": fen}


def _date(value: dt.date) -> dict[str, int]:
    return {"year": value.year, "month": value.month, "day": value.day}


def _components(amounts: ComponentAmounts, currency: str) -> resources_pb2.ComponentAmounts:
    return resources_pb2.ComponentAmounts(**_components_fields(amounts, currency))


def _components_fields(amounts: ComponentAmounts, currency: str) -> dict[str, object]:
    return {
        "principal": _money(amounts.principal_fen, currency),
        "interest": _money(amounts.interest_fen, currency),
        "penalty": _money(amounts.penalty_fen, currency),
        "total": _money(amounts.total_fen, currency),
    }


def loan_to_proto(loan: Loan) -> resources_pb2.Loan:
    currency = loan.terms.currency
    figures = status_figures(loan)
    status: dict[str, object] = {
        "as_of": _date(loan.status_as_of),
        "days_past_due": loan.days_past_due,
        "bucket": loan.bucket,
        "classification": CLASSIFICATION_TO_PROTO[loan.classification],
        "overdue": _components_fields(figures.overdue, currency),
        "outstanding": _components_fields(figures.outstanding, currency),
        "next_installment_amount": _money(figures.next_installment_fen, currency),
        "regular_installment_amount": _money(figures.regular_installment_fen, currency),
        "paid_installments": figures.paid_installments,
        "remaining_installments": figures.remaining_installments,
    }
    if loan.classification_floor is not None:
        status["classification_floor"] = CLASSIFICATION_TO_PROTO[loan.classification_floor]
    if figures.next_due_date is not None:
        status["next_due_date"] = _date(figures.next_due_date)
    if loan.last_repayment_date is not None:
        status["last_repayment_date"] = _date(loan.last_repayment_date)
    terms = loan.terms
    message = resources_pb2.Loan(
        loan_id=loan.loan_id,
        borrower_id=loan.borrower_id,
        credit_line_id=loan.credit_line_id or "",
        terms={
            "product_code": terms.product_code,
            "principal": _money(terms.principal_fen, currency),
            "annual_rate": {"value": decimal_to_text(terms.annual_rate)},
            "term_periods": terms.term_periods,
            "repayment_method": REPAYMENT_METHOD_TO_PROTO[terms.repayment_method],
            "disbursement_date": _date(terms.disbursement_date),
            "due_day": terms.due_day,
            "grace_days": terms.grace_days,
            "penalty_annual_rate": {"value": decimal_to_text(terms.penalty_annual_rate)},
            "prepayment_rule": PREPAYMENT_RULE_TO_PROTO[terms.prepayment_rule],
        },
        current_annual_rate={"value": decimal_to_text(loan.current_annual_rate)},
        state=LOAN_STATE_TO_PROTO[loan.state],
        status=status,
        version=loan.version,
        schedule_version=loan.schedule_version,
        registered_at=timestamp_to_proto(loan.registered_at),
    )
    if loan.paid_off_date is not None:
        message.paid_off_date.CopyFrom(date_to_proto(loan.paid_off_date))
    for item in loan.restructurings:
        message.restructurings.add(
            plan_id=item.plan_id,
            effective_date=_date(item.effective_date),
            schedule_version=item.schedule_version,
            applied_at=timestamp_to_proto(item.applied_at),
        )
    return message


def installment_to_proto(item: Installment, currency: str) -> resources_pb2.Installment:
    due = item.due_date
    message = resources_pb2.Installment(
        sequence=item.sequence,
        schedule_version=item.schedule_version,
        due_date={"year": due.year, "month": due.month, "day": due.day},
        principal_due={"currency_code": currency, "minor_units": item.principal_due_fen},
        interest_due={"currency_code": currency, "minor_units": item.interest_due_fen},
        penalty_due={"currency_code": currency, "minor_units": item.penalty_due_fen},
        principal_paid={"currency_code": currency, "minor_units": item.principal_paid_fen},
        interest_paid={"currency_code": currency, "minor_units": item.interest_paid_fen},
        penalty_paid={"currency_code": currency, "minor_units": item.penalty_paid_fen},
        penalty_waived={"currency_code": currency, "minor_units": item.penalty_waived_fen},
        state=INSTALLMENT_STATE_TO_PROTO[item.state],
        days_past_due=item.days_past_due,
    )
    if item.paid_on is not None:
        paid_on = message.paid_on
        paid_on.year, paid_on.month, paid_on.day = (
            item.paid_on.year, item.paid_on.month, item.paid_on.day
        )
    return message


def installments_to_proto(
    items: Iterable[Installment], currency: str
) -> list[resources_pb2.Installment]:
    return [installment_to_proto(i, currency) for i in items]


def scheduled_to_proto(
    items: Sequence[ScheduledInstallment], currency: str
) -> list[resources_pb2.ScheduledInstallment]:
    """Engine installments as ScheduledInstallment messages (penalty 0)."""
    return [
        resources_pb2.ScheduledInstallment(
            sequence=i.sequence,
            due_date=date_to_proto(i.due_date),
            principal=fen_to_proto(i.principal_fen, currency),
            interest=fen_to_proto(i.interest_fen, currency),
            penalty=fen_to_proto(0, currency),
            total=fen_to_proto(i.total_fen, currency),
            remaining_principal=fen_to_proto(i.closing_balance_fen, currency),
        )
        for i in items
    ]


def loan_registered_to_proto(event: LoanRegistered) -> events_pb2.LoanRegistered:
    terms = event.terms
    return events_pb2.LoanRegistered(
        loan_id=event.loan_id,
        borrower_id=event.borrower_id,
        product_code=terms.product_code,
        credit_line_id=event.credit_line_id or "",
        principal=fen_to_proto(terms.principal_fen, terms.currency),
        annual_rate=decimal_to_proto(terms.annual_rate),
        term_periods=terms.term_periods,
        repayment_method=REPAYMENT_METHOD_TO_PROTO[terms.repayment_method],
        disbursement_date=date_to_proto(terms.disbursement_date),
        first_due_date=date_to_proto(event.first_due_date),
        maturity_date=date_to_proto(event.maturity_date),
        first_installment_amount=fen_to_proto(event.first_installment_fen, terms.currency),
    )
