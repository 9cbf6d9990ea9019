"""Collection benchmark: tiering and bulk assignment of new cases across agents, against one
bare ``INSERT … SELECT`` with window functions doing the same assignment on the same data, in
the same run, on the same database server.

    python bench/bench_assignment.py [--cases 500000] [--agents 200] [--capacity 5000]

Service path:
  1. ``case_repository.retier(conn, None)``: one UPDATE tiering every live case (risk segment by
     score and outstanding principal, days-past-due band, escalation floor, treatments), the
     set-based form of the statement the event consumers run for one case at a time;
  2. ``assignment.assign_in_transaction`` (what AssignCases runs): per tier one statement
     choosing agents (continuity, then water-filling by load within capacity) that also
     updates the cases and writes their assignment records and history entries.
Reference: one INSERT … SELECT over plain tables holding the same cases and agents that
computes segment, tier and the same water-filling assignment and inserts (case, agent, tier).
Both start from the same freshly loaded data; the reference writes one row per case, the
service three (case update, assignment record, history entry). Goal: service <= 3x reference.
Database: ``POSTLOAN_TEST_DATABASE_URL`` or embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import time
from datetime import UTC, date, datetime

from sqlalchemy import text

from collection.adapters import case_repository
from collection.domain.strategies import TIER_ORDER
from collection.service_layer.assignment import assign_in_transaction
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.testing.databases import test_server, unique_database_name

NOW = datetime(2025, 6, 2, 2, tzinfo=UTC)
TODAY = date(2025, 6, 2)
STRATEGY = "00000000-0000-4000-8000-0000000000b1"

SEED_STRATEGY = f"""
INSERT INTO strategy_versions (strategy_version_id, name, version, description,
    pre_due_treatments, champion, challenger, created_at, created_by)
VALUES ('{STRATEGY}', 'bench', 1, '', ARRAY['SMS'], false, false, now(), 'bench');
INSERT INTO strategy_risk_segments VALUES
    ('{STRATEGY}', 'LOW_RISK', 650, NULL, NULL, 5000000, 1),
    ('{STRATEGY}', 'HIGH_BALANCE', NULL, NULL, 5000000, NULL, 2),
    ('{STRATEGY}', 'STANDARD', NULL, NULL, NULL, NULL, 3);
INSERT INTO strategy_tier_rules
SELECT '{STRATEGY}', s.code, b.lo, b.hi,
       CASE WHEN s.code = 'LOW_RISK' AND b.tier = 'MIDDLE' THEN 'EARLY' ELSE b.tier END,
       ARRAY['SMS']
FROM (VALUES ('LOW_RISK'), ('HIGH_BALANCE'), ('STANDARD')) s(code)
CROSS JOIN (VALUES (1, 30, 'EARLY'), (31, 90, 'MIDDLE'), (91, 180, 'LATE'),
                   (181, NULL, 'WRITE_OFF')) b(lo, hi, tier);
"""

# Deterministic pseudo-random figures from the row number (same data in both paths).
SEED_CASES = f"""
INSERT INTO cases (case_id, borrower_id, state, tier, treatments, risk_segment,
    strategy_version_id, strategy_arm, escalation_count, days_past_due, overdue_fen,
    overdue_at_opening_fen, recovered_fen, currency, opened_on, version, opened_at, updated_at)
SELECT md5('case' || g)::uuid, 'B-' || g, 'OPEN', 'EARLY', ARRAY[]::varchar[], '',
       '{STRATEGY}', 'CHAMPION', 0, 1 + (g * 7919) % 240, 10000 + (g * 104729) % 90000,
       10000 + (g * 104729) % 90000, 0, 'CNY', DATE '{TODAY}', 1,
       TIMESTAMPTZ '{NOW.isoformat()}' + g * interval '1 millisecond', now()
FROM generate_series(1::bigint, :n) g;
INSERT INTO case_loans (case_id, loan_id, bucket, days_past_due, overdue_fen,
    outstanding_principal_fen, joined_on)
SELECT md5('case' || g)::uuid, 'L-' || g, 'M1', 1 + (g * 7919) % 240,
       10000 + (g * 104729) % 90000, 100000 + (g * 15485863) % 9900000, DATE '{TODAY}'
FROM generate_series(1::bigint, :n) g;
INSERT INTO borrower_scores (borrower_id, score, inquiry_id, completed_at)
SELECT 'B-' || g, 450 + (g * 31) % 350, 'I-' || g, now()
FROM generate_series(1::bigint, :n) g WHERE g % 3 <> 0;
"""

SEED_AGENTS = """
INSERT INTO agents (agent_id, display_name, tiers, skills, capacity, active, created_at,
    updated_at)
SELECT 'A-' || lpad(g::text, 4, '0'), 'Agent ' || g,
       ARRAY[(ARRAY['EARLY','MIDDLE','LATE','WRITE_OFF'])[1 + g % 4]]::varchar[],
       ARRAY[]::varchar[], :capacity, true, now(), now()
FROM generate_series(1, :agents) g;
"""

BARE_TABLES = f"""
CREATE TABLE bare_cases AS
SELECT c.case_id, c.borrower_id, c.opened_at, c.days_past_due AS dpd, s.score,
       l.outstanding_principal_fen AS outstanding
FROM cases c JOIN case_loans l ON l.case_id = c.case_id
LEFT JOIN borrower_scores s ON s.borrower_id = c.borrower_id;
CREATE TABLE bare_segments AS SELECT * FROM strategy_risk_segments
    WHERE strategy_version_id = '{STRATEGY}';
