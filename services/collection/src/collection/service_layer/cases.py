"""Case use cases: the lifecycle driven by monitoring's and restructuring's events (open, add
loans, retier, close, pause, reopen and escalate), the PauseCase / ResumeCase / EscalateCase
RPCs, and the reads.

Every change runs on one connection inside the caller's transaction (the consumer's per-event
transaction or an RPC's unit of work) under the borrower's advisory lock, appends to the case
history and queues collection's own events, which the caller writes to the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from google.protobuf.message import Message
from sqlalchemy import and_, case, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from collection.adapters import case_protobuf as convert
from collection.adapters import case_repository as repo
from collection.adapters.case_repository import HistoryEntry
from collection.adapters.case_tables import (
    case_assignments,
    case_events,
    case_loans,
    cases,
    loan_pauses,
    promises_to_pay,
    strategy_versions,
)
from collection.domain.cases import (
    CURRENT_BUCKET,
    CaseEventKind,
    CaseState,
    CloseReason,
    PromiseState,
    Reasons,
    case_id_for,
)
from collection.domain.strategies import Arm, Tier, choose_arm, next_tier
from postloan.collection.v1 import collection_pb2
from postloan.collection.v1 import events_pb2 as ev
from postloan.collection.v1 import resources_pb2 as pb
from postloan_runtime.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from postloan_runtime.events.outbox import DomainEventRecord, append_events
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto
from postloan_runtime.unit_of_work import UnitOfWork

SYSTEM_ACTOR = "system"

TIER_CAUSE = {
    "DELINQUENCY": ev.TIER_CHANGE_CAUSE_DELINQUENCY,
    "PROMISE_BROKEN": ev.TIER_CHANGE_CAUSE_PROMISE_BROKEN,
    "PLAN_BROKEN": ev.TIER_CHANGE_CAUSE_PLAN_BROKEN,
    "MANUAL": ev.TIER_CHANGE_CAUSE_MANUAL,
}


@dataclass
class Change:
    """What one transaction changes: where, when, who, and collection's events to emit."""

    conn: AsyncConnection
    now: dt.datetime
    business_date: dt.date
    actor: str = SYSTEM_ACTOR
    events: list[DomainEventRecord] = field(default_factory=list)

    def emit(self, payload: Message, ordering_key: str) -> None:
        self.events.append(DomainEventRecord(payload=payload, ordering_key=ordering_key))

    async def history(self, case_id: uuid.UUID, *entries: HistoryEntry) -> None:
        await repo.append_history(self.conn, case_id, entries, self.now)

    def entry(self, kind: CaseEventKind, **values: Any) -> HistoryEntry:
        return HistoryEntry(kind=kind, business_date=self.business_date, actor=self.actor, **values)

    async def flush(self) -> None:
        """Write the queued events to the outbox (event handlers; RPCs use the unit of work)."""
        await append_events(self.conn, self.events)
        self.events.clear()


@dataclass(frozen=True)
class LoanFigures:
    """A delinquent loan as monitoring reported it (fen, days)."""

    loan_id: str
    bucket: str
    days_past_due: int
    overdue_fen: int
    outstanding_principal_fen: int
    currency: str = "CNY"


# --- shared steps -------------------------------------------------------------------------


async def release_agent(change: Change, case_row: Any, reason: str) -> None:
    """End the in-house assignment of a case (tier changed, closed, paused)."""
    if case_row.agent_id is None:
        return
    await change.conn.execute(
        update(case_assignments)
        .where(
            case_assignments.c.case_id == case_row.case_id,
            case_assignments.c.agent_id.is_not(None),
            case_assignments.c.ended_at.is_(None),
        )
        .values(ended_at=change.now, end_reason=reason)
    )
    await repo.bump_version(change.conn, case_row.case_id, change.now, agent_id=None)
    await change.history(
        case_row.case_id,
        change.entry(CaseEventKind.REASSIGNED, agent_id=case_row.agent_id, reason=reason),
    )


async def retier_and_record(change: Change, case_id: uuid.UUID, cause: str) -> Any:
    """Retier one live case; on a tier change record it, emit CaseTierChanged and release the
    agent (a borrower keeps the agent only while the tier does not change)."""
    rows = await repo.retier(change.conn, [case_id])
    for row in rows:
        if row.old_tier != row.tier:
            await tier_changed(change, row, row.old_tier, row.tier, cause)
    return await repo.get_case(change.conn, case_id)


async def tier_changed(change: Change, row: Any, from_tier: str, to_tier: str, cause: str) -> None:
    await change.history(
        row.case_id,
        change.entry(
            CaseEventKind.TIER_CHANGED, from_tier=from_tier, to_tier=to_tier, reason=cause
        ),
    )
    change.emit(
        ev.CaseTierChanged(
            case_id=str(row.case_id),
            borrower_id=row.borrower_id,
            business_date=date_to_proto(change.business_date),
            from_tier=convert.TIER_TO_PROTO[from_tier],
            to_tier=convert.TIER_TO_PROTO[to_tier],
            cause=TIER_CAUSE[cause],
            days_past_due=row.days_past_due,
        ),
        str(row.case_id),
    )
    current = await repo.get_case(change.conn, row.case_id)
    await release_agent(change, current, f"TIER_CHANGED:{to_tier}")


