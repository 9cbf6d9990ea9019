"""Credit-line use cases: register a line (idempotent by request_id and by credit_line_id),
take an action on it (idempotent by request_id; the line, the action log row and
CreditLineActionTaken commit together), the drawdown check RegisterLoan runs for a loan drawn
from a line, and the read side."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from monitoring.adapters.credit_line_protobuf import (
    action_taken_to_proto,
    action_to_proto,
    credit_line_to_proto,
)
from monitoring.adapters.credit_lines import CreditLineFilter, CreditLineRepository
from monitoring.adapters.repository import LoanRepository
from monitoring.domain.credit_lines import (
    CreditLine,
    CreditLineAction,
    CreditLineActionType,
    check_drawdown,
    check_same_registration,
    register_credit_line,
    take_action,
)
from postloan.monitoring.v1 import monitoring_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.unit_of_work import UnitOfWork

REGISTER_METHOD = "/postloan.monitoring.v1.CreditLineService/RegisterCreditLine"
ACTION_METHOD = "/postloan.monitoring.v1.CreditLineService/TakeCreditLineAction"


@dataclass(frozen=True)
class RegisterCreditLineCommand:
    """A validated RegisterCreditLine request (limit in fen, > 0)."""

    request_id: str
    credit_line_id: str
    borrower_id: str
    credit_limit_fen: int
    currency: str


@dataclass(frozen=True)
class TakeCreditLineActionCommand:
    """A validated TakeCreditLineAction request. ``new_limit_fen`` only for REDUCE_LIMIT;
    ``operator`` is the authenticated caller's subject."""

    request_id: str
    credit_line_id: str
    action: CreditLineActionType
    new_limit_fen: int | None
    reason: str
    alert_id: uuid.UUID | None
    operator: str


async def register(
    engine: AsyncEngine,
    command: RegisterCreditLineCommand,
    request: Message,
    *,
    clock: Clock,
) -> monitoring_pb2.RegisterCreditLineResponse:
    """Register a line. The same credit_line_id under a new request_id with the same borrower
    and limit returns the line as it now is; otherwise CREDIT_LINE_ID_CONFLICT."""
    async with UnitOfWork(engine) as uow:
        repository = CreditLineRepository(uow.connection)

        async def effect() -> monitoring_pb2.RegisterCreditLineResponse:
            line = register_credit_line(
                credit_line_id=command.credit_line_id,
                borrower_id=command.borrower_id,
                credit_limit_fen=command.credit_limit_fen,
                currency=command.currency,
                registered_at=clock.now(),
            )
            if not await repository.add(line):
                existing = await repository.get(command.credit_line_id)
                assert existing is not None  # noqa: S101 - lines are never deleted
                check_same_registration(
                    existing, borrower_id=command.borrower_id,
                    credit_limit_fen=command.credit_limit_fen, currency=command.currency,
                )
                line = existing
            return monitoring_pb2.RegisterCreditLineResponse(
                credit_line=credit_line_to_proto(line)
            )

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=command.request_id, method=REGISTER_METHOD,
            request=request, response_type=monitoring_pb2.RegisterCreditLineResponse,
            effect=effect, now=clock.now(),
        )
        await uow.commit()
    return response