CREATE TABLE bare_rules AS SELECT * FROM strategy_tier_rules
    WHERE strategy_version_id = '{STRATEGY}';
CREATE TABLE bare_agents AS SELECT agent_id, tiers[1] AS tier, capacity FROM agents;
CREATE TABLE bare_assignments (case_id uuid, agent_id varchar, tier varchar);
ANALYZE bare_cases; ANALYZE bare_agents;
"""

# The same decisions in one statement: segment, tier, and water-filling over agent slots.
BARE_ASSIGN = """
INSERT INTO bare_assignments (case_id, agent_id, tier)
WITH seg AS (
    SELECT DISTINCT ON (c.case_id) c.case_id, c.opened_at, c.dpd, s.code
    FROM bare_cases c CROSS JOIN bare_segments s
    ORDER BY c.case_id,
        (CASE WHEN c.score IS NULL THEN s.min_score IS NULL AND s.max_score IS NULL
              ELSE (s.min_score IS NULL OR c.score >= s.min_score)
                   AND (s.max_score IS NULL OR c.score <= s.max_score) END
         AND (s.min_outstanding_fen IS NULL OR c.outstanding >= s.min_outstanding_fen)
         AND (s.max_outstanding_fen IS NULL OR c.outstanding < s.max_outstanding_fen)) DESC,
        s.priority
), tiered AS (
    SELECT seg.case_id, r.tier,
           row_number() OVER (PARTITION BY r.tier ORDER BY seg.opened_at, seg.case_id) AS n
    FROM seg JOIN bare_rules r ON r.risk_segment = seg.code AND seg.dpd >= r.min_days_past_due
         AND (r.max_days_past_due IS NULL OR seg.dpd <= r.max_days_past_due)
), per_tier AS (
    SELECT tier, count(*) AS cases FROM tiered GROUP BY tier
), slots AS (
    SELECT a.agent_id, a.tier,
           row_number() OVER (PARTITION BY a.tier ORDER BY s.j, a.agent_id) AS n
    FROM bare_agents a JOIN per_tier p ON p.tier = a.tier
    CROSS JOIN LATERAL generate_series(1, least(a.capacity, p.cases)) s(j)
)
-- one join key (tier:n): joined on two columns the planner merges on tier alone
SELECT t.case_id, s.agent_id, t.tier
FROM tiered t JOIN slots s ON s.tier || ':' || s.n = t.tier || ':' || t.n
"""


async def main(args: argparse.Namespace) -> None:
    server = test_server()
    name = unique_database_name("bench_assign")
    url = await server.ensure_database(name)
    try:
        await asyncio.to_thread(upgrade_head, "collection", url)
        engine = create_engine(url, pool_size=2)
        started = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE strategy_versions SET champion = false"))
            for statement in SEED_STRATEGY.split(";"):
                if statement.strip():
                    await conn.execute(text(statement))
            for statement in SEED_CASES.split(";"):
                if statement.strip():
                    await conn.execute(text(statement), {"n": args.cases})
            await conn.execute(
                text(SEED_AGENTS), {"agents": args.agents, "capacity": args.capacity}
            )
            for statement in BARE_TABLES.split(";"):
                if statement.strip():
                    await conn.execute(text(statement))
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
        print(f"loaded {args.cases} cases, {args.agents} agents "
              f"in {time.perf_counter() - started:.1f} s")

        # Reference first (cold start advantage goes to the reference, not to us).
        t0 = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(text(BARE_ASSIGN))
        bare_s = time.perf_counter() - t0
        async with engine.connect() as conn:
            bare_n = await conn.scalar(text("SELECT count(*) FROM bare_assignments"))
        print(f"reference INSERT … SELECT: {bare_s:.2f} s, {bare_n} assigned")

        t0 = time.perf_counter()
        async with engine.begin() as conn:
            tiered = await case_repository.retier(conn, None)
        tier_s = time.perf_counter() - t0
        print(f"service tiering: {tier_s:.2f} s, {len(tiered)} cases")
        t0 = time.perf_counter()
        async with engine.begin() as conn:
            outcome = await assign_in_transaction(
                conn, TIER_ORDER, 0, now=NOW, today=TODAY, actor="bench"
            )
        assign_s = time.perf_counter() - t0
        print(f"service assignment: {assign_s:.2f} s, {outcome.assigned} assigned, "
              f"{outcome.unassigned} left unassigned")

        async with engine.connect() as conn:
            same = await conn.scalar(
                text(
                    "SELECT count(*) FROM bare_assignments b JOIN cases c "
                    "ON c.case_id = b.case_id AND c.tier = b.tier"
                )
            )
            loads = (
                await conn.execute(
                    text(
                        "SELECT a.tiers[1] AS tier, min(n), max(n) FROM agents a JOIN "
                        "(SELECT agent_id, count(*) n FROM cases WHERE agent_id IS NOT NULL "
                        "GROUP BY agent_id) x USING (agent_id) GROUP BY 1 ORDER BY 1"
                    )
                )
            ).all()
        total = tier_s + assign_s
        print(f"same tier in both paths: {same}/{bare_n}")
        for row in loads:
            print(f"  {row.tier}: agent loads {row.min}..{row.max}")
        print(f"service total {total:.2f} s vs reference {bare_s:.2f} s: "
              f"{total / bare_s:.2f}x (goal <= 3x)")
        print(f"machine: {platform.processor() or platform.machine()}, "
              f"python {platform.python_version()}")
        await engine.dispose()
    finally:
        await server.drop_database(name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=5000)
    asyncio.run(main(parser.parse_args()))