async def _active_pause(conn: AsyncConnection, loan_id: str) -> Any | None:
    return (
        await conn.execute(
            select(loan_pauses).where(
                loan_pauses.c.loan_id == loan_id, loan_pauses.c.lifted_at.is_(None)
            )
        )
    ).first()


async def _upsert_loan(
    change: Change, case_id: uuid.UUID, loan: LoanFigures, *, count_arrears: bool = True
) -> bool:
    """Put the loan's figures into the case; True when the loan joined the case now (new to
    it, or back after it had left). A joining loan's overdue amount is added to the case's
    overdue at opening (the recovery rate's denominator), unless ``count_arrears`` is False
    (the opening loan, already counted by the insert of the case)."""
    values = {
        "bucket": loan.bucket,
        "days_past_due": loan.days_past_due,
        "overdue_fen": loan.overdue_fen,
        "outstanding_principal_fen": loan.outstanding_principal_fen,
    }
    # Annotated: mypy cannot infer the row type of this upsert's RETURNING.
    result: CursorResult[Any] = await change.conn.execute(
        insert(case_loans)
        .values(case_id=case_id, loan_id=loan.loan_id, joined_on=change.business_date, **values)
        .on_conflict_do_update(
            index_elements=[case_loans.c.case_id, case_loans.c.loan_id],
            # A loan back in the case starts a new stay: payments count toward the case only
            # from the day the loan is in it (see promises.on_repayment).
            set_={
                **values,
                "joined_on": case(
                    (case_loans.c.left_on.is_not(None), change.business_date),
                    else_=case_loans.c.joined_on,
                ),
                "left_on": None,
                "left_reason": None,
            },
        )
        .returning(
            literal_column("xmax = 0").label("inserted"),
            # the row as it was before this statement: was the loan out of the case?
            select(case_loans.c.left_on.is_not(None))
            .where(case_loans.c.case_id == case_id, case_loans.c.loan_id == loan.loan_id)
            .scalar_subquery()
            .label("was_out"),
        )
    )
    row = result.first()
    joined = bool(row and (row.inserted or row.was_out))
    if joined and count_arrears and loan.overdue_fen:
        await repo.bump_version(
            change.conn, case_id, change.now,
            overdue_at_opening_fen=cases.c.overdue_at_opening_fen + loan.overdue_fen,
        )
    return joined


async def _choose_strategy(conn: AsyncConnection, case_id: uuid.UUID) -> tuple[Any, Arm]:
    rows = (
        await conn.execute(
            select(strategy_versions).where(
                strategy_versions.c.champion | strategy_versions.c.challenger
            )
        )
    ).all()
    champion = next((r for r in rows if r.champion), None)
    challenger = next((r for r in rows if r.challenger), None)
    if champion is None:
        # Only reachable if the champion was removed by hand (migrations seed the default one,
        # activation swaps it in one transaction). Raising keeps the event: the consumer
        # retries it and catches up once a champion is activated; skipping would lose the case.
        raise RuntimeError(
            "no champion strategy: activate one (StrategyService.ActivateStrategyVersion)"
            " before cases can open; until then this event is retried and the events behind"
            " it on its feed wait"
        )
    share = Decimal(challenger.challenger_share) if challenger is not None else None
    arm = choose_arm(case_id, share)
    return (challenger if arm is Arm.CHALLENGER else champion), arm


