"""Revolving credit lines: registration, the actions risk takes on them (reduce the limit,
freeze, unfreeze) and the drawdown rule loans registered against a line must pass.

Plain Python (no grpc, protobuf or sqlalchemy). Amounts are integer fen; instants UTC.

What is drawn on a line is the outstanding principal of its active loans (fen): repaying
principal frees the limit again (revolving). A limit may be cut below what is drawn (the proto
allows any new limit from 0 up to, not including, the current one): the loans already drawn are
unaffected and the line simply has nothing available until enough is repaid.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from enum import StrEnum

from postloan_runtime.errors import FailedPrecondition

__all__ = [
    "CreditLine",
    "CreditLineAction",
    "CreditLineActionType",
    "CreditLineState",
    "Reasons",
    "available_fen",
    "check_drawdown",
    "check_same_registration",
    "register_credit_line",
    "take_action",
]


class Reasons:
    """FAILED_PRECONDITION reasons of CreditLineService (and of LoanService.RegisterLoan for
    a loan drawn from a line), as documented in monitoring.proto."""

    CREDIT_LINE_ID_CONFLICT = "CREDIT_LINE_ID_CONFLICT"
    LIMIT_NOT_REDUCED = "LIMIT_NOT_REDUCED"
    CREDIT_LINE_ALREADY_FROZEN = "CREDIT_LINE_ALREADY_FROZEN"
    CREDIT_LINE_NOT_FROZEN = "CREDIT_LINE_NOT_FROZEN"
    CREDIT_LINE_NOT_FOUND = "CREDIT_LINE_NOT_FOUND"
    CREDIT_LINE_FROZEN = "CREDIT_LINE_FROZEN"
    CREDIT_LINE_LIMIT_EXCEEDED = "CREDIT_LINE_LIMIT_EXCEEDED"


class CreditLineState(StrEnum):
    ACTIVE = "ACTIVE"
    FROZEN = "FROZEN"


class CreditLineActionType(StrEnum):
    REDUCE_LIMIT = "REDUCE_LIMIT"
    FREEZE = "FREEZE"
    UNFREEZE = "UNFREEZE"


@dataclass(frozen=True)
class CreditLine:
    """A revolving credit line. Limits in fen; ``registered_at`` UTC."""

    credit_line_id: str
    borrower_id: str
    currency: str
    credit_limit_fen: int
    original_limit_fen: int
    state: CreditLineState
    registered_at: dt.datetime


@dataclass(frozen=True)
class CreditLineAction:
    """A recorded action (append-only). ``new_limit_fen`` equals ``previous_limit_fen`` for a
    freeze or unfreeze. ``reason`` carries no personal data; ``taken_by`` is the caller's
    subject; ``taken_at`` UTC."""

    action_id: uuid.UUID
    credit_line_id: str
    borrower_id: str
    action: CreditLineActionType
    previous_limit_fen: int
    new_limit_fen: int
    currency: str
    reason: str
    alert_id: uuid.UUID | None
    taken_by: str
    taken_at: dt.datetime


def register_credit_line(
    *,
    credit_line_id: str,
    borrower_id: str,
    credit_limit_fen: int,
    currency: str,
    registered_at: dt.datetime,
) -> CreditLine:
    """A new ACTIVE line whose current and original limits are ``credit_limit_fen`` (> 0)."""
    if credit_limit_fen <= 0:
        raise ValueError("a credit limit must be positive")  # the servicer refuses it first
    return CreditLine(
        credit_line_id=credit_line_id,
        borrower_id=borrower_id,
        currency=currency,
        credit_limit_fen=credit_limit_fen,
        original_limit_fen=credit_limit_fen,
        state=CreditLineState.ACTIVE,
        registered_at=registered_at,
    )


def check_same_registration(
    existing: CreditLine, *, borrower_id: str, credit_limit_fen: int, currency: str
) -> None:
    """A repeated registration of ``existing`` must name the same borrower and the same limit
    it was registered with (later reductions do not matter); otherwise CREDIT_LINE_ID_CONFLICT."""
    if (
        existing.borrower_id != borrower_id
        or existing.original_limit_fen != credit_limit_fen
        or existing.currency != currency
    ):
        raise FailedPrecondition(
            Reasons.CREDIT_LINE_ID_CONFLICT,
            "the credit_line_id is registered with another borrower or limit",
            metadata={"credit_line_id": existing.credit_line_id},
        )


def take_action(
    line: CreditLine,
    *,
    action: CreditLineActionType,
    new_limit_fen: int | None,
    reason: str,
    alert_id: uuid.UUID | None,
    taken_by: str,
    action_id: uuid.UUID,
    taken_at: dt.datetime,
) -> tuple[CreditLine, CreditLineAction]:
    """Apply ``action`` to ``line``: the line after it and the action to record.

    REDUCE_LIMIT needs ``new_limit_fen`` (>= 0) below the current limit (LIMIT_NOT_REDUCED
    otherwise); it is allowed on a frozen line. FREEZE needs an ACTIVE line
    (CREDIT_LINE_ALREADY_FROZEN), UNFREEZE a FROZEN one (CREDIT_LINE_NOT_FROZEN).
    """
    previous = line.credit_limit_fen
    after = line
    if action is CreditLineActionType.REDUCE_LIMIT:
        if new_limit_fen is None or new_limit_fen < 0:
            raise ValueError("REDUCE_LIMIT needs a new limit >= 0")  # the servicer refuses it
        if new_limit_fen >= previous:
            raise FailedPrecondition(
                Reasons.LIMIT_NOT_REDUCED,
                "the new limit is not below the current limit",
                metadata={
                    "credit_line_id": line.credit_line_id,
                    "credit_limit_fen": str(previous),
                    "new_limit_fen": str(new_limit_fen),
                },
            )
        after = replace(line, credit_limit_fen=new_limit_fen)
    elif action is CreditLineActionType.FREEZE:
        if line.state is CreditLineState.FROZEN:
            raise FailedPrecondition(
                Reasons.CREDIT_LINE_ALREADY_FROZEN,
                "the credit line is already frozen",
                metadata={"credit_line_id": line.credit_line_id},
            )
        after = replace(line, state=CreditLineState.FROZEN)
    elif action is CreditLineActionType.UNFREEZE:
        if line.state is not CreditLineState.FROZEN:
            raise FailedPrecondition(
                Reasons.CREDIT_LINE_NOT_FROZEN,
                "the credit line is not frozen",
                metadata={"credit_line_id": line.credit_line_id},
            )
        after = replace(line, state=CreditLineState.ACTIVE)
    else:  # pragma: no cover - the enum is closed
        raise ValueError(f"unknown credit-line action {action!r}")
    recorded = CreditLineAction(
        action_id=action_id,
        credit_line_id=line.credit_line_id,
        borrower_id=line.borrower_id,
        action=action,
        previous_limit_fen=previous,
        new_limit_fen=after.credit_limit_fen,
        currency=line.currency,
        reason=reason,
        alert_id=alert_id,
        taken_by=taken_by,
        taken_at=taken_at,
    )
    return after, recorded


def available_fen(line: CreditLine, drawn_fen: int) -> int:
    """What can still be drawn (fen): the limit less what is drawn, never below zero."""
    return max(line.credit_limit_fen - drawn_fen, 0)


def check_drawdown(
    line: CreditLine | None,
    *,
    credit_line_id: str,
    borrower_id: str,
    currency: str,
    drawn_fen: int,
    principal_fen: int,
) -> None:
    """May a new loan of ``principal_fen`` be drawn from ``line`` while ``drawn_fen`` is
    outstanding on it? CREDIT_LINE_NOT_FOUND when there is no such line for this borrower (a
    line belongs to one borrower), CREDIT_LINE_FROZEN when frozen, CREDIT_LINE_LIMIT_EXCEEDED
    when the principal is more than what is available (or in another currency)."""
    if line is None or line.borrower_id != borrower_id:
        raise FailedPrecondition(
            Reasons.CREDIT_LINE_NOT_FOUND,
            "the borrower has no registered credit line with this id",
            metadata={"credit_line_id": credit_line_id},
        )
    if line.state is CreditLineState.FROZEN:
        raise FailedPrecondition(
            Reasons.CREDIT_LINE_FROZEN,
            "the credit line is frozen: no new drawdowns",
            metadata={"credit_line_id": credit_line_id},
        )
    available = available_fen(line, drawn_fen)
    if currency != line.currency or principal_fen > available:
        raise FailedPrecondition(
            Reasons.CREDIT_LINE_LIMIT_EXCEEDED,
            "the principal exceeds what is available on the credit line",
            metadata={
                "credit_line_id": credit_line_id,
                "credit_limit_fen": str(line.credit_limit_fen),
                "drawn_fen": str(drawn_fen),
                "available_fen": str(available),
                "principal_fen": str(principal_fen),
            },
        )
