"""The credit-line repository on SQLAlchemy Core: lines, their append-only action log and what
is drawn on a line, on the caller's AsyncConnection (the unit of work's transaction)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.adapters.tables import credit_line_actions, credit_lines
from monitoring.domain.credit_lines import (
    CreditLine,
    CreditLineAction,
    CreditLineActionType,
    CreditLineState,
)


@dataclass(frozen=True)
class CreditLineFilter:
    """ListCreditLines filters; empty means no restriction. Combined with AND."""

    borrower_id: str | None = None
    states: tuple[CreditLineState, ...] = ()


# Outstanding principal of a line's active loans over the schedule in force (fen).
_DRAWN_SQL = text(
    """
    SELECT coalesce(sum(i.principal_due_fen - i.principal_paid_fen), 0)
    FROM loans l
    JOIN installments i
      ON i.loan_id = l.loan_id AND i.schedule_version = l.schedule_version
     AND i.state <> 'SUPERSEDED'
    WHERE l.credit_line_id = :credit_line_id AND l.state = 'ACTIVE'
    """
)


class CreditLineRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, line: CreditLine) -> bool:
        """Insert a new line. False (nothing written) when the id exists; a concurrent insert
        of the same id waits for the other transaction to end."""
        inserted = await self._conn.execute(
            insert(credit_lines)
            .values(
                credit_line_id=line.credit_line_id,
                borrower_id=line.borrower_id,
                currency=line.currency,
                credit_limit_fen=line.credit_limit_fen,
                original_limit_fen=line.original_limit_fen,
                state=line.state.value,
                registered_at=line.registered_at,
                updated_at=line.registered_at,
            )
            .on_conflict_do_nothing(index_elements=["credit_line_id"])
            .returning(credit_lines.c.credit_line_id)
        )
        return inserted.first() is not None

    async def get(self, credit_line_id: str, *, for_update: bool = False) -> CreditLine | None:
        """The line; ``for_update`` locks its row (actions and drawdowns on a line take that
        lock, so they serialize)."""
        query = select(credit_lines).where(credit_lines.c.credit_line_id == credit_line_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _line_from_row(row) if row is not None else None

    async def save(self, line: CreditLine, *, updated_at: Any) -> None:
        """Store the line's current limit and state."""
        await self._conn.execute(
            credit_lines.update()
            .where(credit_lines.c.credit_line_id == line.credit_line_id)
            .values(
                credit_limit_fen=line.credit_limit_fen,
                state=line.state.value,
                updated_at=updated_at,
            )
        )

    async def record_action(self, action: CreditLineAction) -> None:
        await self._conn.execute(
            credit_line_actions.insert().values(
                action_id=action.action_id,
                credit_line_id=action.credit_line_id,
                action=action.action.value,
                previous_limit_fen=action.previous_limit_fen,
                new_limit_fen=action.new_limit_fen,
                currency=action.currency,
                reason=action.reason,
                alert_id=action.alert_id,
                taken_by=action.taken_by,
                taken_at=action.taken_at,
            )
        )

    async def drawn_fen(self, credit_line_id: str) -> int:
        """Outstanding principal of the line's active loans (fen)."""
        return int(
            await self._conn.scalar(_DRAWN_SQL, {"credit_line_id": credit_line_id}) or 0
        )

    async def list_page(
        self, where: CreditLineFilter, *, after_id: str | None, limit: int
    ) -> list[CreditLine]:
        """Up to ``limit`` lines matching ``where`` with id > ``after_id``, by id."""
        query = select(credit_lines).order_by(credit_lines.c.credit_line_id).limit(limit)
        if where.borrower_id:
            query = query.where(credit_lines.c.borrower_id == where.borrower_id)
        if where.states:
            query = query.where(credit_lines.c.state.in_([s.value for s in where.states]))
        if after_id is not None:
            query = query.where(credit_lines.c.credit_line_id > after_id)
        return [_line_from_row(r) for r in (await self._conn.execute(query)).all()]

    async def list_actions(
        self, credit_line_id: str, *, before_seq: int | None, limit: int
    ) -> list[tuple[int, CreditLineAction]]:
        """Up to ``limit`` actions on the line, newest first, each with its log sequence;
        only those older than ``before_seq`` when given."""
        condition = credit_line_actions.c.credit_line_id == credit_line_id
        if before_seq is not None:
            condition = and_(condition, credit_line_actions.c.id < before_seq)
        rows = await self._conn.execute(
            select(credit_line_actions, credit_lines.c.borrower_id)
            .join(credit_lines,
                  credit_lines.c.credit_line_id == credit_line_actions.c.credit_line_id)
            .where(condition)
            .order_by(credit_line_actions.c.id.desc())
            .limit(limit)
        )
        return [(r.id, _action_from_row(r)) for r in rows]

    async def alert_borrower(self, alert_id: uuid.UUID) -> str | None:
        """The borrower an alert is about; None when there is no such alert."""
        return await self._conn.scalar(
            text("SELECT borrower_id FROM alerts WHERE alert_id = :a"), {"a": alert_id}
        )


def _line_from_row(row: Any) -> CreditLine:
    return CreditLine(
        credit_line_id=row.credit_line_id,
        borrower_id=row.borrower_id,
        currency=row.currency,
        credit_limit_fen=row.credit_limit_fen,
        original_limit_fen=row.original_limit_fen,
        state=CreditLineState(row.state),
        registered_at=row.registered_at,
    )


def _action_from_row(row: Any) -> CreditLineAction:
    return CreditLineAction(
        action_id=row.action_id,
        credit_line_id=row.credit_line_id,
        borrower_id=row.borrower_id,
        action=CreditLineActionType(row.action),
        previous_limit_fen=row.previous_limit_fen,
        new_limit_fen=row.new_limit_fen,
        currency=row.currency,
        reason=row.reason,
        alert_id=row.alert_id,
        taken_by=row.taken_by,
        taken_at=row.taken_at,
    )
