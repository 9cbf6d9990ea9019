"""Case storage on SQLAlchemy Core, on the caller's connection (its transaction): locks per
borrower, the case row with its loans, the append-only history, and the set-based retiering
statement shared by one-case updates and bulk runs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from collection.adapters.case_tables import (
    case_events,
    case_loans,
    case_recoveries,
    cases,
    loan_pauses,
)
from collection.domain.cases import CaseEventKind

_TIER_RANK = "ARRAY['EARLY','MIDDLE','LATE','WRITE_OFF']::varchar[]"


@dataclass
class HistoryEntry:
    kind: CaseEventKind
    business_date: dt.date
    actor: str
    from_tier: str | None = None
    to_tier: str | None = None
    agent_id: str | None = None
    agency_id: str | None = None
    loan_id: str | None = None
    plan_id: str | None = None
    reason: str | None = None


@dataclass
class CaseView:
    """A case row and its loans (with the pause plan of each), as read."""

    row: Any
    loans: list[Any] = field(default_factory=list)


async def lock_borrower(conn: AsyncConnection, borrower_id: str) -> None:
    """Serialise every change to one borrower's cases (event handlers and RPCs alike) for the
    rest of the transaction."""
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('collection.borrower'), hashtext(:b))"),
        {"b": borrower_id},
    )


async def live_case_of_borrower(conn: AsyncConnection, borrower_id: str) -> Any | None:
    return (
        await conn.execute(
            select(cases).where(cases.c.borrower_id == borrower_id, cases.c.state != "CLOSED")
        )
    ).first()


async def live_case_of_loan(conn: AsyncConnection, loan_id: str) -> Any | None:
    return (
        await conn.execute(
            select(cases)
            .join(case_loans, case_loans.c.case_id == cases.c.case_id)
            .where(case_loans.c.loan_id == loan_id, case_loans.c.left_on.is_(None))
            .where(cases.c.state != "CLOSED")
        )
    ).first()


async def latest_case_of_loan(conn: AsyncConnection, loan_id: str) -> Any | None:
    return (
        await conn.execute(
            select(cases)
            .join(case_loans, case_loans.c.case_id == cases.c.case_id)
            .where(case_loans.c.loan_id == loan_id)
            .order_by(cases.c.opened_at.desc())
            .limit(1)
        )
    ).first()


async def case_of_loan_on(conn: AsyncConnection, loan_id: str, day: dt.date) -> Any | None:
    """The case the loan was in on ``day`` (joined on or before it, left on or after it): the
    latest opened when the loan left one case and joined another that day."""
    return (
        await conn.execute(
            select(cases)
            .join(case_loans, case_loans.c.case_id == cases.c.case_id)
            .where(
                case_loans.c.loan_id == loan_id,
                case_loans.c.joined_on <= day,
                case_loans.c.left_on.is_(None) | (case_loans.c.left_on >= day),
            )
            .order_by(cases.c.opened_at.desc())
            .limit(1)
        )
    ).first()


async def case_of_recovery(conn: AsyncConnection, repayment_id: str) -> Any | None:
    """The case that counted the repayment as recovered (None when none did)."""
    return (
        await conn.execute(
            select(cases)
            .join(case_recoveries, case_recoveries.c.case_id == cases.c.case_id)
            .where(
                case_recoveries.c.repayment_id == repayment_id,
                case_recoveries.c.movement == "POSTED",
            )
        )
    ).first()


async def get_case(conn: AsyncConnection, case_id: uuid.UUID, *, lock: bool = False) -> Any:
    query = select(cases).where(cases.c.case_id == case_id)
    if lock:
        query = query.with_for_update()
    return (await conn.execute(query)).first()


async def loans_of(conn: AsyncConnection, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list]:
    """Loans still in each case (or all its loans once it is closed), with the pausing plan."""
    if not case_ids:
        return {}
    pause = (
        select(loan_pauses.c.plan_id)
        .where(loan_pauses.c.loan_id == case_loans.c.loan_id, loan_pauses.c.lifted_at.is_(None))
        .limit(1)
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(case_loans, pause.label("paused_by_plan_id"), cases.c.state)
        .join(cases, cases.c.case_id == case_loans.c.case_id)
        .where(case_loans.c.case_id.in_(list(case_ids)))
        .where((case_loans.c.left_on.is_(None)) | (cases.c.state == "CLOSED"))
        .order_by(case_loans.c.case_id, case_loans.c.loan_id)
    )
    result: dict[uuid.UUID, list] = {cid: [] for cid in case_ids}
    for row in rows:
        result[row.case_id].append(row)
    return result


async def view(conn: AsyncConnection, case_id: uuid.UUID) -> CaseView | None:
    row = await get_case(conn, case_id)
    if row is None:
        return None
    return CaseView(row, (await loans_of(conn, [case_id]))[case_id])


async def append_history(
    conn: AsyncConnection, case_id: uuid.UUID, entries: Sequence[HistoryEntry], now: dt.datetime
) -> None:
    """Append entries after the case's last one (callers hold the borrower lock). Each entry
    keeps the case's state and tier as they are now: callers update the case row first."""
    if not entries:
        return
    last, state, tier = (
        await conn.execute(
            select(
                select(func.coalesce(func.max(case_events.c.sequence), 0))
                .where(case_events.c.case_id == case_id)
                .scalar_subquery(),
                cases.c.state,
                cases.c.tier,
            ).where(cases.c.case_id == case_id)
        )
    ).one()
    await conn.execute(
        case_events.insert(),
        [
            {
                "case_id": case_id,
                "sequence": int(last or 0) + index,
                "kind": entry.kind.value,
                "business_date": entry.business_date,
                "recorded_at": now,
                "from_tier": entry.from_tier,
                "to_tier": entry.to_tier,
                "agent_id": entry.agent_id,
                "agency_id": entry.agency_id,
                "loan_id": entry.loan_id,
                "plan_id": entry.plan_id,
                "reason": entry.reason,
                "actor": entry.actor,
                "case_state": state,
                "case_tier": tier,
            }
            for index, entry in enumerate(entries, start=1)
        ],
    )


