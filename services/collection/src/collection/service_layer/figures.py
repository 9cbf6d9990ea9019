"""Collection figures over a date range: cases per tier at the end of the range (the tier and
state each case had on that date, from its history), and per strategy version and arm the
contact, right-party-contact, promise, kept-promise and recovery rates. One set-based query per
figure family; rates are exact decimals (4 places, half up).

Contact figures read the contact log (``contact_attempts``, ``contact_checks``, migration 0003);
a database without them reports zero contacts."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

RATE_PLACES: Final = Decimal("0.0001")


def rate(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator to 4 places (0 when the denominator is 0)."""
    if denominator == 0:
        return Decimal("0.0000")
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class TierFigures:
    tier: str
    open_cases: int
    paused_cases: int


@dataclass(frozen=True)
class StrategyFigures:
    strategy_version_id: uuid.UUID
    label: str
    arm: str
    cases: int
    contacted: int
    right_party: int
    promised: int
    kept: int
    resolved_promises: int
    overdue_at_opening_fen: int
    recovered_fen: int
    refused_contacts: int
    currency: str

    @property
    def contact_rate(self) -> Decimal:
        return rate(self.contacted, self.cases)

    @property
    def right_party_contact_rate(self) -> Decimal:
        return rate(self.right_party, self.cases)

    @property
    def promise_rate(self) -> Decimal:
        return rate(self.promised, self.right_party)

    @property
    def kept_promise_rate(self) -> Decimal:
        return rate(self.kept, self.resolved_promises)

    @property
    def recovery_rate(self) -> Decimal:
        return rate(self.recovered_fen, self.overdue_at_opening_fen)


@dataclass(frozen=True)
class CollectionFigures:
    tiers: list[TierFigures]
    strategies: list[StrategyFigures]


async def _has_contact_log(conn: AsyncConnection) -> bool:
    found = await conn.scalar(
        text(
            "SELECT to_regclass('contact_attempts') IS NOT NULL "
            "AND to_regclass('contact_checks') IS NOT NULL"
        )
    )
    return bool(found)


def _figures_sql(with_contacts: bool) -> str:
    contacts = (
        """
        SELECT w.case_id,
               count(a.attempt_id) > 0 AS contacted,
               bool_or(coalesce(a.conversation, false)) AS right_party
        FROM worked w
        LEFT JOIN contact_attempts a ON a.case_id = w.case_id::text
             AND a.started_at >= :start AND a.started_at < :end
        GROUP BY w.case_id
        """
        if with_contacts
        else "SELECT w.case_id, false AS contacted, false AS right_party FROM worked w"
    )
    refused = (
        """
        SELECT w.case_id, count(ch.check_id) AS refused
        FROM worked w JOIN contact_checks ch ON ch.case_id = w.case_id::text
             AND ch.decision = 'REFUSED' AND ch.checked_at >= :start AND ch.checked_at < :end
        GROUP BY w.case_id
        """
        if with_contacts
        else "SELECT NULL::uuid AS case_id, 0::bigint AS refused WHERE false"
    )
    return f"""
    WITH worked AS (
        SELECT c.case_id, c.strategy_version_id, c.strategy_arm, c.overdue_at_opening_fen,
               c.currency
        FROM cases c
        WHERE c.opened_on <= :to_date AND (c.closed_on IS NULL OR c.closed_on >= :from_date)
          AND (CAST(:strategy AS uuid) IS NULL OR c.strategy_version_id = CAST(:strategy AS uuid))
    ), contacts AS ({contacts}
    ), refusals AS ({refused}
    ), promised AS (
        SELECT p.case_id,
               -- made_at is an instant: the range's bounds in the business zone, not
               -- made_at::date (the session's zone, UTC on most servers)
               count(*) FILTER (WHERE p.made_at >= :start AND p.made_at < :end) AS made,
               count(*) FILTER (WHERE p.state = 'KEPT'
                                AND p.resolved_on BETWEEN :from_date AND :to_date) AS kept,
               count(*) FILTER (WHERE p.state IN ('KEPT', 'BROKEN')
                                AND p.resolved_on BETWEEN :from_date AND :to_date) AS resolved
        FROM promises_to_pay p JOIN worked w ON w.case_id = p.case_id
        GROUP BY p.case_id
    ), recovered AS (
        SELECT r.case_id, sum(r.amount_fen) AS amount
        FROM case_recoveries r JOIN worked w ON w.case_id = r.case_id
        WHERE r.value_date BETWEEN :from_date AND :to_date
        GROUP BY r.case_id
    )
    SELECT w.strategy_version_id, s.name || '@' || s.version AS label, w.strategy_arm AS arm,
           count(*) AS cases,
           count(*) FILTER (WHERE ct.contacted) AS contacted,
           count(*) FILTER (WHERE ct.right_party) AS right_party,
           count(*) FILTER (WHERE coalesce(p.made, 0) > 0) AS promised,
           coalesce(sum(p.kept), 0) AS kept,
           coalesce(sum(p.resolved), 0) AS resolved,
           coalesce(sum(w.overdue_at_opening_fen), 0) AS overdue_at_opening,
           coalesce(sum(rc.amount), 0) AS recovered,
           coalesce(sum(rf.refused), 0) AS refused,
           min(w.currency) AS currency
    FROM worked w
    JOIN strategy_versions s ON s.strategy_version_id = w.strategy_version_id
    LEFT JOIN contacts ct ON ct.case_id = w.case_id
    LEFT JOIN refusals rf ON rf.case_id = w.case_id
    LEFT JOIN promised p ON p.case_id = w.case_id
    LEFT JOIN recovered rc ON rc.case_id = w.case_id
    GROUP BY w.strategy_version_id, s.name, s.version, w.strategy_arm
    ORDER BY s.name, s.version, w.strategy_arm
    """


