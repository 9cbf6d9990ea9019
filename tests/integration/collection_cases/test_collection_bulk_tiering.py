"""Bulk tiering and assignment at the repository level, on a migrated database filled by SQL:
the bulk retier decides exactly as the per-case statement the event handlers use (segments by
score and outstanding principal, day bands, escalation floors, closed and paused cases, loans
that left), writes and returns only cases that change, and a bulk assignment continues each
case's history after the entries it already has."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from collection.adapters import case_repository
from collection.domain.strategies import TIER_ORDER
from collection.service_layer.assignment import assign_in_transaction
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head

pytestmark = pytest.mark.integration

NOW = dt.datetime(2025, 6, 2, 2, tzinfo=dt.UTC)
TODAY = dt.date(2025, 6, 2)
STRATEGY = "00000000-0000-4000-8000-0000000000c1"
CASES = 400

SEED = [
    "UPDATE strategy_versions SET champion = false",
    f"""INSERT INTO strategy_versions (strategy_version_id, name, version, description,
        pre_due_treatments, champion, challenger, created_at, created_by)
    VALUES ('{STRATEGY}', 'bulk', 1, '', ARRAY['SMS'], true, false, now(), 'test')""",
    # LOW_RISK needs a score and a small balance; HIGH_BALANCE a large one; STANDARD the rest.
    f"""INSERT INTO strategy_risk_segments VALUES
        ('{STRATEGY}', 'LOW_RISK', 650, NULL, NULL, 5000000, 1),
        ('{STRATEGY}', 'HIGH_BALANCE', NULL, NULL, 5000000, NULL, 2),
        ('{STRATEGY}', 'STANDARD', NULL, NULL, NULL, NULL, 3)""",
    f"""INSERT INTO strategy_tier_rules
    SELECT '{STRATEGY}', s.code, b.lo, b.hi,
           CASE WHEN s.code = 'LOW_RISK' AND b.tier = 'MIDDLE' THEN 'EARLY' ELSE b.tier END,
           CASE WHEN s.code = 'HIGH_BALANCE' THEN ARRAY['CALL'] ELSE ARRAY['SMS'] END
    FROM (VALUES ('LOW_RISK'), ('HIGH_BALANCE'), ('STANDARD')) s(code)
    CROSS JOIN (VALUES (1, 30, 'EARLY'), (31, 90, 'MIDDLE'), (91, 180, 'LATE'),
                       (181, NULL, 'WRITE_OFF')) b(lo, hi, tier)""",
    f"""INSERT INTO cases (case_id, borrower_id, state, tier, escalation_floor, treatments,
        risk_segment, strategy_version_id, strategy_arm, escalation_count, days_past_due,
        overdue_fen, overdue_at_opening_fen, recovered_fen, currency, opened_on, closed_on,
        version, opened_at, updated_at)
    SELECT md5('case' || g)::uuid, 'B-' || g,
           CASE WHEN g % 17 = 0 THEN 'CLOSED' WHEN g % 13 = 0 THEN 'PAUSED' ELSE 'OPEN' END,
           CASE WHEN g % 5 = 0 THEN 'MIDDLE' ELSE 'EARLY' END,
           CASE WHEN g % 11 = 0 THEN 'LATE' WHEN g % 19 = 0 THEN 'EARLY' END,
           ARRAY[]::varchar[], '', '{STRATEGY}', 'CHAMPION', 0, (g * 7919) % 240,
           10000, 10000, 0, 'CNY', DATE '{TODAY}',
           CASE WHEN g % 17 = 0 THEN DATE '{TODAY}' END, 1,
           TIMESTAMPTZ '{NOW.isoformat()}' + g * interval '1 second', now()
    FROM generate_series(1, {CASES}) g""",
    # One loan each; every seventh case has a second loan, every third of those has left.
    f"""INSERT INTO case_loans (case_id, loan_id, bucket, days_past_due, overdue_fen,
        outstanding_principal_fen, joined_on, left_on)
    SELECT md5('case' || g)::uuid, 'L-' || g || '-' || k, 'M1', 1, 10000,
           CASE WHEN k = 1 THEN 100000 + (g * 15485863) % 9900000 ELSE 3000000 END,
           DATE '{TODAY}', CASE WHEN k = 2 AND g % 3 = 0 THEN DATE '{TODAY}' END
    FROM generate_series(1::bigint, {CASES}) g CROSS JOIN generate_series(1, 2) k
    WHERE k = 1 OR g % 7 = 0""",
    f"""INSERT INTO borrower_scores (borrower_id, score, inquiry_id, completed_at)
    SELECT 'B-' || g, 450 + (g * 31) % 350, 'I-' || g, now()
    FROM generate_series(1, {CASES}) g WHERE g % 4 <> 0""",
    # Cases opened by the event handlers already have history: up to three entries here.
    f"""INSERT INTO case_events (case_id, sequence, kind, business_date, recorded_at, actor,
        case_state, case_tier)
    SELECT md5('case' || g)::uuid, s, 'OPENED', DATE '{TODAY}', now(), 'test', 'OPEN', 'EARLY'
    FROM generate_series(1, {CASES}) g CROSS JOIN generate_series(1, 3) s
    WHERE s <= g % 4""",
    """INSERT INTO agents (agent_id, display_name, tiers, skills, capacity, active, created_at,
        updated_at)
    SELECT 'A-' || g, 'Agent ' || g,
           ARRAY[(ARRAY['EARLY','MIDDLE','LATE','WRITE_OFF'])[1 + g % 4]]::varchar[],
           ARRAY[]::varchar[], 40, true, now(), now()
    FROM generate_series(1, 12) g""",
]

CASE_STATE = (
    "SELECT case_id, tier, risk_segment, treatments, version, xmin::text AS row_version "
    "FROM cases ORDER BY case_id"
)


@pytest.fixture
async def engine(make_database) -> AsyncIterator[AsyncEngine]:
    url = await make_database("bulk_tiering")
    await asyncio.to_thread(upgrade_head, "collection", url)
    engine = create_engine(url, pool_size=2)
    async with engine.begin() as conn:
        for statement in SEED:
            await conn.execute(text(statement))
    try:
        yield engine
    finally:
        await engine.dispose()


def _decisions(rows) -> dict:
    return {r.case_id: (r.tier, r.risk_segment, tuple(r.treatments), r.version) for r in rows}


async def test_bulk_retier_decides_as_per_case_and_writes_only_changes(engine) -> None:
    async with engine.connect() as conn:
        before = {r.case_id: r for r in await conn.execute(text(CASE_STATE))}
        live = [
            r.case_id
            for r in await conn.execute(text("SELECT case_id FROM cases WHERE state <> 'CLOSED'"))
        ]
    # The per-case statement (what the event handlers run), for every live case at once.
    async with engine.connect() as conn, conn.begin() as tx:
        per_case_rows = await case_repository.retier(conn, live)
        per_case = _decisions(await conn.execute(text(CASE_STATE)))
        await tx.rollback()
    async with engine.begin() as conn:
        bulk_rows = await case_repository.retier(conn, None)
    async with engine.connect() as conn:
        after = list(await conn.execute(text(CASE_STATE)))
    assert _decisions(after) == per_case
    assert sorted(map(tuple, bulk_rows)) == sorted(map(tuple, per_case_rows))

    changed = {
        r.case_id for r in after
        if (r.tier, r.risk_segment, r.treatments)
        != (before[r.case_id].tier, before[r.case_id].risk_segment,
            before[r.case_id].treatments)
    }
    assert {r.case_id for r in bulk_rows} == changed
    # Closed cases and cases that do not change keep their row version: nothing was written.
    untouched = [r for r in after if r.case_id not in changed]
    assert untouched and all(r.row_version == before[r.case_id].row_version for r in untouched)
    assert any(before[r.case_id].tier == r.tier for r in after if r.case_id in changed)

    # Worked examples: the floor wins over a lower band; treatments follow the segment.
    by_borrower: dict = {}
    async with engine.connect() as conn:
        for r in await conn.execute(text(
            "SELECT borrower_id, state, tier, risk_segment, treatments FROM cases"
        )):
            by_borrower[r.borrower_id] = r
    assert by_borrower["B-11"].tier == "WRITE_OFF"  # dpd 229: the band is above the floor
    early_with_floor = next(
        r for b, r in by_borrower.items()
        if int(b[2:]) % 11 == 0 and int(b[2:]) % 17 and (int(b[2:]) * 7919) % 240 <= 90
    )
    assert early_with_floor.tier == "LATE"

    # Run again: nothing changes, nothing is written or returned.
    async with engine.begin() as conn:
        assert await case_repository.retier(conn, None) == []
    async with engine.connect() as conn:
        assert list(await conn.execute(text(CASE_STATE))) == after


async def test_bulk_assignment_continues_each_case_history(engine) -> None:
    async with engine.begin() as conn:
        await case_repository.retier(conn, None)
    async with engine.connect() as conn:
        prior = dict(
            (await conn.execute(text(
                "SELECT c.case_id, count(e.sequence) FROM cases c "
                "LEFT JOIN case_events e ON e.case_id = c.case_id GROUP BY c.case_id"
            ))).all()
        )
    async with engine.begin() as conn:
        outcome = await assign_in_transaction(
            conn, TIER_ORDER, 0, now=NOW, today=TODAY, actor="test"
        )
    assert outcome.assigned > 0 and outcome.unassigned > 0  # capacity binds
    async with engine.connect() as conn:
        assigned = (await conn.execute(text(
            "SELECT e.case_id, e.sequence, e.agent_id, c.agent_id AS holder, ca.agent_id AS record "
            "FROM case_events e JOIN cases c ON c.case_id = e.case_id "
            "JOIN case_assignments ca ON ca.case_id = e.case_id "
            "WHERE e.kind = 'ASSIGNED'"
        ))).all()
    assert len(assigned) == outcome.assigned
    assert {r.sequence - prior[r.case_id] for r in assigned} == {1}
    assert {r.sequence for r in assigned} == {1, 2, 3, 4}  # with 0 to 3 entries before
    assert all(r.agent_id == r.holder == r.record for r in assigned)
