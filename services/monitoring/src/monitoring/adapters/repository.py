"""The loan repository on SQLAlchemy Core: loads and stores the loan aggregate with its
installments on the caller's AsyncConnection (the unit of work's transaction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.adapters.tables import installments, loans
from monitoring.domain.loans import (
    Classification,
    Installment,
    InstallmentState,
    Loan,
    LoanRestructuring,
    LoanState,
    LoanTerms,
    PrepaymentRule,
    RepaymentMethod,
)
from postloan_runtime.direct_sql import DirectStatement


@dataclass(frozen=True)
class LoanFilter:
    """ListLoans filters; empty means no restriction. Combined with AND."""

    borrower_id: str | None = None
    credit_line_id: str | None = None
    states: tuple[LoanState, ...] = ()
    buckets: tuple[str, ...] = ()


# The loan's columns as the aggregate reads them, in one list for every query that loads it.
LOAN_COLUMNS: Final = (
    "loan_id", "borrower_id", "credit_line_id", "product_code", "principal_fen", "currency",
    "annual_rate", "term_periods", "repayment_method", "disbursement_date", "due_day",
    "grace_days", "penalty_annual_rate", "prepayment_rule", "current_annual_rate", "state",
    "version", "schedule_version", "registered_at", "status_as_of", "days_past_due", "bucket",
    "classification", "paid_off_date", "plan_id", "breach_days_past_due",
    "base_schedule_version", "last_repayment_date", "classification_floor",
    "classification_floor_plan_id",
)
# Installment's fields in declaration order: each row comes back as a tuple in this order.
_INSTALLMENT_FIELDS: Final = (
    "sequence", "schedule_version", "due_date", "principal_due_fen", "interest_due_fen",
    "penalty_due_fen", "principal_paid_fen", "interest_paid_fen", "penalty_paid_fen",
    "penalty_waived_fen", "state", "paid_on", "days_past_due", "penalty_principal_days",
    "penalty_accrued_through", "penalty_days_from",
)
_INSTALLMENT_STATES: Final = {s.value: s for s in InstallmentState}

# The loan, its installments and its restructurings in one statement (one snapshot): the
# child rows come as arrays of records, ordered, decoded by the driver into tuples.
# ``{extra}`` takes further columns (a use case's context read with the loan).
LOAN_SELECT: Final = (
    "SELECT " + ", ".join(f"l.{c}" for c in LOAN_COLUMNS) + ",\n"
    "  ARRAY(SELECT ROW(" + ", ".join(f"i.{c}" for c in _INSTALLMENT_FIELDS) + ")\n"
    "        FROM installments i WHERE i.loan_id = l.loan_id\n"
    "        ORDER BY i.schedule_version, i.sequence) AS installment_rows,\n"
    "  CASE WHEN l.plan_id IS NOT NULL THEN ARRAY(\n"
    "    SELECT ROW(r.plan_id, r.effective_date, r.schedule_version, r.applied_at)\n"
    "    FROM schedule_replacements r WHERE r.loan_id = l.loan_id\n"
    "    ORDER BY r.applied_at, r.plan_id) END AS restructuring_rows{extra}\n"
    "FROM loans l WHERE l.loan_id = :loan_id"
)
LOAD_LOAN: Final = DirectStatement(LOAN_SELECT.format(extra=""))
LOCK_LOAN: Final = DirectStatement("SELECT 1 FROM loans WHERE loan_id = :loan_id FOR UPDATE")


def loan_from_row(row: Any) -> Loan:
    """The aggregate from a row of ``LOAN_SELECT``."""
    states = _INSTALLMENT_STATES
    loan = _loan_from_row(
        row,
        [
            Installment(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], states[r[10]],
                r[11], r[12], r[13], r[14], r[15],
            )
            for r in row.installment_rows
        ],
    )
    if row.restructuring_rows:
        loan.restructurings = tuple(LoanRestructuring(*r) for r in row.restructuring_rows)
    return loan


class LoanRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, loan: Loan, *, registration_fingerprint: str) -> bool:
        """Insert a new loan with its installments. False (and nothing written) when the
        loan_id exists; a concurrent insert of the same id waits for the other to end."""
        terms = loan.terms
        inserted = await self._conn.execute(
            insert(loans)
            .values(
                loan_id=loan.loan_id,
                borrower_id=loan.borrower_id,
                credit_line_id=loan.credit_line_id,
                product_code=terms.product_code,
                currency=terms.currency,
                principal_fen=terms.principal_fen,
                annual_rate=terms.annual_rate,
                current_annual_rate=loan.current_annual_rate,
                term_periods=terms.term_periods,
                repayment_method=terms.repayment_method.value,
                disbursement_date=terms.disbursement_date,
                due_day=terms.due_day,
                grace_days=terms.grace_days,
                penalty_annual_rate=terms.penalty_annual_rate,
                prepayment_rule=terms.prepayment_rule.value,
                state=loan.state.value,
                version=loan.version,
                schedule_version=loan.schedule_version,
                status_as_of=loan.status_as_of,
                days_past_due=loan.days_past_due,
                bucket=loan.bucket,
                classification=loan.classification.value,
                paid_off_date=loan.paid_off_date,
                registration_fingerprint=registration_fingerprint,
                registered_at=loan.registered_at,
            )
            .on_conflict_do_nothing(index_elements=["loan_id"])
            .returning(loans.c.loan_id)
        )
        if inserted.first() is None:
            return False
        await self._conn.execute(
            installments.insert(),
            [
                {
                    "loan_id": loan.loan_id,
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
                for i in loan.installments
            ],
        )
        return True

    async def registration_fingerprint(self, loan_id: str) -> str | None:
        return await self._conn.scalar(
            select(loans.c.registration_fingerprint).where(loans.c.loan_id == loan_id)
        )

    async def get(self, loan_id: str, *, for_update: bool = False) -> Loan | None:
        """The loan with its installments and restructurings; ``for_update`` locks the loan
        row first (every change to what a loan owes takes that lock, so they serialize)."""
        if for_update and not await self.lock(loan_id):
            return None
        row = await LOAD_LOAN.fetchrow(self._conn, {"loan_id": loan_id})
        return loan_from_row(row) if row is not None else None

    async def lock(self, loan_id: str) -> bool:
        """Lock the loan row until the transaction ends; False when there is no such loan.
        What the lock protects is read by a later statement: a statement's snapshot predates
        a wait for the lock, so one that locked and read together could read stale rows."""
        return await LOCK_LOAN.fetchval(self._conn, {"loan_id": loan_id}) is not None

    async def list_page(
        self, where: LoanFilter, *, after_loan_id: str | None, limit: int
    ) -> list[Loan]:
        """Up to ``limit`` loans matching ``where`` with loan_id > ``after_loan_id``, by
        loan_id (keyset pagination: stable under concurrent inserts)."""
        query = select(loans).order_by(loans.c.loan_id).limit(limit)
        if where.borrower_id:
            query = query.where(loans.c.borrower_id == where.borrower_id)
        if where.credit_line_id:
            query = query.where(loans.c.credit_line_id == where.credit_line_id)
        if where.states:
            query = query.where(loans.c.state.in_([s.value for s in where.states]))
        if where.buckets:
            query = query.where(loans.c.bucket.in_(list(where.buckets)))
        if after_loan_id is not None:
            query = query.where(loans.c.loan_id > after_loan_id)
        rows = (await self._conn.execute(query)).all()
        by_loan = await self._installments_of([r.loan_id for r in rows])
        return [_loan_from_row(r, by_loan[r.loan_id]) for r in rows]

    async def count(self) -> int:
        return int(await self._conn.scalar(select(func.count()).select_from(loans)) or 0)

    async def _installments_of(self, loan_ids: Sequence[str]) -> dict[str, list[Installment]]:
        by_loan: dict[str, list[Installment]] = defaultdict(list)
        if not loan_ids:
            return by_loan
        rows = await self._conn.execute(
            select(installments)
            .where(installments.c.loan_id.in_(list(loan_ids)))
            .order_by(
                installments.c.loan_id,
                installments.c.schedule_version,
                installments.c.sequence,
            )
        )
        for r in rows:
            by_loan[r.loan_id].append(
                Installment(
                    sequence=r.sequence,
                    schedule_version=r.schedule_version,
                    due_date=r.due_date,
                    principal_due_fen=r.principal_due_fen,
                    interest_due_fen=r.interest_due_fen,
                    penalty_due_fen=r.penalty_due_fen,
                    principal_paid_fen=r.principal_paid_fen,
                    interest_paid_fen=r.interest_paid_fen,
                    penalty_paid_fen=r.penalty_paid_fen,
                    penalty_waived_fen=r.penalty_waived_fen,
                    state=InstallmentState(r.state),
                    paid_on=r.paid_on,
                    days_past_due=r.days_past_due,
                    penalty_principal_days=r.penalty_principal_days,
                    penalty_accrued_through=r.penalty_accrued_through,
                    penalty_days_from=r.penalty_days_from,
                )
            )
        return by_loan


def _loan_from_row(row: Any, loan_installments: list[Installment]) -> Loan:
    return Loan(
        loan_id=row.loan_id,
        borrower_id=row.borrower_id,
        credit_line_id=row.credit_line_id,
        terms=LoanTerms(
            product_code=row.product_code,
            principal_fen=row.principal_fen,
            currency=row.currency,
            annual_rate=row.annual_rate,
            term_periods=row.term_periods,
            repayment_method=RepaymentMethod(row.repayment_method),
            disbursement_date=row.disbursement_date,
            due_day=row.due_day,
            grace_days=row.grace_days,
            penalty_annual_rate=row.penalty_annual_rate,
            prepayment_rule=PrepaymentRule(row.prepayment_rule),
        ),
        current_annual_rate=row.current_annual_rate,
        state=LoanState(row.state),
        version=row.version,
        schedule_version=row.schedule_version,
        registered_at=row.registered_at,
        status_as_of=row.status_as_of,
        days_past_due=row.days_past_due,
        bucket=row.bucket,
        classification=Classification(row.classification),
        installments=loan_installments,
        paid_off_date=row.paid_off_date,
        plan_id=row.plan_id,
        breach_days_past_due=row.breach_days_past_due,
        base_schedule_version=row.base_schedule_version,
        last_repayment_date=row.last_repayment_date,
        classification_floor=(
            Classification(row.classification_floor) if row.classification_floor else None
        ),
        classification_floor_plan_id=row.classification_floor_plan_id,
    )