# A case's tier and state at the end of the range: those kept on its last history row of a
# business date on or before it (migration 0005). A case with no such row (its history predates
# that revision) counts with its current tier and state unless it closed by then.
TIERS_SQL = """
WITH as_of AS (
    SELECT coalesce(last.case_tier, c.tier) AS tier,
           CASE
               WHEN last.case_state IS NOT NULL THEN last.case_state
               WHEN c.closed_on IS NOT NULL AND c.closed_on <= :to_date THEN 'CLOSED'
               ELSE c.state
           END AS state
    FROM cases c
    LEFT JOIN LATERAL (
        SELECT e.case_state, e.case_tier
        FROM case_events e
        WHERE e.case_id = c.case_id AND e.case_state IS NOT NULL
          AND e.business_date <= :to_date
        ORDER BY e.sequence DESC
        LIMIT 1
    ) last ON true
    WHERE c.opened_on <= :to_date
      AND (CAST(:strategy AS uuid) IS NULL OR c.strategy_version_id = CAST(:strategy AS uuid))
)
SELECT tier,
       count(*) FILTER (WHERE state = 'OPEN') AS open_cases,
       count(*) FILTER (WHERE state = 'PAUSED') AS paused_cases
FROM as_of
WHERE state IN ('OPEN', 'PAUSED')
GROUP BY tier
ORDER BY array_position(ARRAY['EARLY','MIDDLE','LATE','WRITE_OFF']::varchar[], tier)
"""


async def collection_figures(
    engine: AsyncEngine, from_date: dt.date, to_date: dt.date,
    strategy_version_id: uuid.UUID | None, *, zone: dt.tzinfo = dt.UTC,
) -> CollectionFigures:
    """Figures for business dates ``from_date``..``to_date`` inclusive. Tier counts are the
    cases open or paused at the end of the range, by the tier they had then."""
    start = dt.datetime.combine(from_date, dt.time(), zone)
    end = dt.datetime.combine(to_date + dt.timedelta(days=1), dt.time(), zone)
    params = {
        "from_date": from_date, "to_date": to_date, "start": start, "end": end,
        "strategy": str(strategy_version_id) if strategy_version_id else None,
    }
    async with engine.connect() as conn:
        with_contacts = await _has_contact_log(conn)
        tier_rows = (await conn.execute(text(TIERS_SQL), params)).all()
        rows = (await conn.execute(text(_figures_sql(with_contacts)), params)).all()
    return CollectionFigures(
        tiers=[TierFigures(r.tier, r.open_cases, r.paused_cases) for r in tier_rows],
        strategies=[
            StrategyFigures(
                strategy_version_id=r.strategy_version_id, label=r.label, arm=r.arm,
                cases=r.cases, contacted=r.contacted, right_party=r.right_party,
                promised=r.promised, kept=int(r.kept), resolved_promises=int(r.resolved),
                overdue_at_opening_fen=int(r.overdue_at_opening), recovered_fen=int(r.recovered),
                refused_contacts=int(r.refused), currency=r.currency,
            )
            for r in rows
        ],
    )