async def open_case(
    change: Change, *, borrower_id: str, loan: LoanFigures, opening_event_id: str, reason: str
) -> Any:
    """A new case for the borrower with this loan, under the champion or (by the case id's
    draw) the challenger strategy; starts PAUSED when the loan's pause was recorded before."""
    case_id = case_id_for(opening_event_id, borrower_id)
    strategy, arm = await _choose_strategy(change.conn, case_id)
    await change.conn.execute(
        cases.insert().values(
            case_id=case_id,
            borrower_id=borrower_id,
            state=CaseState.OPEN.value,
            tier=Tier.EARLY.value,
            treatments=[],
            risk_segment="",
            strategy_version_id=strategy.strategy_version_id,
            strategy_arm=arm.value,
            escalation_count=0,
            days_past_due=loan.days_past_due,
            overdue_fen=loan.overdue_fen,
            overdue_at_opening_fen=loan.overdue_fen,
            recovered_fen=0,
            currency=loan.currency,
            opened_on=change.business_date,
            version=1,
            opened_at=change.now,
            updated_at=change.now,
        )
    )
    await _upsert_loan(change, case_id, loan, count_arrears=False)
    await repo.refresh_aggregates(change.conn, case_id, change.now)
    await repo.retier(change.conn, [case_id])
    row = await repo.get_case(change.conn, case_id)
    await change.history(
        case_id,
        change.entry(
            CaseEventKind.OPENED, to_tier=row.tier, loan_id=loan.loan_id, reason=reason
        ),
    )
    change.emit(
        ev.CaseOpened(
            case_id=str(case_id),
            borrower_id=borrower_id,
            loan_ids=[loan.loan_id],
            business_date=date_to_proto(change.business_date),
            tier=convert.TIER_TO_PROTO[row.tier],
            risk_segment=row.risk_segment,
            strategy_version_id=str(row.strategy_version_id),
            strategy_arm=convert.ARM_TO_PROTO[row.strategy_arm],
            days_past_due=row.days_past_due,
            overdue_amount=fen_to_proto(row.overdue_fen, row.currency),
        ),
        str(case_id),
    )
    if row.state == CaseState.PAUSED.value:
        pause = await _active_pause(change.conn, loan.loan_id)
        if pause is None:  # a case opens PAUSED only because its loan has an active pause
            raise AssertionError("case opened paused without an active pause on its loan")
        await change.history(
            case_id,
            change.entry(CaseEventKind.PAUSED, loan_id=loan.loan_id, plan_id=pause.plan_id),
        )
    return row


async def _cancel_promises(change: Change, case_id: uuid.UUID, loan_id: str | None) -> None:
    """Cancel open promises of a case (only those on ``loan_id`` when given)."""
    condition = and_(promises_to_pay.c.case_id == case_id, promises_to_pay.c.state == "OPEN")
    if loan_id is not None:
        condition = and_(condition, promises_to_pay.c.loan_id == loan_id)
    cancelled = (
        await change.conn.execute(
            update(promises_to_pay)
            .where(condition)
            .values(state=PromiseState.CANCELLED.value, resolved_on=change.business_date)
            .returning(promises_to_pay.c.promise_id)
        )
    ).all()
    for row in cancelled:
        await change.history(
            case_id, change.entry(CaseEventKind.PROMISE, reason=f"CANCELLED:{row.promise_id}")
        )


async def close_case(change: Change, case_row: Any, reason: CloseReason) -> None:
    await _cancel_promises(change, case_row.case_id, None)
    await release_agent(change, case_row, f"CLOSED:{reason.value}")
    await change.conn.execute(
        update(case_assignments)
        .where(
            case_assignments.c.case_id == case_row.case_id,
            case_assignments.c.ended_at.is_(None),
        )
        .values(ended_at=change.now, end_reason=f"CLOSED:{reason.value}")
    )
    row = await repo.bump_version(
        change.conn,
        case_row.case_id,
        change.now,
        state=CaseState.CLOSED.value,
        closed_on=change.business_date,
        close_reason=reason.value,
        agency_id=None,
    )
    await change.history(case_row.case_id, change.entry(CaseEventKind.CLOSED, reason=reason.value))
    change.emit(
        ev.CaseClosed(
            case_id=str(row.case_id),
            borrower_id=row.borrower_id,
            business_date=date_to_proto(change.business_date),
            reason=convert.CLOSE_REASON_TO_PROTO[reason.value],
            recovered_amount=fen_to_proto(row.recovered_fen, row.currency),
        ),
        str(row.case_id),
    )


async def remove_loan(change: Change, loan_id: str, reason: CloseReason) -> Any | None:
    """The loan leaves its live case; the case closes when no loan is left."""
    case_row = await repo.live_case_of_loan(change.conn, loan_id)
    if case_row is None:
        return None
    await change.conn.execute(
        update(case_loans)
        .where(case_loans.c.case_id == case_row.case_id, case_loans.c.loan_id == loan_id)
        .values(left_on=change.business_date, left_reason=reason.value)
    )
    await _cancel_promises(change, case_row.case_id, loan_id)
    await change.history(
        case_row.case_id,
        change.entry(CaseEventKind.LOAN_REMOVED, loan_id=loan_id, reason=reason.value),
    )
    remaining = await change.conn.scalar(
        select(func.count()).where(
            case_loans.c.case_id == case_row.case_id, case_loans.c.left_on.is_(None)
        )
    )
    if not remaining:
        await close_case(change, case_row, reason)
        return await repo.get_case(change.conn, case_row.case_id)
    before = case_row.state
    row = await repo.refresh_aggregates(change.conn, case_row.case_id, change.now)
    await _state_moved(change, row, before, plan_id=None, reason=reason.value)
    return await retier_and_record(change, case_row.case_id, "DELINQUENCY")