async def refresh_aggregates(conn: AsyncConnection, case_id: uuid.UUID, now: dt.datetime) -> Any:
    """Recompute days past due, overdue total and OPEN/PAUSED from the loans still in a live
    case; returns the updated row."""
    return (
        await conn.execute(
            text(
                """
                UPDATE cases c SET
                    days_past_due = coalesce(agg.dpd, 0),
                    overdue_fen = coalesce(agg.overdue, 0),
                    state = CASE WHEN agg.loans > 0 AND agg.loans = agg.paused
                                 THEN 'PAUSED' ELSE 'OPEN' END,
                    version = c.version + 1,
                    updated_at = :now
                FROM (
                    SELECT max(cl.days_past_due) AS dpd, sum(cl.overdue_fen) AS overdue,
                           count(*) AS loans,
                           count(*) FILTER (WHERE EXISTS (
                               SELECT 1 FROM loan_pauses p
                               WHERE p.loan_id = cl.loan_id AND p.lifted_at IS NULL)) AS paused
                    FROM case_loans cl WHERE cl.case_id = :case_id AND cl.left_on IS NULL
                ) agg
                WHERE c.case_id = :case_id AND c.state <> 'CLOSED'
                RETURNING c.*
                """
            ),
            {"case_id": case_id, "now": now},
        )
    ).first()


