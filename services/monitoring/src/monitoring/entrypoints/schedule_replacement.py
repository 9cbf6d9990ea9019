"""ReplaceSchedule's request validation (INVALID_ARGUMENT with every bad field, before any
database work); LoanServicer.ReplaceSchedule calls it and the use case."""

from __future__ import annotations

from decimal import Decimal

from monitoring.entrypoints.loans import (
    EARLIEST_DATE,
    LATEST_SCHEDULE_DATE,
    MAX_TERM_PERIODS,
    RATE_MAX_PLACES,
    _identifier,
)
from monitoring.service_layer.schedule_replacement import NewInstallment, ReplaceScheduleCommand
from postloan.monitoring.v1 import monitoring_pb2
from postloan_runtime import proto_validation
from postloan_runtime.lending import Installment as EngineInstallment
from postloan_runtime.validation import Violations


def replace_schedule_command(
    request: monitoring_pb2.ReplaceScheduleRequest,
) -> ReplaceScheduleCommand:
    """The validated command; each installment's own fields are checked here (amounts not
    negative, total = principal + interest + penalty, valid dates); the schedule as a whole
    (principal sum, balances, increasing dates) is the use case's FAILED_PRECONDITION check."""
    v = Violations()
    request_id = v.request_id(request.request_id)
    loan_id = _identifier(v, request.loan_id, "loan_id")
    plan_id = _identifier(v, request.plan_id, "plan_id")
    v.int_range(request.expected_loan_version, "expected_loan_version", minimum=1)
    effective = proto_validation.date(
        v, request, "effective_date", earliest=EARLIEST_DATE, latest=LATEST_SCHEDULE_DATE
    )
    rate = proto_validation.decimal(
        v, request, "annual_rate", minimum=Decimal(0), maximum=Decimal(1),
        max_places=RATE_MAX_PLACES,
    )
    principal_waiver = proto_validation.money(
        v, request, "principal_waiver", required=False, allow_zero=True
    )
    interest_waiver = proto_validation.money(
        v, request, "interest_waiver", required=False, allow_zero=True
    )
    v.int_range(request.breach_days_past_due, "breach_days_past_due", minimum=1, maximum=3650)
    if not request.installments:
        v.add("installments", "is required")
    elif len(request.installments) > MAX_TERM_PERIODS:
        v.add("installments", f"must have at most {MAX_TERM_PERIODS} items")
    new: list[NewInstallment] = []
    opening = None
    for index, item in enumerate(request.installments):
        at = v.at("installments", index)
        at.int_range(item.sequence, "sequence", minimum=1)
        due = proto_validation.date(
            at, item, "due_date", earliest=EARLIEST_DATE, latest=LATEST_SCHEDULE_DATE
        )
        amounts: dict[str, int | None] = {}
        for name in ("principal", "interest", "total", "remaining_principal"):
            money = proto_validation.money(at, item, name, allow_zero=True)
            amounts[name] = money.fen if money is not None else None
        penalty = proto_validation.money(at, item, "penalty", required=False, allow_zero=True)
        penalty_fen = penalty.fen if penalty is not None else 0
        principal, interest, total, remaining = (
            amounts["principal"], amounts["interest"], amounts["total"],
            amounts["remaining_principal"],
        )
        if None not in (principal, interest, total) and (
            total != principal + interest + penalty_fen  # type: ignore[operator]
        ):
            at.add("total.minor_units", "must equal principal + interest + penalty")
            continue
        if due is None or None in amounts.values():
            continue
        if opening is None:
            opening = remaining + principal  # type: ignore[operator]
        new.append(
            NewInstallment(
                EngineInstallment(
                    sequence=item.sequence,
                    due_date=due,
                    principal_fen=principal,  # type: ignore[arg-type]
                    interest_fen=interest,  # type: ignore[arg-type]
                    total_fen=principal + interest,  # type: ignore[operator]
                    opening_balance_fen=opening,
                    closing_balance_fen=remaining,  # type: ignore[arg-type]
                ),
                penalty_fen,
            )
        )
        opening = remaining
    v.raise_if_any()
    assert request_id and loan_id and plan_id and effective and rate is not None  # noqa: S101
    return ReplaceScheduleCommand(
        request_id=request_id,
        loan_id=loan_id,
        plan_id=plan_id,
        expected_loan_version=request.expected_loan_version,
        effective_date=effective,
        annual_rate=rate,
        installments=tuple(new),
        principal_waiver_fen=principal_waiver.fen if principal_waiver else 0,
        interest_waiver_fen=interest_waiver.fen if interest_waiver else 0,
        breach_days_past_due=request.breach_days_past_due,
    )