async def _state_moved(
    change: Change, row: Any, before: str, *, plan_id: str | None, reason: str
) -> None:
    """History and events when a live case moved between OPEN and PAUSED."""
    if row is None or row.state == before:
        return
    if row.state == CaseState.PAUSED.value:
        await release_agent(change, row, "PAUSED")
        await _cancel_promises(change, row.case_id, None)
        await change.history(
            row.case_id, change.entry(CaseEventKind.PAUSED, plan_id=plan_id, reason=reason)
        )
    else:
        await change.history(
            row.case_id, change.entry(CaseEventKind.RESUMED, plan_id=plan_id, reason=reason)
        )
        change.emit(
            ev.CaseReopened(
                case_id=str(row.case_id),
                borrower_id=row.borrower_id,
                business_date=date_to_proto(change.business_date),
                plan_id=plan_id or "",
                tier=convert.TIER_TO_PROTO[row.tier],
                reason=reason,
            ),
            str(row.case_id),
        )


async def escalate(change: Change, case_id: uuid.UUID, cause: str, reason: str) -> Any:
    """One tier up (and the floor with it); at the highest tier only the count grows."""
    row = await repo.get_case(change.conn, case_id, lock=True)
    target = next_tier(Tier(row.tier))
    values: dict[str, Any] = {"escalation_count": row.escalation_count + 1}
    if target is not None:
        values["escalation_floor"] = target.value
    await repo.bump_version(change.conn, case_id, change.now, **values)
    await change.history(
        case_id,
        change.entry(
            CaseEventKind.ESCALATED,
            from_tier=row.tier,
            to_tier=(target or Tier(row.tier)).value,
            reason=reason,
        ),
    )
    return await retier_and_record(change, case_id, cause)


ESCALATION_UNDONE = "ESCALATION_UNDONE"


async def undo_escalation(change: Change, case_id: uuid.UUID, promise_id: uuid.UUID) -> bool:
    """Take back the escalation a broken promise made (``PROMISE_BROKEN:<id>``), now that the
    promise turned out kept: only while the case is live and that escalation is still its
    latest in effect (a later one, manual or another break, built its floor on it: the case
    then keeps its tier). The floor returns to what the escalations before it left, the count
    drops by one, and the case is retiered. False when left in place."""
    conn = change.conn
    row = await repo.get_case(conn, case_id, lock=True)
    if row is None or row.state == CaseState.CLOSED.value:
        return False
    history = (
        await conn.execute(
            select(case_events.c.kind, case_events.c.from_tier, case_events.c.to_tier,
                   case_events.c.reason)
            .where(case_events.c.case_id == case_id,
                   case_events.c.kind.in_([CaseEventKind.ESCALATED.value,
                                           CaseEventKind.PROMISE.value]))
            .order_by(case_events.c.sequence.desc())
        )
    ).all()
    undone = {
        "PROMISE_BROKEN:" + h.reason.removeprefix(f"{ESCALATION_UNDONE}:") for h in history
        if h.kind == CaseEventKind.PROMISE.value
        and (h.reason or "").startswith(f"{ESCALATION_UNDONE}:")
    }
    in_effect = [
        h for h in history if h.kind == CaseEventKind.ESCALATED.value and h.reason not in undone
    ]
    if not in_effect or in_effect[0].reason != f"PROMISE_BROKEN:{promise_id}":
        return False
    latest = in_effect[0]
    values: dict[str, Any] = {"escalation_count": max(0, row.escalation_count - 1)}
    if latest.from_tier != latest.to_tier:
        # It raised the floor (at the highest tier an escalation only counts): the floor goes
        # back to the last earlier escalation in effect that raised it, or none.
        values["escalation_floor"] = next(
            (h.to_tier for h in in_effect[1:] if h.from_tier != h.to_tier), None
        )
    await repo.bump_version(conn, case_id, change.now, **values)
    await change.history(
        case_id,
        change.entry(CaseEventKind.PROMISE, from_tier=row.escalation_floor,
                     to_tier=values.get("escalation_floor", row.escalation_floor),
                     reason=f"{ESCALATION_UNDONE}:{promise_id}"),
    )
    # The tier falls back to what delinquency (and any remaining floor) gives.
    await retier_and_record(change, case_id, "DELINQUENCY")
    return True


# --- event effects ------------------------------------------------------------------------


async def on_delinquency(
    change: Change, *, borrower_id: str, loan: LoanFigures, event_id: str
) -> Any | None:
    """A loan moved to a delinquent bucket: update its case, add it to the borrower's live
    case, or open a case (a move back to the current bucket comes as LoanCured instead)."""
    conn = change.conn
    await repo.lock_borrower(conn, borrower_id)
    row = await repo.live_case_of_loan(conn, loan.loan_id)
    if row is not None:
        await _upsert_loan(change, row.case_id, loan)
        refreshed = await repo.refresh_aggregates(conn, row.case_id, change.now)
        await _state_moved(change, refreshed, row.state, plan_id=None, reason="DELINQUENCY")
        return await retier_and_record(change, row.case_id, "DELINQUENCY")
    row = await repo.live_case_of_borrower(conn, borrower_id)
    if row is not None:
        await _upsert_loan(change, row.case_id, loan)
        await change.history(
            row.case_id, change.entry(CaseEventKind.LOAN_ADDED, loan_id=loan.loan_id)
        )
        refreshed = await repo.refresh_aggregates(conn, row.case_id, change.now)
        await _state_moved(change, refreshed, row.state, plan_id=None, reason="LOAN_ADDED")
        return await retier_and_record(change, row.case_id, "DELINQUENCY")
    return await open_case(
        change, borrower_id=borrower_id, loan=loan, opening_event_id=event_id,
        reason="DELINQUENCY",
    )