async def take_credit_line_action(
    engine: AsyncEngine,
    command: TakeCreditLineActionCommand,
    request: Message,
    *,
    clock: Clock,
) -> monitoring_pb2.TakeCreditLineActionResponse:
    """Reduce the limit, freeze or unfreeze: the line (locked), the append-only action row and
    CreditLineActionTaken (ordering key: the line id) commit together. NOT_FOUND for an
    unknown line, or an alert that does not exist or is about another borrower; the domain's
    LIMIT_NOT_REDUCED, CREDIT_LINE_ALREADY_FROZEN, CREDIT_LINE_NOT_FROZEN. A retry with the
    same request_id returns the first answer and records nothing more."""
    async with UnitOfWork(engine) as uow:
        repository = CreditLineRepository(uow.connection)

        async def effect() -> monitoring_pb2.TakeCreditLineActionResponse:
            line = await repository.get(command.credit_line_id, for_update=True)
            if line is None:
                raise NotFound("credit_line", command.credit_line_id)
            if command.alert_id is not None:
                borrower = await repository.alert_borrower(command.alert_id)
                if borrower != line.borrower_id:
                    raise NotFound(
                        "alert", str(command.alert_id),
                        message="no such alert about this credit line's borrower",
                    )
            now = clock.now()
            after, action = take_action(
                line,
                action=command.action,
                new_limit_fen=command.new_limit_fen,
                reason=command.reason,
                alert_id=command.alert_id,
                taken_by=command.operator,
                action_id=uuid.uuid4(),
                taken_at=now,
            )
            await repository.save(after, updated_at=now)
            await repository.record_action(action)
            uow.record_event(action_taken_to_proto(action), line.credit_line_id)
            return monitoring_pb2.TakeCreditLineActionResponse(
                action=action_to_proto(action), credit_line=credit_line_to_proto(after)
            )

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=command.request_id, method=ACTION_METHOD,
            request=request, response_type=monitoring_pb2.TakeCreditLineActionResponse,
            effect=effect, now=clock.now(),
        )
        await uow.commit()
    return response


async def check_loan_drawdown(
    conn: AsyncConnection,
    *,
    loan_id: str,
    credit_line_id: str,
    borrower_id: str,
    currency: str,
    principal_fen: int,
) -> None:
    """In RegisterLoan's transaction: lock the line (so concurrent drawdowns and actions on it
    serialize) and refuse a new loan with CREDIT_LINE_NOT_FOUND, CREDIT_LINE_FROZEN or
    CREDIT_LINE_LIMIT_EXCEEDED (principal above the limit less the outstanding principal of
    the line's active loans). A loan_id already registered is not drawn again: the caller's
    repeat-or-conflict rule answers it (checked after the lock, so a concurrent registration
    of the same loan is seen)."""
    repository = CreditLineRepository(conn)
    line = await repository.get(credit_line_id, for_update=True)
    if await LoanRepository(conn).registration_fingerprint(loan_id) is not None:
        return
    drawn = await repository.drawn_fen(credit_line_id) if line is not None else 0
    check_drawdown(
        line, credit_line_id=credit_line_id, borrower_id=borrower_id, currency=currency,
        drawn_fen=drawn, principal_fen=principal_fen,
    )


async def get_credit_line(engine: AsyncEngine, credit_line_id: str) -> CreditLine:
    async with engine.connect() as conn:
        line = await CreditLineRepository(conn).get(credit_line_id)
    if line is None:
        raise NotFound("credit_line", credit_line_id)
    return line


async def list_credit_lines(
    engine: AsyncEngine, where: CreditLineFilter, *, after_id: str | None, page_size: int
) -> tuple[list[CreditLine], bool]:
    """One page of lines by id and whether more follow."""
    async with engine.connect() as conn:
        page = await CreditLineRepository(conn).list_page(
            where, after_id=after_id, limit=page_size + 1
        )
    return page[:page_size], len(page) > page_size


async def list_credit_line_actions(
    engine: AsyncEngine, credit_line_id: str, *, before_seq: int | None, page_size: int
) -> tuple[list[CreditLineAction], int | None]:
    """One page of the line's actions, newest first, and the sequence to continue before
    when more follow. NOT_FOUND for an unknown line."""
    async with engine.connect() as conn:
        repository = CreditLineRepository(conn)
        if await repository.get(credit_line_id) is None:
            raise NotFound("credit_line", credit_line_id)
        rows = await repository.list_actions(
            credit_line_id, before_seq=before_seq, limit=page_size + 1
        )
    page = rows[:page_size]
    more = len(rows) > page_size
    return [action for _, action in page], (page[-1][0] if more and page else None)
