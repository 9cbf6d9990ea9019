"""Repayments, their allocations and installment writes on SQLAlchemy Core, on the caller's
AsyncConnection (the unit of work's transaction)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.adapters.repository import LOAN_SELECT, LoanRepository, loan_from_row
from monitoring.adapters.tables import repayment_allocations, repayments
from monitoring.domain.loans import Installment, Loan
from monitoring.domain.repayments import (
    AllocationLine,
    Component,
    Repayment,
    RepaymentChannel,
    RepaymentState,
    ReversalReason,
)
from postloan_runtime.direct_sql import DirectStatement

InstallmentKey = tuple[int, int]


# An installment row's columns after the loan id, in the order the statements below take them.
_INSTALLMENT_COLUMNS: Final = (
    ("schedule_version", "integer"), ("sequence", "integer"), ("due_date", "date"),
    ("principal_due_fen", "bigint"), ("interest_due_fen", "bigint"),
    ("penalty_due_fen", "bigint"), ("principal_paid_fen", "bigint"),
    ("interest_paid_fen", "bigint"), ("penalty_paid_fen", "bigint"),
    ("penalty_waived_fen", "bigint"), ("state", "text"), ("paid_on", "date"),
    ("days_past_due", "integer"), ("penalty_principal_days", "bigint"),
    ("penalty_accrued_through", "date"), ("penalty_days_from", "date"),
)


def _unnest(prefix: str, columns: Sequence[tuple[str, str]]) -> str:
    """``unnest`` of one array parameter per column, named ``prefix_column``."""
    arrays = ", ".join(f"CAST(:{prefix}_{name} AS {kind}[])" for name, kind in columns)
    return f"unnest({arrays}) AS {prefix}({', '.join(name for name, _ in columns)})"


# Everything a change to a loan's ledger writes, in one statement: the installment rows a replay
# dropped (deleted), the new ones (inserted), the changed ones (updated, the penalty accrual
# with them: a posting dated before the cycle's accrual corrects it), the bucket move when
# there is one, and the loan row. The
# three installment sets are disjoint, so no row is written twice. The last repayment date is
# the caller's, or else read: the latest value date of the loan's posted repayments.
_SETTLE_CTES: Final = f"""
gone AS (
  DELETE FROM installments i USING {_unnest("gone", _INSTALLMENT_COLUMNS[:2])}
  WHERE i.loan_id = :loan_id AND i.schedule_version = gone.schedule_version
    AND i.sequence = gone.sequence
),
added AS (
  INSERT INTO installments (loan_id, {", ".join(n for n, _ in _INSTALLMENT_COLUMNS)})
  SELECT :loan_id, added.* FROM {_unnest("added", _INSTALLMENT_COLUMNS)}
),
changed AS (
  UPDATE installments i SET {", ".join(f"{n} = changed.{n}" for n, _ in _INSTALLMENT_COLUMNS[2:])}
  FROM {_unnest("changed", _INSTALLMENT_COLUMNS)}
  WHERE i.loan_id = :loan_id AND i.schedule_version = changed.schedule_version
    AND i.sequence = changed.sequence
),
moved AS (
  INSERT INTO bucket_history (loan_id, business_date, from_bucket, to_bucket, days_past_due,
    overdue_fen, cause, recorded_at)
  SELECT :loan_id, CAST(:status_as_of AS date), CAST(:from_bucket AS text),
    CAST(:bucket AS text), CAST(:days_past_due AS integer), CAST(:overdue_fen AS bigint),
    CAST(:cause AS text), CAST(:now AS timestamptz)
  WHERE CAST(:bucket_moved AS boolean)
)"""
_UPDATE_LOAN: Final = """
UPDATE loans SET version = :version, schedule_version = :schedule_version,
  days_past_due = :days_past_due, bucket = :bucket, classification = :classification,
  status_as_of = :status_as_of, state = :state, paid_off_date = :paid_off_date,
  last_repayment_date = COALESCE(CAST(:last_repayment_date AS date), (
    SELECT max(r.value_date) FROM repayments r
    WHERE r.loan_id = :loan_id AND r.state = 'POSTED'))
