"""ReplaceSchedule (restructuring → monitoring): a restructuring plan's schedule replaces the
loan's remaining schedule, in one unit of work with the loan row locked first.

Idempotent by plan_id: a repeat with the same content returns the stored result with
already_applied=true even though the loan's version has moved on."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from google.protobuf.message import Message
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from monitoring.adapters import protobuf
from monitoring.adapters.tables import installments, loans, schedule_replacements
from monitoring.domain.loans import (
    DEFAULT_RATE_CAP,
    Installment,
    InstallmentState,
    LoanRestructuring,
    LoanState,
    Reasons,
    ScheduledInstallment,
    check_rate_cap,
)
from monitoring.domain.repayments import LedgerState
from monitoring.service_layer.repayments import (
    RepaymentPolicy,
    _locked_loan,
    delinquency_events,
    settle_loan,
)
from postloan.monitoring.v1 import events_pb2, monitoring_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.lending import validate_schedule
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto
from postloan_runtime.unit_of_work import UnitOfWork

REPLACE_METHOD = "/postloan.monitoring.v1.LoanService/ReplaceSchedule"
LOAN_CHANGED_SINCE_QUOTE = "LOAN_CHANGED_SINCE_QUOTE"
LOAN_NOT_ACTIVE = "LOAN_NOT_ACTIVE"
PLAN_ID_CONFLICT = "PLAN_ID_CONFLICT"
WAIVER_EXCEEDS_OUTSTANDING = "WAIVER_EXCEEDS_OUTSTANDING"


@dataclass(frozen=True)
class NewInstallment:
    """A validated installment of the plan's schedule (fen)."""

    schedule: ScheduledInstallment  # principal, interest, total = principal + interest
    penalty_fen: int


@dataclass(frozen=True)
class ReplaceScheduleCommand:
    request_id: str
    loan_id: str
    plan_id: str
    expected_loan_version: int
    effective_date: dt.date
    annual_rate: Decimal
    installments: tuple[NewInstallment, ...]
    principal_waiver_fen: int
    interest_waiver_fen: int
    breach_days_past_due: int


def content_fingerprint(request: monitoring_pb2.ReplaceScheduleRequest) -> str:
    """The plan's content: the request without request_id and expected_loan_version."""
    copy = monitoring_pb2.ReplaceScheduleRequest()
    copy.CopyFrom(request)
    copy.ClearField("request_id")
    copy.ClearField("expected_loan_version")
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()


def _penalty_left(i: Installment) -> int:
    return max(i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen, 0)