async def on_loan_left(
    change: Change, *, borrower_id: str, loan_id: str, reason: CloseReason,
    plan_id: str | None = None,
) -> Any | None:
    """Cured, paid off, or its plan completed: the loan leaves its case (closing it when it
    was the last); a plan's pause on the loan ends with it."""
    await repo.lock_borrower(change.conn, borrower_id)
    if plan_id:
        await change.conn.execute(
            update(loan_pauses)
            .where(loan_pauses.c.loan_id == loan_id, loan_pauses.c.lifted_at.is_(None))
            .values(lifted_at=change.now, lift_reason=reason.value)
        )
    return await remove_loan(change, loan_id, reason)


async def on_cured_under_plan(
    change: Change, *, borrower_id: str, loan_id: str, plan_id: str | None,
    schedule_replaced: bool, bucket: str = CURRENT_BUCKET, days_past_due: int = 0,
) -> bool:
    """A cure that a restructuring plan brought (monitoring's LoanCured with the plan's id, or
    caused by the schedule replacement; ``bucket`` and ``days_past_due`` are where it landed)
    does not close the case: collection
    stays paused until the plan completes (PlanCompleted / LoanPaidOff) or breaks (PlanBroken).
    The loan's figures in its live case are refreshed and the case stays live, to be paused by
    PauseCase whichever of the event and the RPC comes first.

    False (nothing done) when the cure is an ordinary one: no plan, or the plan's pause on the
    loan was already lifted (the plan broke or was cancelled, so a later cure closes as usual).
    """
    if not plan_id and not schedule_replaced:
        return False
    conn = change.conn
    await repo.lock_borrower(conn, borrower_id)
    if plan_id and not schedule_replaced and await _pause_lifted(conn, loan_id, plan_id):
        return False
    row = await repo.live_case_of_loan(conn, loan_id)
    if row is None:
        return True
    await conn.execute(
        update(case_loans)
        .where(case_loans.c.case_id == row.case_id, case_loans.c.loan_id == loan_id)
        .values(bucket=bucket, days_past_due=days_past_due, overdue_fen=0)
    )
    refreshed = await repo.refresh_aggregates(conn, row.case_id, change.now)
    await _state_moved(change, refreshed, row.state, plan_id=plan_id, reason="CURED_UNDER_PLAN")
    return True


async def _pause_lifted(conn: AsyncConnection, loan_id: str, plan_id: str) -> bool:
    """Whether the plan's pause on the loan was recorded and has been lifted."""
    lifted = await conn.execute(
        select(loan_pauses.c.plan_id).where(
            loan_pauses.c.loan_id == loan_id,
            loan_pauses.c.plan_id == plan_id,
            loan_pauses.c.lifted_at.is_not(None),
        )
    )
    return lifted.first() is not None


async def _plan_break_is_stale(conn: AsyncConnection, loan_id: str, plan_id: str) -> bool:
    if await _pause_lifted(conn, loan_id, plan_id):
        return True
    left_reason = await conn.scalar(
        select(case_loans.c.left_reason)
        .join(cases, cases.c.case_id == case_loans.c.case_id)
        .where(case_loans.c.loan_id == loan_id)
        .order_by(cases.c.opened_at.desc())
        .limit(1)
    )
    return left_reason in (CloseReason.PAID_OFF.value, CloseReason.PLAN_COMPLETED.value)


