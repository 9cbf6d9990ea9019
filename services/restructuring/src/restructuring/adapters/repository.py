"""Repositories of plans, agreements and observation periods on a unit of work's connection.
Plans are saved under optimistic concurrency: an update matches the version read and bumps it,
and a lost race raises Aborted (the caller re-reads and retries)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import DateTime, and_, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from postloan_runtime.direct_sql import DirectStatement
from postloan_runtime.errors import Aborted, FailedPrecondition
from restructuring.adapters import codec
from restructuring.adapters.tables import (
    OPEN_OFFERS_SQL,
    agreements,
    observation_periods,
    plan_repayments,
    plans,
)
from restructuring.domain.observation import ObservationPeriod, ObservationState
from restructuring.domain.plans import IN_PROGRESS_STATES, AgreementInfo, Plan, PlanState
from restructuring.domain.rules import Reasons

# Every read and save by id, run on the driver connection (postloan_runtime.direct_sql); the
# document goes as JSON text and comes back decoded.
_GET_SQL = "SELECT version, document FROM plans WHERE plan_id = :plan_id"
_GET: Final = DirectStatement(_GET_SQL)
_GET_FOR_UPDATE: Final = DirectStatement(_GET_SQL + " FOR UPDATE")
_SAVE: Final = DirectStatement(
    "UPDATE plans SET state = :state, version = :next_version,"
    " next_attempt_at = :next_attempt_at, document = :document"
    " WHERE plan_id = :plan_id AND version = :version"
)


def _plan_from_row(row: object) -> Plan:
    plan: Plan = codec.from_json(Plan, row.document)  # type: ignore[attr-defined]
    plan.version = row.version  # type: ignore[attr-defined]
    return plan


@dataclass(frozen=True)
class PlanFilter:
    loan_id: str | None = None
    borrower_id: str | None = None
    states: tuple[PlanState, ...] = ()


class PlanRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, plan: Plan) -> None:
        """Insert a new plan; PLAN_IN_PROGRESS when the loan already has one not ended
        (the partial unique index decides under concurrency)."""
        plan.version = 1
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    insert(plans).values(
                        plan_id=plan.plan_id,
                        loan_id=plan.loan_id,
                        borrower_id=plan.borrower_id,
                        state=plan.state.value,
                        requested_by=plan.requested_by,
                        requested_at=plan.requested_at,
                        version=plan.version,
                        next_attempt_at=None,
                        document=codec.to_json(plan),
                    )
                )
        except IntegrityError:
            raise FailedPrecondition(
                Reasons.PLAN_IN_PROGRESS, "the loan has a plan not yet ended",
                {"loan_id": plan.loan_id},
            ) from None

    async def get(self, plan_id: str, *, for_update: bool = False) -> Plan | None:
        query = _GET_FOR_UPDATE if for_update else _GET
        row = await query.fetchrow(self._conn, {"plan_id": plan_id})
        return _plan_from_row(row) if row else None

    async def save(self, plan: Plan, *, next_attempt_at: dt.datetime | None = None) -> None:
        """Write the plan back if nobody changed it since it was read."""
        if not await self.save_if_unchanged(plan, next_attempt_at=next_attempt_at):
            raise Aborted(metadata={"plan_id": plan.plan_id})

    async def save_if_unchanged(
        self, plan: Plan, *, next_attempt_at: dt.datetime | None = None
    ) -> bool:
        """Write the plan back if its row still has the version read (waiting, like a locked
        read, for a transaction that holds the row); False, and nothing written, otherwise."""
        status = await _SAVE.execute(
            self._conn,
            {
                "plan_id": plan.plan_id,
                "version": plan.version,
                "state": plan.state.value,
                "next_version": plan.version + 1,
                "next_attempt_at": next_attempt_at,
                "document": json.dumps(codec.to_json(plan)),
            },
        )
        if status != "UPDATE 1":
            return False
        plan.version += 1
        return True

    async def has_plan_in_progress(self, loan_id: str) -> bool:
        found = await self._conn.scalar(
            select(func.count()).select_from(plans).where(
                plans.c.loan_id == loan_id,
                plans.c.state.in_([s.value for s in IN_PROGRESS_STATES]),
            )
        )
        return bool(found)

    async def has_plan_in_states(self, loan_id: str, states: Sequence[PlanState]) -> bool:
        found = await self._conn.scalar(
            select(func.count()).select_from(plans).where(
                plans.c.loan_id == loan_id, plans.c.state.in_([s.value for s in states]),
            )
        )
        return bool(found)

    async def active_plan_for_loan(self, loan_id: str) -> Plan | None:
        row = (
            await self._conn.execute(
                select(plans.c.version, plans.c.document)
                .where(plans.c.loan_id == loan_id, plans.c.state.in_(
                    [PlanState.ACTIVE.value, PlanState.ACTIVATING.value]))
                .with_for_update()
            )
        ).first()
        return _plan_from_row(row) if row else None

    async def list_page(
        self, where: PlanFilter, *, after: tuple[dt.datetime, str] | None, limit: int
    ) -> list[Plan]:
        """Newest first, keyset by (requested_at, plan_id)."""
        query = select(plans.c.version, plans.c.document)
        if where.loan_id:
            query = query.where(plans.c.loan_id == where.loan_id)
        if where.borrower_id:
            query = query.where(plans.c.borrower_id == where.borrower_id)
        if where.states:
            query = query.where(plans.c.state.in_([s.value for s in where.states]))
        if after is not None:
            at, plan_id = after
            query = query.where(
                or_(plans.c.requested_at < at,
                    and_(plans.c.requested_at == at, plans.c.plan_id < plan_id))
            )
        query = query.order_by(plans.c.requested_at.desc(), plans.c.plan_id.desc()).limit(limit)
        return [_plan_from_row(r) for r in await self._conn.execute(query)]

    async def due_for_activation(self, now: dt.datetime, limit: int) -> list[str]:
        rows = await self._conn.execute(
            select(plans.c.plan_id)
            .where(plans.c.next_attempt_at.is_not(None), plans.c.next_attempt_at <= now,
                   plans.c.state == PlanState.ACTIVATING.value)
            .order_by(plans.c.next_attempt_at)
            .limit(limit)
        )
        return [r.plan_id for r in rows]

    async def offers_to_expire(
        self, now: dt.datetime, limit: int, unquoted_request_max_age: dt.timedelta
    ) -> list[Plan]:
        """Plans not yet signed whose deadline has passed, oldest first: only those, so plans
        still running, however many, never hold back the ones due (Plan.expiry_reason in SQL;
        the caller checks again under lock)."""
        document = plans.c.document
        quote_expires = document["quote"]["expires_at"].astext.cast(DateTime(timezone=True))
        sign_by = document["agreement"]["sign_by"].astext.cast(DateTime(timezone=True))
        state = plans.c.state
        rows = await self._conn.execute(
            select(plans.c.version, plans.c.document)
            # The partial index's predicate as literal SQL (not bound values), so the planner
            # can use the index in a generic plan too.
            .where(text(OPEN_OFFERS_SQL))
            .where(or_(
                quote_expires <= now,
                and_(state == PlanState.APPROVED.value, sign_by <= now),
                and_(state == PlanState.REQUESTED.value, document["quote"].astext.is_(None),
                     plans.c.requested_at <= now - unquoted_request_max_age),
            ))
            .order_by(plans.c.requested_at, plans.c.plan_id)
            .limit(limit)
        )
        return [_plan_from_row(r) for r in rows]


class AgreementRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, info: AgreementInfo, plan_id: str, content: bytes) -> None:
        await self._conn.execute(
            pg_insert(agreements).values(
                agreement_id=info.agreement_id,
                plan_id=plan_id,
                quote_id=info.quote_id,
                template_version=info.template_version,
                media_type=info.media_type,
                document_sha256=info.document_sha256,
                size_bytes=info.size_bytes,
                content=content,
                generated_at=info.generated_at,
                sign_by=info.sign_by,
            )
        )

    async def get(self, agreement_id: str) -> tuple[str, AgreementInfo, bytes] | None:
        row = (
            await self._conn.execute(select(agreements).where(
                agreements.c.agreement_id == agreement_id))
        ).first()
        if row is None:
            return None
        info = AgreementInfo(
            agreement_id=row.agreement_id,
            quote_id=row.quote_id,
            template_version=row.template_version,
            media_type=row.media_type,
            document_sha256=row.document_sha256,
            size_bytes=row.size_bytes,
            generated_at=row.generated_at,
            sign_by=row.sign_by,
        )
        return row.plan_id, info, bytes(row.content)


def _period_from_row(row: object) -> ObservationPeriod:
    r = row
    return ObservationPeriod(
        loan_id=r.loan_id,  # type: ignore[attr-defined]
        borrower_id=r.borrower_id,  # type: ignore[attr-defined]
        plan_id=r.plan_id,  # type: ignore[attr-defined]
        floor=r.floor,  # type: ignore[attr-defined]
        started_on=r.started_on,  # type: ignore[attr-defined]
        earliest_end_on=r.earliest_end_on,  # type: ignore[attr-defined]
        required_consecutive_periods=r.required_consecutive_periods,  # type: ignore[attr-defined]
        consecutive_on_time_periods=r.consecutive_on_time_periods,  # type: ignore[attr-defined]
        state=ObservationState(r.state),  # type: ignore[attr-defined]
        ended_on=r.ended_on,  # type: ignore[attr-defined]
    )


class ObservationRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def upsert(self, period: ObservationPeriod) -> None:
        values = {
            "plan_id": period.plan_id,
            "loan_id": period.loan_id,
            "borrower_id": period.borrower_id,
            "floor": period.floor,
            "started_on": period.started_on,
            "earliest_end_on": period.earliest_end_on,
            "required_consecutive_periods": period.required_consecutive_periods,
            "consecutive_on_time_periods": period.consecutive_on_time_periods,
            "state": period.state.value,
            "ended_on": period.ended_on,
        }
        statement = pg_insert(observation_periods).values(**values)
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=["plan_id"],
                set_={k: statement.excluded[k] for k in values if k != "plan_id"},
            )
        )

    async def latest_for_loan(self, loan_id: str, *, for_update: bool = False) -> (
        ObservationPeriod | None
    ):
        query = (
            select(observation_periods)
            .where(observation_periods.c.loan_id == loan_id)
            .order_by(observation_periods.c.started_on.desc(), observation_periods.c.plan_id)
            .limit(1)
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _period_from_row(row) if row else None

    async def list_page(
        self, states: Sequence[ObservationState], *, after: tuple[dt.date, str] | None,
        limit: int,
    ) -> list[ObservationPeriod]:
        """Oldest start first, keyset by (started_on, plan_id)."""
        query = select(observation_periods)
        if states:
            query = query.where(observation_periods.c.state.in_([s.value for s in states]))
        if after is not None:
            on, plan_id = after
            query = query.where(
                or_(observation_periods.c.started_on > on,
                    and_(observation_periods.c.started_on == on,
                         observation_periods.c.plan_id > plan_id))
            )
        query = query.order_by(
            observation_periods.c.started_on, observation_periods.c.plan_id
        ).limit(limit)
        return [_period_from_row(r) for r in await self._conn.execute(query)]

    async def record_repayment(
        self, repayment_id: str, loan_id: str, value_date: dt.date, amount_fen: int
    ) -> None:
        await self._conn.execute(
            pg_insert(plan_repayments)
            .values(repayment_id=repayment_id, loan_id=loan_id, value_date=value_date,
                    amount_fen=amount_fen, reversed=False)
            .on_conflict_do_nothing(index_elements=["repayment_id"])
        )

    async def reverse_repayment(self, repayment_id: str) -> None:
        await self._conn.execute(
            update(plan_repayments)
            .where(plan_repayments.c.repayment_id == repayment_id)
            .values(reversed=True)
        )

    async def repayments(self, loan_id: str, since: dt.date) -> list[tuple[dt.date, int]]:
        rows = await self._conn.execute(
            select(plan_repayments.c.value_date, plan_repayments.c.amount_fen).where(
                plan_repayments.c.loan_id == loan_id,
                plan_repayments.c.reversed.is_(False),
                plan_repayments.c.value_date >= since,
            )
        )
        return [(r.value_date, r.amount_fen) for r in rows]