WHERE loan_id = :loan_id
RETURNING last_repayment_date"""
# A new posting's repayment and allocation lines, written with the ledger change (the lines'
# foreign key is checked at the end of the statement, when the repayment row is there).
_REPAYMENT_CTES: Final = """
repayment AS (
  INSERT INTO repayments (repayment_id, loan_id, external_transaction_id, amount_fen, currency,
    paid_at, value_date, channel, state, base_schedule_version, prepaid_principal_fen,
    unapplied_fen, posted_at)
  VALUES (CAST(:repayment_id AS uuid), :loan_id, :external_transaction_id, :amount_fen,
    :currency, :paid_at, :value_date, :channel, :repayment_state, :base_schedule_version,
    :prepaid_principal_fen, :unapplied_fen, :posted_at)
),
lines AS (
  INSERT INTO repayment_allocations (repayment_id, line, loan_id, schedule_version,
    installment_sequence, component, amount_fen)
  SELECT CAST(:repayment_id AS uuid), line.n, :loan_id, line.schedule_version,
    line.installment_sequence, line.component, line.amount_fen
  FROM unnest(CAST(:line_schedule_version AS integer[]),
    CAST(:line_installment_sequence AS integer[]), CAST(:line_component AS text[]),
    CAST(:line_amount_fen AS bigint[])) WITH ORDINALITY
    AS line(schedule_version, installment_sequence, component, amount_fen, n)
),"""
SETTLE: Final = DirectStatement("WITH" + _SETTLE_CTES + _UPDATE_LOAN)
POST_AND_SETTLE: Final = DirectStatement("WITH" + _REPAYMENT_CTES + _SETTLE_CTES + _UPDATE_LOAN)


def _installment_arrays(prefix: str, items: Sequence[Installment]) -> dict[str, list[Any]]:
    columns: list[Sequence[Any]] = list(zip(*(
        (
            i.schedule_version, i.sequence, i.due_date, i.principal_due_fen,
            i.interest_due_fen, i.penalty_due_fen, i.principal_paid_fen, i.interest_paid_fen,
            i.penalty_paid_fen, i.penalty_waived_fen, i.state.value, i.paid_on,
            i.days_past_due, i.penalty_principal_days, i.penalty_accrued_through,
            i.penalty_days_from,
        )
        for i in items
    ), strict=True)) or [()] * len(_INSTALLMENT_COLUMNS)
    return {
        f"{prefix}_{name}": list(values)
        for (name, _), values in zip(_INSTALLMENT_COLUMNS, columns, strict=True)
    }


@dataclass(frozen=True)
class BucketMove:
    """A bucket move to record with a ledger change."""

    from_bucket: str
    overdue_fen: int
    cause: str
    recorded_at: dt.datetime


async def write_settlement(
    conn: AsyncConnection,
    loan_id: str,
    before: Mapping[InstallmentKey, Installment],
    after: Mapping[InstallmentKey, Installment],
    loan_values: Mapping[str, Any],
    *,
    move: BucketMove | None = None,
    repayment: Repayment | None = None,
) -> dt.date | None:
    """Write a change to a loan's ledger in one statement: the difference between two states
    of its installments (rows gone deleted, new rows inserted, changed rows updated), the
    bucket move if any, the loan row's ``loan_values`` (its last repayment date read when
    None) and, for a new posting, ``repayment`` with its allocation lines. Returns the loan's
    last repayment date as stored."""
    gone = [k for k in before if k not in after]
    added = [i for k, i in after.items() if k not in before]
    changed = []
    for key, item in after.items():
        old = before.get(key)
        if old is not None and old != item:
            changed.append(item)
    params: dict[str, Any] = {
        "loan_id": loan_id,
        "gone_schedule_version": [v for v, _ in gone],
        "gone_sequence": [s for _, s in gone],
        **_installment_arrays("added", added),
        **_installment_arrays("changed", changed),
        **loan_values,
        "bucket_moved": move is not None,
        "from_bucket": move.from_bucket if move else None,
        "overdue_fen": move.overdue_fen if move else None,
        "cause": move.cause if move else None,
        "now": move.recorded_at if move else None,
    }
    statement = SETTLE
    if repayment is not None:
        statement = POST_AND_SETTLE
        lines = repayment.lines
        params.update(
            repayment_id=repayment.repayment_id,
            external_transaction_id=repayment.external_transaction_id,
            amount_fen=repayment.amount_fen,
            currency=repayment.currency,
            paid_at=repayment.paid_at,
            value_date=repayment.value_date,
            channel=repayment.channel.value,
            repayment_state=repayment.state.value,
            base_schedule_version=repayment.base_schedule_version,
            prepaid_principal_fen=repayment.prepaid_principal_fen,
            unapplied_fen=repayment.unapplied_fen,
            posted_at=repayment.posted_at,
            line_schedule_version=[line.schedule_version for line in lines],
            line_installment_sequence=[line.installment_sequence for line in lines],
            line_component=[line.component.value for line in lines],
            line_amount_fen=[line.amount_fen for line in lines],
        )
    last: dt.date | None = await statement.fetchval(conn, params)
    return last


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


# The loan (LOAN_SELECT) with what a new posting reads besides it, in one statement.
LOAD_FOR_POSTING: Final = DirectStatement(LOAN_SELECT.format(extra=""",
  (SELECT p.repayment_id FROM repayments p
   WHERE p.loan_id = l.loan_id AND p.external_transaction_id = :external_transaction_id
  ) AS existing_repayment_id,
  (SELECT ROW(p.paid_at, p.external_transaction_id) FROM repayments p
   WHERE p.loan_id = l.loan_id AND p.state = 'POSTED'
     AND p.base_schedule_version = l.base_schedule_version
   ORDER BY p.paid_at DESC, p.external_transaction_id DESC LIMIT 1) AS latest_order_key,
  (SELECT max(c.business_date) FROM daily_cycle_runs c WHERE c.state = 'COMPLETED'
  ) AS last_completed_cycle"""))


class RepaymentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def locked_loan_for_posting(
        self, loan_id: str, external_transaction_id: str
    ) -> tuple[Loan, PostingContext] | None:
        """Lock the loan, then read it with what a new posting needs to know (one statement
        after the lock); None when there is no such loan."""
        if not await LoanRepository(self._conn).lock(loan_id):
            return None
        row = await LOAD_FOR_POSTING.fetchrow(
            self._conn, {"loan_id": loan_id, "external_transaction_id": external_transaction_id}
        )
        assert row is not None  # noqa: S101 - locked above
        existing = row.existing_repayment_id
        latest = row.latest_order_key
        return loan_from_row(row), PostingContext(
            existing_repayment_id=str(existing) if existing is not None else None,
            latest_order_key=(latest[0], latest[1]) if latest is not None else None,
            last_completed_cycle=row.last_completed_cycle,
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