async def on_plan_broken(
    change: Change, *, borrower_id: str, loan: LoanFigures, plan_id: str, event_id: str
) -> Any:
    """The plan's pause ends; the loan's case is reopened (or opened) and escalated.

    Ignored (None) when the plan's pause on the loan already ended (a payoff, the plan's
    completion, a ResumeCase or this event before) or the loan left its case paid off or with
    the plan completed: restructuring's feed can lag monitoring's, and a break reported after
    the payoff must not reopen a case with nothing left to collect."""
    conn = change.conn
    await repo.lock_borrower(conn, borrower_id)
    if await _plan_break_is_stale(conn, loan.loan_id, plan_id):
        return None
    await conn.execute(
        update(loan_pauses)
        .where(
            loan_pauses.c.loan_id == loan.loan_id,
            loan_pauses.c.plan_id == plan_id,
            loan_pauses.c.lifted_at.is_(None),
        )
        .values(lifted_at=change.now, lift_reason="PLAN_BROKEN")
    )
    row = await repo.live_case_of_loan(conn, loan.loan_id)
    if row is None:
        row = await repo.live_case_of_borrower(conn, borrower_id)
    if row is None:
        closed = await repo.latest_case_of_loan(conn, loan.loan_id)
        if closed is not None and closed.state == CaseState.CLOSED.value:
            await repo.bump_version(
                conn, closed.case_id, change.now, state=CaseState.OPEN.value,
                closed_on=None, close_reason=None,
            )
            row = closed
    if row is None:
        row = await open_case(
            change, borrower_id=borrower_id, loan=loan, opening_event_id=event_id,
            reason="PLAN_BROKEN",
        )
        before = CaseState.PAUSED.value  # a reopening, as far as the plan is concerned
    else:
        before = row.state
    await _upsert_loan(change, row.case_id, loan)
    refreshed = await repo.refresh_aggregates(conn, row.case_id, change.now)
    await change.history(
        row.case_id,
        change.entry(CaseEventKind.REOPENED, loan_id=loan.loan_id, plan_id=plan_id,
                     reason="PLAN_BROKEN"),
    )
    escalated = await escalate(change, row.case_id, "PLAN_BROKEN", f"PLAN_BROKEN:{plan_id}")
    if refreshed is not None and refreshed.state == CaseState.OPEN.value:
        change.emit(
            ev.CaseReopened(
                case_id=str(row.case_id),
                borrower_id=borrower_id,
                business_date=date_to_proto(change.business_date),
                plan_id=plan_id,
                tier=convert.TIER_TO_PROTO[escalated.tier],
                reason="PLAN_BROKEN" if before != CaseState.OPEN.value else "PLAN_BROKEN_OPEN",
            ),
            str(row.case_id),
        )
    return escalated


# --- RPC use cases ------------------------------------------------------------------------

PAUSE_METHOD = "/postloan.collection.v1.CaseService/PauseCase"
RESUME_METHOD = "/postloan.collection.v1.CaseService/ResumeCase"
ESCALATE_METHOD = "/postloan.collection.v1.CaseService/EscalateCase"


@dataclass(frozen=True)
class PauseCommand:
    request_id: str
    loan_id: str
    plan_id: str
    borrower_id: str
    effective_date: dt.date


async def case_message(conn: AsyncConnection, case_id: uuid.UUID) -> pb.Case:
    found = await repo.view(conn, case_id)
    assert found is not None  # noqa: S101 - callers pass ids they just read
    return convert.case_to_proto(found.row, found.loans)


async def _check_borrower_of_loan(conn: AsyncConnection, loan_id: str, borrower_id: str) -> None:
    """Refuse a borrower other than the one collection knows the loan by (from its cases or an
    earlier pause): the pause would be recorded and reported under the wrong borrower."""
    known = await conn.scalar(
        select(cases.c.borrower_id)
        .join(case_loans, case_loans.c.case_id == cases.c.case_id)
        .where(case_loans.c.loan_id == loan_id)
        .order_by(cases.c.opened_at.desc())
        .limit(1)
    )
    if known is None:
        known = await conn.scalar(
            select(loan_pauses.c.borrower_id)
            .where(loan_pauses.c.loan_id == loan_id)
            .order_by(loan_pauses.c.paused_at.desc())
            .limit(1)
        )
    if known is not None and known != borrower_id:
        raise InvalidArgument(
            [FieldViolation("borrower_id", "is not the borrower of the loan")],
            metadata={"loan_id": loan_id},
        )


