"""The columns the daily cycle rewrites on every delinquent loan each business date are in no
index of ``loans`` (neither a key nor a partial index's predicate), so that rewrite can be a
heap-only update: no new entry in any index, whose pages on a large book are mostly not in
memory (migration 0009)."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import text

from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head

pytestmark = pytest.mark.integration

# What the daily cycle's loan update sets each day for a delinquent loan
# (monitoring.adapters.daily_cycle_sql); classification changes rarely and is left out.
REWRITTEN_DAILY = ("days_past_due", "bucket", "status_as_of", "breach_reported_plan_id")


async def test_no_index_of_loans_reads_a_column_rewritten_daily(make_database) -> None:
    url = await make_database("mon_loan_indexes")
    await asyncio.to_thread(upgrade_head, "monitoring", url)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            definitions = (await conn.scalars(text(
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = 'loans'::regclass"
            ))).all()
            fillfactor = await conn.scalar(text(
                "SELECT reloptions FROM pg_class WHERE oid = 'loans'::regclass"
            ))
    finally:
        await engine.dispose()
    assert any("ix_loans_not_current" in d for d in definitions)
    offending = [
        d for d in definitions
        if any(re.search(rf"\b{column}\b", d) for column in REWRITTEN_DAILY)
    ]
    assert offending == []
    assert fillfactor == ["fillfactor=90"]  # room on the page for the new version