async def replace_schedule(
    engine: AsyncEngine,
    command: ReplaceScheduleCommand,
    request: monitoring_pb2.ReplaceScheduleRequest,
    *,
    clock: Clock,
    rate_cap: Decimal = DEFAULT_RATE_CAP,
    policy: RepaymentPolicy,
) -> monitoring_pb2.ReplaceScheduleResponse:
    """Supersede every unsettled installment of the schedule in force, add the plan's as a new
    schedule version (the new base that repayments are replayed over), waive the penalty the
    new installments do not carry, and record ScheduleReplaced (plus LoanCured or
    DelinquencyChanged when the bucket moves). ``policy`` is the deployment's (no default: a
    default tolerance and bucket set would disagree with the daily cycle's)."""
    fingerprint = content_fingerprint(request)
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> monitoring_pb2.ReplaceScheduleResponse:
            loan = await _locked_loan(conn, command.loan_id)
            stored = (
                await conn.execute(
                    select(schedule_replacements).where(
                        schedule_replacements.c.plan_id == command.plan_id
                    )
                )
            ).first()
            if stored is not None:
                if stored.loan_id != command.loan_id or stored.content_fingerprint != fingerprint:
                    raise FailedPrecondition(
                        PLAN_ID_CONFLICT,
                        "the plan was applied before with other content",
                        metadata={"plan_id": command.plan_id},
                    )
                repeat = monitoring_pb2.ReplaceScheduleResponse.FromString(stored.response)
                repeat.already_applied = True
                return repeat
            if loan.state is not LoanState.ACTIVE:
                raise FailedPrecondition(
                    LOAN_NOT_ACTIVE, "the loan is paid off", metadata={"loan_id": loan.loan_id}
                )
            if loan.version != command.expected_loan_version:
                raise FailedPrecondition(
                    LOAN_CHANGED_SINCE_QUOTE,
                    "the loan changed since the quote",
                    metadata={
                        "loan_version": str(loan.version),
                        "expected_loan_version": str(command.expected_loan_version),
                    },
                )
            current = loan.current_installments
            unsettled = [i for i in current if i.state is not InstallmentState.PAID]
            outstanding = sum(i.principal_due_fen - i.principal_paid_fen for i in unsettled)
            overdue_interest = sum(
                i.interest_due_fen - i.interest_paid_fen
                for i in unsettled if i.due_date < command.effective_date
            )
            if (
                command.principal_waiver_fen > outstanding
                or command.interest_waiver_fen > overdue_interest
            ):
                raise FailedPrecondition(
                    WAIVER_EXCEEDS_OUTSTANDING,
                    "a waiver exceeds what is outstanding",
                    metadata={
                        "outstanding_principal_fen": str(outstanding),
                        "overdue_interest_fen": str(overdue_interest),
                    },
                )
            new = [n.schedule for n in command.installments]
            financed = outstanding - command.principal_waiver_fen
            principal_sum = sum(i.principal_fen for i in new)
            if principal_sum != financed:
                raise FailedPrecondition(
                    Reasons.SCHEDULE_PRINCIPAL_MISMATCH,
                    "new principal parts + principal waiver != outstanding principal",
                    metadata={
                        "outstanding_principal_fen": str(outstanding),
                        "principal_parts_fen": str(principal_sum),
                        "principal_waiver_fen": str(command.principal_waiver_fen),
                    },
                )
            problems = validate_schedule(financed, new, command.effective_date) if financed else []
            if problems:
                raise FailedPrecondition(
                    Reasons.SCHEDULE_INVALID,
                    "the new schedule is invalid: " + "; ".join(problems[:5]),
                    metadata={"problem_count": str(len(problems))},
                )
            check_rate_cap(command.annual_rate, rate_cap)

            now = clock.now()
            version = int(
                await conn.scalar(
                    select(func.max(installments.c.schedule_version)).where(
                        installments.c.loan_id == loan.loan_id
                    )
                )
                or loan.schedule_version
            ) + 1
            capitalized_penalty = sum(n.penalty_fen for n in command.installments)
            penalty_outstanding = sum(_penalty_left(i) for i in unsettled)
            penalty_waived = max(penalty_outstanding - capitalized_penalty, 0)
            rows = {(i.schedule_version, i.sequence): i for i in loan.installments}
            to_waive = penalty_waived
            for i in unsettled:
                waive = min(_penalty_left(i), to_waive)
                to_waive -= waive
                rows[(i.schedule_version, i.sequence)] = dataclasses.replace(
                    i,
                    state=InstallmentState.SUPERSEDED,
                    penalty_waived_fen=i.penalty_waived_fen + waive,
                )
            for n in command.installments:
                s = n.schedule
                rows[(version, s.sequence)] = Installment(
                    sequence=s.sequence,
                    schedule_version=version,
                    due_date=s.due_date,
                    principal_due_fen=s.principal_fen,
                    interest_due_fen=s.interest_fen,
                    penalty_due_fen=n.penalty_fen,
                )
            state = LedgerState(rows, version)
            await conn.execute(
                update(loans)
                .where(loans.c.loan_id == loan.loan_id)
                .values(
                    base_schedule_version=version,
                    current_annual_rate=command.annual_rate,
                    plan_id=command.plan_id,
                    breach_days_past_due=command.breach_days_past_due,
                )
            )
            restructuring = LoanRestructuring(
                command.plan_id, command.effective_date, version, now
            )
            loan = dataclasses.replace(
                loan,
                base_schedule_version=version,
                current_annual_rate=command.annual_rate,
                plan_id=command.plan_id,
                breach_days_past_due=command.breach_days_past_due,
                restructurings=(*loan.restructurings, restructuring),
            )
            settled = await settle_loan(
                conn, loan, state, as_of=clock.today(), policy=policy.delinquency,
                cause="SCHEDULE_REPLACED", now=now,
            )
            updated = settled.loan
            currency = loan.terms.currency
            new_rows = sorted(
                (i for i in updated.installments if i.schedule_version == version),
                key=lambda i: i.sequence,
            )
            response = monitoring_pb2.ReplaceScheduleResponse(
                loan=protobuf.loan_to_proto(updated),
                installments=protobuf.installments_to_proto(new_rows, currency),
                penalty_waived=fen_to_proto(penalty_waived, currency),
                already_applied=False,
            )
            await conn.execute(
                insert(schedule_replacements).values(
                    plan_id=command.plan_id,
                    loan_id=loan.loan_id,
                    schedule_version=version,
                    effective_date=command.effective_date,
                    annual_rate=command.annual_rate,
                    principal_waived_fen=command.principal_waiver_fen,
                    interest_waived_fen=command.interest_waiver_fen,
                    penalty_waived_fen=penalty_waived,
                    breach_days_past_due=command.breach_days_past_due,
                    content_fingerprint=fingerprint,
                    response=response.SerializeToString(),
                    applied_at=now,
                )
            )
            uow.record_event(
                events_pb2.ScheduleReplaced(
                    loan_id=loan.loan_id,
                    borrower_id=loan.borrower_id,
                    plan_id=command.plan_id,
                    effective_date=date_to_proto(command.effective_date),
                    schedule_version=version,
                    loan_version=updated.version,
                    installment_count=len(new_rows),
                    first_due_date=date_to_proto(new_rows[0].due_date),
                    maturity_date=date_to_proto(new_rows[-1].due_date),
                    first_installment_amount=fen_to_proto(new_rows[0].total_due_fen, currency),
                    principal_waived=fen_to_proto(command.principal_waiver_fen, currency),
                    interest_waived=fen_to_proto(command.interest_waiver_fen, currency),
                    penalty_waived=fen_to_proto(penalty_waived, currency),
                    days_past_due=updated.days_past_due,
                    bucket=updated.bucket,
                ),
                loan.loan_id,
            )
            for event in delinquency_events(
                settled, cause=4, policy=policy.delinquency  # CAUSE_SCHEDULE_REPLACED
            ):
                uow.record_event(event, loan.loan_id)
            return response

        result: Message = await run_idempotent_in_transaction(
            conn,
            request_id=command.request_id,
            method=REPLACE_METHOD,
            request=request,
            response_type=monitoring_pb2.ReplaceScheduleResponse,
            effect=effect,
            now=clock.now(),
        )
        await uow.commit()
    return result  # type: ignore[return-value]
