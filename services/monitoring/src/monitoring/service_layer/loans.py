"""Loan use cases: register (one unit of work, idempotent by request_id and by loan_id) and the
read-side queries (get, list, schedule, compute)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncEngine

from monitoring.adapters import protobuf
from monitoring.adapters.repository import LoanFilter, LoanRepository
from monitoring.domain.loans import (
    CURRENT_BUCKET,
    DEFAULT_RATE_CAP,
    Installment,
    InstallmentState,
    Loan,
    LoanTerms,
    Reasons,
    ScheduledInstallment,
    annualized_cost,
    check_rate_cap,
    register_loan,
    schedule_for,
)
from monitoring.service_layer.credit_lines import check_loan_drawdown
from postloan.monitoring.v1 import monitoring_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.db import single_statement_reads
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import payload_fingerprint, run_idempotent_in_transaction
from postloan_runtime.unit_of_work import UnitOfWork

REGISTER_LOAN_METHOD = "/postloan.monitoring.v1.LoanService/RegisterLoan"


@dataclass(frozen=True)
class RegisterLoanCommand:
    """A validated RegisterLoan request. ``supplied_schedule`` empty means generate."""

    request_id: str
    loan_id: str
    borrower_id: str
    credit_line_id: str | None
    terms: LoanTerms
    supplied_schedule: tuple[ScheduledInstallment, ...] = ()


@dataclass(frozen=True)
class LoanPolicy:
    """Deployment settings of loan registration."""

    rate_cap: Decimal = DEFAULT_RATE_CAP
    current_bucket: str = CURRENT_BUCKET  # the first bucket of the deployment's bucket set


def _register_response(loan: Loan) -> monitoring_pb2.RegisterLoanResponse:
    return monitoring_pb2.RegisterLoanResponse(
        loan=protobuf.loan_to_proto(loan),
        installments=protobuf.installments_to_proto(
            loan.current_installments, loan.terms.currency
        ),
    )


async def register(
    engine: AsyncEngine,
    command: RegisterLoanCommand,
    request: Message,
    *,
    clock: Clock,
    policy: LoanPolicy = LoanPolicy(),
) -> monitoring_pb2.RegisterLoanResponse:
    """Register a disbursed loan: the loan, its installments, the idempotency record and
    ``LoanRegistered`` (ordering key: the loan id) commit together or not at all.

    The same request_id with the same request returns the stored response; with another
    request INVALID_ARGUMENT (REQUEST_ID_REUSED). The same loan_id under a new request_id with
    the same terms returns the existing loan (no new event); with other terms
    FAILED_PRECONDITION LOAN_ID_CONFLICT.
    """
    # The terms, whoever sends them: the same loan_id under a new request_id is the same loan
    # when they match (a replay of the key itself is the runtime's, bound to its caller).
    fingerprint = payload_fingerprint(REGISTER_LOAN_METHOD, request)
    async with UnitOfWork(engine) as uow:
        repository = LoanRepository(uow.connection)

        async def effect() -> monitoring_pb2.RegisterLoanResponse:
            loan = register_loan(
                loan_id=command.loan_id,
                borrower_id=command.borrower_id,
                credit_line_id=command.credit_line_id,
                terms=command.terms,
                supplied_schedule=command.supplied_schedule,
                rate_cap=policy.rate_cap,
                registered_at=clock.now(),
                current_bucket=policy.current_bucket,
            )
            if command.credit_line_id:
                await check_loan_drawdown(
                    uow.connection,
                    loan_id=command.loan_id,
                    credit_line_id=command.credit_line_id,
                    borrower_id=command.borrower_id,
                    currency=command.terms.currency,
                    principal_fen=command.terms.principal_fen,
                )
            if not await repository.add(loan, registration_fingerprint=fingerprint):
                return await _existing_registration(repository, command.loan_id, fingerprint)
            for event in loan.events:
                uow.record_event(protobuf.loan_registered_to_proto(event), loan.loan_id)
            return _register_response(loan)

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=REGISTER_LOAN_METHOD,
            request=request,
            response_type=monitoring_pb2.RegisterLoanResponse,
            effect=effect,
            now=clock.now(),
        )
        await uow.commit()
    return response


async def _existing_registration(
    repository: LoanRepository, loan_id: str, fingerprint: str
) -> monitoring_pb2.RegisterLoanResponse:
    existing = await repository.get(loan_id)
    stored = await repository.registration_fingerprint(loan_id)
    if existing is None or stored != fingerprint:
        raise FailedPrecondition(
            Reasons.LOAN_ID_CONFLICT,
            "the loan_id is registered with other terms",
            metadata={"loan_id": loan_id},
        )
    return _register_response(existing)


async def get_loan(engine: AsyncEngine, loan_id: str) -> Loan:
    """The loan with its installments; NotFound when unknown."""
    async with single_statement_reads(engine) as conn:  # one statement reads it all
        loan = await LoanRepository(conn).get(loan_id)
    if loan is None:
        raise NotFound("loan", loan_id)
    return loan


async def list_loans(
    engine: AsyncEngine, where: LoanFilter, *, after_loan_id: str | None, page_size: int
) -> tuple[list[Loan], bool]:
    """One page of loans by loan id and whether more follow."""
    async with engine.connect() as conn:
        page = await LoanRepository(conn).list_page(
            where, after_loan_id=after_loan_id, limit=page_size + 1
        )
    return page[:page_size], len(page) > page_size


def schedule_view(loan: Loan, *, include_superseded: bool) -> list[Installment]:
    """Installments by schedule version then sequence; superseded ones only when asked."""
    items = [
        i for i in loan.installments
        if include_superseded or i.state is not InstallmentState.SUPERSEDED
    ]
    return sorted(items, key=lambda i: (i.schedule_version, i.sequence))


@dataclass(frozen=True)
class ComputedSchedule:
    installments: Sequence[ScheduledInstallment]
    total_interest_fen: int
    annualized_cost: Decimal


def compute_schedule(terms: LoanTerms, *, policy: LoanPolicy = LoanPolicy()) -> ComputedSchedule:
    """The engine's schedule for ``terms`` without storing anything; RATE_CAP_EXCEEDED when
    its annualized cost is above the cap."""
    schedule = schedule_for(terms)
    apr = annualized_cost(terms.principal_fen, terms.disbursement_date, schedule)
    check_rate_cap(apr, policy.rate_cap)
    return ComputedSchedule(
        installments=schedule,
        total_interest_fen=sum(i.interest_fen for i in schedule),
        annualized_cost=apr,
    )
