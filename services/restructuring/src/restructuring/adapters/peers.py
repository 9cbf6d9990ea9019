"""Clients of restructuring's peers over gRPC: monitoring (read the loan, replace its schedule)
and collection (pause the case). Channels come from ``peer_channel`` so every call carries this
service's identity token and continues the caller's trace.

Outcomes of the activation calls are plain values: DONE, REFUSED (a FAILED_PRECONDITION with its
reason: the step will never succeed as asked) or RETRY (unreachable, timed out, not built yet,
or any other failure: try again later)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Protocol

import grpc

from postloan.collection.v1 import collection_pb2, collection_pb2_grpc
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan.monitoring.v1 import resources_pb2 as monitoring_resources
from postloan_runtime.errors import NotFound, Unavailable
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.lending import RepaymentMethod
from postloan_runtime.proto_convert import (
    date_from_proto,
    date_to_proto,
    decimal_to_proto,
    fen_to_proto,
    timestamp_from_proto,
)
from restructuring.domain.plans import Plan
from restructuring.domain.rules import LoanInstallment, LoanSnapshot

CALL_TIMEOUT_SECONDS: Final = 5.0
_NAMESPACE: Final = uuid.UUID("6f1d8f5e-2f0c-4d1e-9a3b-7c2e5b9d4a10")

_METHODS: Final = {
    monitoring_resources.REPAYMENT_METHOD_EQUAL_INSTALLMENT: RepaymentMethod.EQUAL_INSTALLMENT,
    monitoring_resources.REPAYMENT_METHOD_EQUAL_PRINCIPAL: RepaymentMethod.EQUAL_PRINCIPAL,
    monitoring_resources.REPAYMENT_METHOD_INTEREST_FIRST: RepaymentMethod.INTEREST_FIRST,
}


@dataclass(frozen=True)
class StepResult:
    outcome: str  # "DONE" | "REFUSED" | "RETRY"
    reason: str = ""


DONE = StepResult("DONE")


def step_request_id(plan_id: str, step: str) -> str:
    """A request id fixed by the plan and step, so every retry is the same request."""
    return str(uuid.uuid5(_NAMESPACE, f"{plan_id}:{step}"))


class LoanReader(Protocol):
    async def read_loan(self, loan_id: str) -> LoanSnapshot: ...


def _retry_or_refused(error: grpc.aio.AioRpcError) -> StepResult:
    details = decode_error(error)
    if details.code is grpc.StatusCode.FAILED_PRECONDITION:
        return StepResult("REFUSED", details.reason or "FAILED_PRECONDITION")
    if details.code is grpc.StatusCode.UNIMPLEMENTED:
        return StepResult("RETRY", "NOT_IMPLEMENTED")
    if details.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return StepResult("RETRY", "DEPENDENCY_UNAVAILABLE")
    return StepResult("RETRY", details.reason or details.code.name)


def _unpaid(i: monitoring_resources.Installment) -> LoanInstallment:
    principal = i.principal_due.minor_units - i.principal_paid.minor_units
    interest = i.interest_due.minor_units - i.interest_paid.minor_units
    penalty = (i.penalty_due.minor_units - i.penalty_paid.minor_units
               - i.penalty_waived.minor_units)
    return LoanInstallment(
        sequence=i.sequence,
        due_date=date_from_proto(i.due_date),
        principal_unpaid_fen=max(principal, 0),
        interest_unpaid_fen=max(interest, 0),
        penalty_unpaid_fen=max(penalty, 0),
        interest_due_fen=i.interest_due.minor_units,
        paid=i.state == monitoring_resources.INSTALLMENT_STATE_PAID,
    )


def _read_refusal(error: grpc.aio.AioRpcError, loan_id: str) -> Exception:
    """What restructuring answers when a read of the loan fails."""
    if error.code() is grpc.StatusCode.NOT_FOUND:
        return NotFound("loan", loan_id)
    return Unavailable("monitoring")


def _snapshot(
    loan: monitoring_resources.Loan, installments: Sequence[monitoring_resources.Installment]
) -> LoanSnapshot:
    """What restructuring decides on: the loan and its installments in force."""
    status = loan.status
    return LoanSnapshot(
        loan_id=loan.loan_id,
        borrower_id=loan.borrower_id,
        active=loan.state == monitoring_resources.LOAN_STATE_ACTIVE,
        version=loan.version,
        as_of=date_from_proto(status.as_of),
        days_past_due=status.days_past_due,
        current_annual_rate=Decimal(
            loan.current_annual_rate.value or loan.terms.annual_rate.value
        ),
        repayment_method=_METHODS.get(loan.terms.repayment_method,
                                      RepaymentMethod.EQUAL_INSTALLMENT),
        due_day=loan.terms.due_day or 1,
        currency=loan.terms.principal.currency_code or "CNY",
        outstanding_principal_fen=status.outstanding.principal.minor_units,
        outstanding_interest_fen=status.outstanding.interest.minor_units,
        outstanding_penalty_fen=status.outstanding.penalty.minor_units,
        outstanding_total_fen=status.outstanding.total.minor_units,
        overdue_principal_fen=status.overdue.principal.minor_units,
        overdue_interest_fen=status.overdue.interest.minor_units,
        overdue_penalty_fen=status.overdue.penalty.minor_units,
        regular_installment_fen=status.regular_installment_amount.minor_units,
        restructured_at=tuple(
            timestamp_from_proto(r.applied_at) for r in loan.restructurings
        ),
        installments=tuple(
            _unpaid(i) for i in installments
            if i.state != monitoring_resources.INSTALLMENT_STATE_SUPERSEDED
        ),
    )


# Reads of a loan and its schedule until both show the same loan version.
_CONSISTENT_READ_ATTEMPTS: Final = 3


class MonitoringClient:
    """LoanService calls restructuring makes."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = monitoring_pb2_grpc.LoanServiceStub(channel)

    async def read_loan(self, loan_id: str) -> LoanSnapshot:
        """The loan and its schedule in force, read at the same loan version; NotFound when
        monitoring does not know it, Unavailable when monitoring cannot be reached."""
        try:
            loan_response = await self._stub.GetLoan(
                monitoring_pb2.GetLoanRequest(loan_id=loan_id, include_schedule=True),
                timeout=CALL_TIMEOUT_SECONDS,
            )
        except grpc.aio.AioRpcError as error:
            raise _read_refusal(error, loan_id) from None
        installments: Sequence[monitoring_resources.Installment] = loan_response.installments
        if not installments:
            # Every loan has installments: this monitoring predates include_schedule (a rolling
            # update in progress), so read the two halves as before.
            loan_response, installments = await self._read_loan_and_schedule(loan_id)
        return _snapshot(loan_response.loan, installments)

    async def _read_loan_and_schedule(
        self, loan_id: str
    ) -> tuple[monitoring_pb2.GetLoanResponse, Sequence[monitoring_resources.Installment]]:
        # Both reads at once (a quote waits on them); a posting between the two shows as
        # different versions, and the pair is read again.
        for _ in range(_CONSISTENT_READ_ATTEMPTS):
            try:
                loan_response, schedule = await asyncio.gather(
                    self._stub.GetLoan(
                        monitoring_pb2.GetLoanRequest(loan_id=loan_id),
                        timeout=CALL_TIMEOUT_SECONDS,
                    ),
                    self._stub.GetLoanSchedule(
                        monitoring_pb2.GetLoanScheduleRequest(loan_id=loan_id),
                        timeout=CALL_TIMEOUT_SECONDS,
                    ),
                )
            except grpc.aio.AioRpcError as error:
                raise _read_refusal(error, loan_id) from None
            if loan_response.loan.version == schedule.loan_version:
                return loan_response, schedule.installments
        raise Unavailable("monitoring")

    async def replace_schedule(self, plan: Plan, breach_days_past_due: int) -> StepResult:
        """monitoring.ReplaceSchedule keyed by the plan id, at the quote's loan version."""
        assert plan.quote is not None  # noqa: S101 - only signed plans activate
        pricing = plan.quote.pricing
        currency = "CNY"
        request = monitoring_pb2.ReplaceScheduleRequest(
            request_id=step_request_id(plan.plan_id, "replace-schedule"),
            loan_id=plan.loan_id,
            plan_id=plan.plan_id,
            expected_loan_version=pricing.loan_version,
            effective_date=date_to_proto(pricing.effective_date),
            annual_rate=decimal_to_proto(pricing.new_annual_rate),
            principal_waiver=fen_to_proto(0, currency),
            interest_waiver=fen_to_proto(pricing.interest_waived_fen, currency),
            breach_days_past_due=breach_days_past_due,
            installments=[
                monitoring_resources.ScheduledInstallment(
                    sequence=i.sequence,
                    due_date=date_to_proto(i.due_date),
                    principal=fen_to_proto(i.principal_fen, currency),
                    interest=fen_to_proto(i.interest_fen, currency),
                    penalty=fen_to_proto(i.penalty_fen, currency),
                    total=fen_to_proto(i.total_fen, currency),
                    remaining_principal=fen_to_proto(i.remaining_principal_fen, currency),
                )
                for i in pricing.installments
            ],
        )
        try:
            await self._stub.ReplaceSchedule(request, timeout=CALL_TIMEOUT_SECONDS)
        except grpc.aio.AioRpcError as error:
            return _retry_or_refused(error)
        return DONE


class CollectionClient:
    """CaseService calls restructuring makes."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = collection_pb2_grpc.CaseServiceStub(channel)

    async def pause_case(self, plan: Plan, effective_date: dt.date) -> StepResult:
        request = collection_pb2.PauseCaseRequest(
            request_id=step_request_id(plan.plan_id, "pause-case"),
            loan_id=plan.loan_id,
            plan_id=plan.plan_id,
            borrower_id=plan.borrower_id,
            effective_date=date_to_proto(effective_date),
        )
        try:
            await self._stub.PauseCase(request, timeout=CALL_TIMEOUT_SECONDS)
        except grpc.aio.AioRpcError as error:
            return _retry_or_refused(error)
        return DONE