# One statement tiers any number of live cases: each case's risk segment (first by priority
# matching the borrower's score and the outstanding principal of its loans; the last by
# priority when none matches, as domain.strategies.risk_segment_for), then the rule of its
# days-past-due band, never below the case's escalation floor. Used for one case by the event
# handlers and for all by bulk runs. Only cases whose tier, segment or treatments change are
# written (and returned): rewriting an unchanged row would cost a new row version and an entry
# in every index of cases.
RETIER_SQL = f"""
WITH decided AS (
    SELECT t.case_id, t.tier AS old_tier, sg.code AS risk_segment,
           CASE WHEN floor_wins THEN coalesce(
                    (SELECT f.treatments FROM strategy_tier_rules f
                     WHERE f.strategy_version_id = t.strategy_version_id
                       AND f.risk_segment = sg.code AND f.tier = t.escalation_floor
                     ORDER BY f.min_days_past_due LIMIT 1), r.treatments)
                ELSE r.treatments END AS treatments,
           CASE WHEN floor_wins THEN t.escalation_floor ELSE r.tier END AS tier
    FROM cases t
    LEFT JOIN borrower_scores bs ON bs.borrower_id = t.borrower_id
    {{outstanding}}
    CROSS JOIN LATERAL (
        SELECT s.code FROM strategy_risk_segments s
        CROSS JOIN LATERAL (SELECT
            (CASE WHEN bs.score IS NULL THEN s.min_score IS NULL AND s.max_score IS NULL
                  ELSE (s.min_score IS NULL OR bs.score >= s.min_score)
                       AND (s.max_score IS NULL OR bs.score <= s.max_score) END
             AND (s.min_outstanding_fen IS NULL OR o.outstanding >= s.min_outstanding_fen)
             AND (s.max_outstanding_fen IS NULL OR o.outstanding < s.max_outstanding_fen))
            AS hit) m
        WHERE s.strategy_version_id = t.strategy_version_id
        -- matches first by priority, then (only when none matches) the last by priority
        ORDER BY m.hit DESC,
            CASE WHEN m.hit THEN s.priority END, CASE WHEN m.hit THEN s.code END,
            s.priority DESC, s.code DESC
        LIMIT 1
    ) sg
    JOIN strategy_tier_rules r ON r.strategy_version_id = t.strategy_version_id
         AND r.risk_segment = sg.code AND greatest(t.days_past_due, 1) >= r.min_days_past_due
         AND (r.max_days_past_due IS NULL OR greatest(t.days_past_due, 1) <= r.max_days_past_due)
    CROSS JOIN LATERAL (SELECT t.escalation_floor IS NOT NULL
                          AND array_position({_TIER_RANK}, t.escalation_floor)
                              > array_position({_TIER_RANK}, r.tier) AS floor_wins) fw
    WHERE t.state <> 'CLOSED' AND {{where}}
)
UPDATE cases c SET tier = d.tier, risk_segment = d.risk_segment, treatments = d.treatments,
    version = c.version + CASE WHEN c.tier IS DISTINCT FROM d.tier
                                 OR c.risk_segment IS DISTINCT FROM d.risk_segment
                               THEN 1 ELSE 0 END
FROM decided d
WHERE c.case_id = d.case_id
  AND (c.tier, c.risk_segment, c.treatments) IS DISTINCT FROM (d.tier, d.risk_segment, d.treatments)
RETURNING c.case_id, c.borrower_id, d.old_tier, c.tier, c.agent_id, c.days_past_due
"""

# The outstanding principal of each case's loans still in it: looked up per case for a few
# cases, one aggregate over all loans for a bulk run.
_OUTSTANDING_OF_CASE = """CROSS JOIN LATERAL (
        SELECT coalesce(sum(cl.outstanding_principal_fen), 0) AS outstanding FROM case_loans cl
        WHERE cl.case_id = t.case_id AND cl.left_on IS NULL
    ) o"""
_OUTSTANDING_OF_ALL = """LEFT JOIN (
        SELECT cl.case_id, sum(cl.outstanding_principal_fen) AS outstanding FROM case_loans cl
        WHERE cl.left_on IS NULL GROUP BY cl.case_id
    ) ol ON ol.case_id = t.case_id
    CROSS JOIN LATERAL (SELECT coalesce(ol.outstanding, 0) AS outstanding) o"""

RETIER_ONE_SQL = RETIER_SQL.format(outstanding=_OUTSTANDING_OF_CASE, where="t.case_id = ANY(:ids)")
RETIER_ALL_SQL = RETIER_SQL.format(outstanding=_OUTSTANDING_OF_ALL, where="true")


async def retier(conn: AsyncConnection, case_ids: Sequence[uuid.UUID] | None) -> list[Any]:
    """Retier the given live cases (all live cases when None); rows of (case_id, borrower_id,
    old_tier, tier, agent_id, days_past_due) for every case whose tier, risk segment or
    treatments changed."""
    if case_ids is not None:
        result = await conn.execute(text(RETIER_ONE_SQL), {"ids": list(case_ids)})
        return list(result)
    # Compiling this plan's expressions (JIT) costs more than evaluating them: the time goes
    # to writing rows. Off for the rest of the bulk transaction only.
    await conn.execute(text("SET LOCAL jit = off"))
    rows = list(await conn.execute(text(RETIER_ALL_SQL)))
    if rows:
        # A bulk retier moves many cases between tiers at once; fresh statistics keep the
        # per-tier assignment plans that follow from nested loops over "empty" tiers.
        await conn.execute(text("ANALYZE cases"))
    return rows


async def bump_version(conn: AsyncConnection, case_id: uuid.UUID, now: dt.datetime, **values: Any):
    return (
        await conn.execute(
            update(cases)
            .where(cases.c.case_id == case_id)
            .values(version=cases.c.version + 1, updated_at=now, **values)
            .returning(cases)
        )
    ).first()
