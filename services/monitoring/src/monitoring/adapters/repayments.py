"""Repayments, their allocations and installment writes on SQLAlchemy Core, on the caller's
AsyncConnection (the unit of work's transaction)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.adapters.tables import (
    daily_cycle_runs,
    installments,
    repayment_allocations,
    repayments,
)
from monitoring.domain.loans import Installment
from monitoring.domain.repayments import (
    AllocationLine,
    Component,
    Repayment,
    RepaymentChannel,
    RepaymentState,
    ReversalReason,
)

InstallmentKey = tuple[int, int]


def _installment_values(loan_id: str, i: Installment) -> dict[str, Any]:
    return {
        "loan_id": loan_id,
        "schedule_version": i.schedule_version,
        "sequence": i.sequence,
        "due_date": i.due_date,
        "principal_due_fen": i.principal_due_fen,
        "interest_due_fen": i.interest_due_fen,
        "penalty_due_fen": i.penalty_due_fen,
        "principal_paid_fen": i.principal_paid_fen,
        "interest_paid_fen": i.interest_paid_fen,
        "penalty_paid_fen": i.penalty_paid_fen,
        "penalty_waived_fen": i.penalty_waived_fen,
        "state": i.state.value,
        "paid_on": i.paid_on,
        "days_past_due": i.days_past_due,
    }


async def sync_installments(
    conn: AsyncConnection,
    loan_id: str,
    before: Mapping[InstallmentKey, Installment],
    after: Mapping[InstallmentKey, Installment],
) -> None:
    """Write the difference between two states of a loan's installments: rows gone are
    deleted (schedule versions a replay dropped), new rows inserted, changed rows updated."""
    gone = [k for k in before if k not in after]
    if gone:
        await conn.execute(
            delete(installments).where(
                installments.c.loan_id == loan_id,
                or_(*(
                    and_(installments.c.schedule_version == v, installments.c.sequence == s)
                    for v, s in gone
                )),
            )
        )
    new = [_installment_values(loan_id, i) for k, i in after.items() if k not in before]
    if new:
        await conn.execute(insert(installments), new)
    for key, item in after.items():
        old = before.get(key)
        if old is None or old == item:
            continue
        values = _installment_values(loan_id, item)
        for column in ("loan_id", "schedule_version", "sequence"):
            values.pop(column)
        await conn.execute(
            update(installments)
            .where(
                installments.c.loan_id == loan_id,
                installments.c.schedule_version == key[0],
                installments.c.sequence == key[1],
            )
            .values(**values)
        )


@dataclass(frozen=True)
class PostingContext:
    """What a new posting needs to know besides the loan."""

    # The repayment already posted with this external transaction id, if any.
    existing_repayment_id: str | None
    # (paid_at, external transaction id) of the last repayment posted over the base schedule:
    # a posting ordered before it is backdated and replays.
    latest_order_key: tuple[dt.datetime, str] | None
    # The latest business date whose daily cycle completed (any partition), if any.
    last_completed_cycle: dt.date | None


class RepaymentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def posting_context(
        self, loan_id: str, external_transaction_id: str, base_schedule_version: int
    ) -> PostingContext:
        """What a new posting reads besides the loan, in one round trip."""
        latest = (
            select(repayments.c.paid_at, repayments.c.external_transaction_id)
            .where(
                repayments.c.loan_id == loan_id,
                repayments.c.state == RepaymentState.POSTED.value,
                repayments.c.base_schedule_version == base_schedule_version,
            )
            .order_by(repayments.c.paid_at.desc(), repayments.c.external_transaction_id.desc())
            .limit(1)
            .subquery("latest")
        )
        existing = (
            select(repayments.c.repayment_id)
            .where(
                repayments.c.loan_id == loan_id,
                repayments.c.external_transaction_id == external_transaction_id,
            )
            .scalar_subquery()
        )
        completed = (
            select(func.max(daily_cycle_runs.c.business_date))
            .where(daily_cycle_runs.c.state == "COMPLETED")
            .scalar_subquery()
        )
        # One row whether or not there is a latest posting.
        anchor = select(literal(1).label("one")).subquery("anchor")
        row = (
            await self._conn.execute(
                select(
                    existing.label("existing_id"),
                    completed.label("completed"),
                    latest.c.paid_at,
                    latest.c.external_transaction_id,
                ).select_from(anchor.outerjoin(latest, true()))
            )
        ).one()
        return PostingContext(
            existing_repayment_id=str(row.existing_id) if row.existing_id else None,
            latest_order_key=(
                (row.paid_at, row.external_transaction_id) if row.paid_at is not None else None
            ),
            last_completed_cycle=row.completed,
        )

    async def get(self, repayment_id: str) -> Repayment | None:
        row = (
            await self._conn.execute(
                select(repayments).where(repayments.c.repayment_id == uuid.UUID(repayment_id))
            )
        ).first()
        return (await self._with_lines([row]))[0] if row is not None else None

    async def posted_over_base(self, loan_id: str, base_schedule_version: int) -> list[Repayment]:
        """The loan's repayments still posted and allocated over ``base_schedule_version``."""
        rows = (
            await self._conn.execute(
                select(repayments).where(
                    repayments.c.loan_id == loan_id,
                    repayments.c.state == RepaymentState.POSTED.value,
                    repayments.c.base_schedule_version == base_schedule_version,
                )
            )
        ).all()
        return await self._with_lines(rows)

    async def add(self, repayment: Repayment) -> None:
        await self._conn.execute(
            insert(repayments).values(
                repayment_id=uuid.UUID(repayment.repayment_id),
                loan_id=repayment.loan_id,
                external_transaction_id=repayment.external_transaction_id,
                amount_fen=repayment.amount_fen,
                currency=repayment.currency,
                paid_at=repayment.paid_at,
                value_date=repayment.value_date,
                channel=repayment.channel.value,
                state=repayment.state.value,
                base_schedule_version=repayment.base_schedule_version,
                prepaid_principal_fen=repayment.prepaid_principal_fen,
                unapplied_fen=repayment.unapplied_fen,
                posted_at=repayment.posted_at,
            )
        )
        await self._insert_lines(repayment)

    async def save_allocation(self, repayment: Repayment) -> None:
        """Replace a repayment's allocation (after a replay)."""
        rid = uuid.UUID(repayment.repayment_id)
        await self._conn.execute(
            delete(repayment_allocations).where(repayment_allocations.c.repayment_id == rid)
        )
        await self._conn.execute(
            update(repayments)
            .where(repayments.c.repayment_id == rid)
            .values(
                prepaid_principal_fen=repayment.prepaid_principal_fen,
                unapplied_fen=repayment.unapplied_fen,
            )
        )
        await self._insert_lines(repayment)

    async def mark_reversed(self, repayment: Repayment, note: str | None) -> None:
        """Record the reversal; the allocation lines go (the money was never received)."""
        rid = uuid.UUID(repayment.repayment_id)
        await self._conn.execute(
            delete(repayment_allocations).where(repayment_allocations.c.repayment_id == rid)
        )
        await self._conn.execute(
            update(repayments)
            .where(repayments.c.repayment_id == rid)
            .values(
                state=RepaymentState.REVERSED.value,
                reversed_at=repayment.reversed_at,
                reversal_reason=repayment.reversal_reason.value
                if repayment.reversal_reason else None,
                reversal_note=note,
                prepaid_principal_fen=0,
                unapplied_fen=0,
            )
        )

    async def list_page(
        self,
        loan_id: str,
        *,
        include_reversed: bool,
        after: tuple[Any, str] | None,
        limit: int,
    ) -> list[Repayment]:
        """Newest value date first (then repayment id), keyset after (value_date, id)."""
        query = (
            select(repayments)
            .where(repayments.c.loan_id == loan_id)
            .order_by(repayments.c.value_date.desc(), repayments.c.repayment_id.desc())
            .limit(limit)
        )
        if not include_reversed:
            query = query.where(repayments.c.state == RepaymentState.POSTED.value)
        if after is not None:
            value_date, rid = after
            query = query.where(
                or_(
                    repayments.c.value_date < value_date,
                    and_(
                        repayments.c.value_date == value_date,
                        repayments.c.repayment_id < uuid.UUID(rid),
                    ),
                )
            )
        rows = (await self._conn.execute(query)).all()
        return await self._with_lines(rows)

    async def _insert_lines(self, repayment: Repayment) -> None:
        if not repayment.lines:
            return
        rid = uuid.UUID(repayment.repayment_id)
        await self._conn.execute(
            insert(repayment_allocations),
            [
                {
                    "repayment_id": rid,
                    "line": n,
                    "loan_id": repayment.loan_id,
                    "schedule_version": line.schedule_version,
                    "installment_sequence": line.installment_sequence,
                    "component": line.component.value,
                    "amount_fen": line.amount_fen,
                }
                for n, line in enumerate(repayment.lines, start=1)
            ],
        )

    async def _with_lines(self, rows: Sequence[Any]) -> list[Repayment]:
        if not rows:
            return []
        lines: dict[uuid.UUID, list[AllocationLine]] = defaultdict(list)
        found = await self._conn.execute(
            select(repayment_allocations)
            .where(repayment_allocations.c.repayment_id.in_([r.repayment_id for r in rows]))
            .order_by(repayment_allocations.c.repayment_id, repayment_allocations.c.line)
        )
        for line in found:
            lines[line.repayment_id].append(
                AllocationLine(
                    line.schedule_version,
                    line.installment_sequence,
                    Component(line.component),
                    line.amount_fen,
                )
            )
        return [
            Repayment(
                repayment_id=str(r.repayment_id),
                loan_id=r.loan_id,
                external_transaction_id=r.external_transaction_id,
                amount_fen=r.amount_fen,
                currency=r.currency,
                paid_at=r.paid_at,
                value_date=r.value_date,
                channel=RepaymentChannel(r.channel),
                state=RepaymentState(r.state),
                base_schedule_version=r.base_schedule_version,
                posted_at=r.posted_at,
                lines=tuple(lines[r.repayment_id]),
                prepaid_principal_fen=r.prepaid_principal_fen,
                unapplied_fen=r.unapplied_fen,
                reversed_at=r.reversed_at,
                reversal_reason=ReversalReason(r.reversal_reason) if r.reversal_reason else None,
            )
            for r in rows
        ]