async def pause(
    engine: AsyncEngine, command: PauseCommand, request: Message, *, now: dt.datetime,
    today: dt.date, actor: str,
) -> collection_pb2.PauseCaseResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        change = Change(conn, now, today, actor)

        async def effect() -> collection_pb2.PauseCaseResponse:
            await repo.lock_borrower(conn, command.borrower_id)
            await _check_borrower_of_loan(conn, command.loan_id, command.borrower_id)
            live = await _active_pause(conn, command.loan_id)
            case_row = await repo.live_case_of_loan(conn, command.loan_id)
            if live is not None and live.plan_id != command.plan_id:
                raise FailedPrecondition(
                    Reasons.PLAN_ID_CONFLICT,
                    "the loan is already paused by another restructuring plan",
                    metadata={"loan_id": command.loan_id, "plan_id": live.plan_id},
                )
            if live is not None:
                response = collection_pb2.PauseCaseResponse(
                    outcome=collection_pb2.PAUSE_OUTCOME_ALREADY_PAUSED
                )
                if case_row is not None:
                    response.collection_case.CopyFrom(await case_message(conn, case_row.case_id))
                return response
            await conn.execute(
                insert(loan_pauses)
                .values(
                    loan_id=command.loan_id,
                    plan_id=command.plan_id,
                    borrower_id=command.borrower_id,
                    effective_date=command.effective_date,
                    paused_at=now,
                )
                .on_conflict_do_update(
                    index_elements=[loan_pauses.c.loan_id, loan_pauses.c.plan_id],
                    set_={"lifted_at": None, "lift_reason": None, "paused_at": now},
                )
            )
            event = ev.CasePaused(
                borrower_id=command.borrower_id,
                loan_id=command.loan_id,
                plan_id=command.plan_id,
                business_date=date_to_proto(command.effective_date),
            )
            if case_row is None:
                change.emit(event, command.loan_id)
                return collection_pb2.PauseCaseResponse(
                    outcome=collection_pb2.PAUSE_OUTCOME_NO_OPEN_CASE
                )
            await _cancel_promises(change, case_row.case_id, command.loan_id)
            refreshed = await repo.refresh_aggregates(conn, case_row.case_id, now)
            await change.history(
                case_row.case_id,
                change.entry(CaseEventKind.PAUSED, loan_id=command.loan_id,
                             plan_id=command.plan_id, reason="PLAN_ACTIVATED"),
            )
            if refreshed.state == CaseState.PAUSED.value and case_row.state != refreshed.state:
                await release_agent(change, refreshed, "PAUSED")
                await _cancel_promises(change, case_row.case_id, None)
            event.case_id = str(case_row.case_id)
            event.case_paused = refreshed.state == CaseState.PAUSED.value
            change.emit(event, str(case_row.case_id))
            return collection_pb2.PauseCaseResponse(
                outcome=collection_pb2.PAUSE_OUTCOME_PAUSED,
                collection_case=await case_message(conn, case_row.case_id),
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=command.request_id, method=PAUSE_METHOD, request=request,
            response_type=collection_pb2.PauseCaseResponse, effect=effect, now=now,
        )
        for record in change.events:
            uow.record_event(record.payload, record.ordering_key)
        await uow.commit()
    return response


@dataclass(frozen=True)
class ResumeCommand:
    request_id: str
    loan_id: str
    plan_id: str
    reason: str


async def resume(
    engine: AsyncEngine, command: ResumeCommand, request: Message, *, now: dt.datetime,
    today: dt.date, actor: str,
) -> collection_pb2.ResumeCaseResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        change = Change(conn, now, today, actor)

        async def effect() -> collection_pb2.ResumeCaseResponse:
            pause_row = (
                await conn.execute(
                    select(loan_pauses).where(
                        loan_pauses.c.loan_id == command.loan_id,
                        loan_pauses.c.plan_id == command.plan_id,
                    )
                )
            ).first()
            if pause_row is None:
                raise FailedPrecondition(
                    Reasons.NOT_PAUSED_BY_PLAN,
                    "the loan is not paused by this plan",
                    metadata={"loan_id": command.loan_id, "plan_id": command.plan_id},
                )
            await repo.lock_borrower(conn, pause_row.borrower_id)
            response = collection_pb2.ResumeCaseResponse()
            if pause_row.lifted_at is None:
                await conn.execute(
                    update(loan_pauses)
                    .where(
                        loan_pauses.c.loan_id == command.loan_id,
                        loan_pauses.c.plan_id == command.plan_id,
                    )
                    .values(lifted_at=now, lift_reason=command.reason)
                )
            case_row = await repo.live_case_of_loan(conn, command.loan_id)
            if case_row is None:
                return response
            if pause_row.lifted_at is None:
                # A cure under the plan left its loans in the case (to stay paused while the
                # plan ran); without the pause they are cured loans: they leave as a cure
                # would, closing the case as CURED when none is left owing.
                await _remove_cured_loans(change, case_row.case_id)
                current = await repo.get_case(conn, case_row.case_id)
                if current.state != CaseState.CLOSED.value:
                    refreshed = await repo.refresh_aggregates(conn, case_row.case_id, now)
                    await _state_moved(
                        change, refreshed, current.state, plan_id=command.plan_id,
                        reason="PAUSE_LIFTED",
                    )
            response.collection_case.CopyFrom(await case_message(conn, case_row.case_id))
            return response

        response = await run_idempotent_in_transaction(
            conn, request_id=command.request_id, method=RESUME_METHOD, request=request,
            response_type=collection_pb2.ResumeCaseResponse, effect=effect, now=now,
        )
        for record in change.events:
            uow.record_event(record.payload, record.ordering_key)
        await uow.commit()
    return response


async def _remove_cured_loans(change: Change, case_id: uuid.UUID) -> None:
    """Loans of a live case owing nothing (0 days past due, no overdue) and under no plan's
    pause leave it as CURED."""
    cured = (
        await change.conn.execute(
            select(case_loans.c.loan_id).where(
                case_loans.c.case_id == case_id,
                case_loans.c.left_on.is_(None),
                case_loans.c.days_past_due == 0,
                case_loans.c.overdue_fen == 0,
                ~select(loan_pauses.c.loan_id)
                .where(loan_pauses.c.loan_id == case_loans.c.loan_id,
                       loan_pauses.c.lifted_at.is_(None))
                .exists(),
            ).order_by(case_loans.c.loan_id)
        )
    ).scalars().all()
    for loan_id in cured:
        await remove_loan(change, loan_id, CloseReason.CURED)


async def escalate_case(
    engine: AsyncEngine, *, request_id: str, case_id: uuid.UUID, reason: str, request: Message,
    now: dt.datetime, today: dt.date, actor: str,
) -> collection_pb2.EscalateCaseResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        change = Change(conn, now, today, actor)

        async def effect() -> collection_pb2.EscalateCaseResponse:
            row = await repo.get_case(conn, case_id)
            if row is None:
                raise NotFound("case", str(case_id))
            await repo.lock_borrower(conn, row.borrower_id)
            row = await repo.get_case(conn, case_id, lock=True)
            if row.state != CaseState.OPEN.value:
                raise FailedPrecondition(
                    Reasons.CASE_NOT_OPEN, "only an open case can be escalated",
                    metadata={"case_id": str(case_id), "state": row.state},
                )
            if next_tier(Tier(row.tier)) is None:
                raise FailedPrecondition(
                    Reasons.ALREADY_HIGHEST_TIER, "the case is already in the highest tier",
                    metadata={"case_id": str(case_id), "tier": row.tier},
                )
            await escalate(change, case_id, "MANUAL", reason)
            return collection_pb2.EscalateCaseResponse(
                collection_case=await case_message(conn, case_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=ESCALATE_METHOD, request=request,
            response_type=collection_pb2.EscalateCaseResponse, effect=effect, now=now,
        )
        for record in change.events:
            uow.record_event(record.payload, record.ordering_key)
        await uow.commit()
    return response


# --- reads --------------------------------------------------------------------------------


async def get_case(engine: AsyncEngine, case_id: uuid.UUID) -> pb.Case:
    async with engine.connect() as conn:
        found = await repo.view(conn, case_id)
    if found is None:
        raise NotFound("case", str(case_id))
    return convert.case_to_proto(found.row, found.loans)


@dataclass(frozen=True)
class CaseFilter:
    borrower_id: str | None = None
    loan_id: str | None = None
    states: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    agent_id: str | None = None
    agency_id: str | None = None
    strategy_version_id: uuid.UUID | None = None
    unassigned_only: bool = False


async def list_cases(
    engine: AsyncEngine, where: CaseFilter, *, after: tuple[dt.datetime, uuid.UUID] | None,
    page_size: int,
) -> tuple[list[pb.Case], tuple[dt.datetime, uuid.UUID] | None]:
    """Oldest opened first (keyset on opened_at, case_id); the key of the last row when more
    follow."""
    query = select(cases).order_by(cases.c.opened_at, cases.c.case_id).limit(page_size + 1)
    if where.borrower_id:
        query = query.where(cases.c.borrower_id == where.borrower_id)
    if where.loan_id:
        query = query.where(
            cases.c.case_id.in_(
                select(case_loans.c.case_id).where(case_loans.c.loan_id == where.loan_id)
            )
        )
    if where.states:
        query = query.where(cases.c.state.in_(where.states))
    if where.tiers:
        query = query.where(cases.c.tier.in_(where.tiers))
    if where.agent_id:
        query = query.where(cases.c.agent_id == where.agent_id)
    if where.agency_id:
        query = query.where(cases.c.agency_id == where.agency_id)
    if where.strategy_version_id:
        query = query.where(cases.c.strategy_version_id == where.strategy_version_id)
    if where.unassigned_only:
        query = query.where(cases.c.agent_id.is_(None), cases.c.agency_id.is_(None))
    if after is not None:
        query = query.where(
            (cases.c.opened_at > after[0])
            | ((cases.c.opened_at == after[0]) & (cases.c.case_id > after[1]))
        )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
        page = rows[:page_size]
        loans = await repo.loans_of(conn, [r.case_id for r in page])
    messages = [convert.case_to_proto(r, loans[r.case_id]) for r in page]
    more = len(rows) > page_size
    return messages, ((page[-1].opened_at, page[-1].case_id) if more else None)


async def list_history(
    engine: AsyncEngine, case_id: uuid.UUID, *, after_sequence: int, page_size: int
) -> tuple[list[pb.CaseHistoryEntry], bool]:
    async with engine.connect() as conn:
        if await repo.get_case(conn, case_id) is None:
            raise NotFound("case", str(case_id))
        rows = (
            await conn.execute(
                select(case_events)
                .where(case_events.c.case_id == case_id, case_events.c.sequence > after_sequence)
                .order_by(case_events.c.sequence)
                .limit(page_size + 1)
            )
        ).all()
    return [convert.history_entry_to_proto(r) for r in rows[:page_size]], len(rows) > page_size


def live_case_ids(rows: Sequence[Any]) -> list[uuid.UUID]:
    return [r.case_id for r in rows]
