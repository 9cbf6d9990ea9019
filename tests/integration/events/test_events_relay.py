"""The relay under concurrent producers: gap-free positions, each event once, per-loan order,
and a reader never sees a later position before an earlier one."""

from __future__ import annotations

import asyncio
import random

import pytest
from event_fixtures import Database, change_loan
from sqlalchemy import select, text

from postloan_runtime.events import relay_once, run_relay
from postloan_runtime.events.tables import event_feed_table

pytestmark = pytest.mark.integration

PRODUCERS = 6
TRANSACTIONS_EACH = 25
LOANS = 4


async def test_concurrent_producers_get_gap_free_ordered_positions(
    producer_db: Database,
) -> None:
    engine = producer_db.engine
    rng = random.Random(20240601)

    async def produce(worker: int) -> None:
        for seq in range(TRANSACTIONS_EACH):
            async with engine.begin() as conn:
                # Loans locked in one global order, as a real producer would, to avoid deadlocks.
                for loan in sorted(rng.sample(range(LOANS), rng.randint(1, 3))):
                    await change_loan(conn, f"loan-{loan}", worker * 1000 + seq)
                if rng.random() < 0.2:  # a slow transaction holding its outbox ids uncommitted
                    await asyncio.sleep(rng.uniform(0.01, 0.05))

    snapshots_checked = 0

    async def read_feed_while_producing(done: asyncio.Event) -> None:
        # At every snapshot the visible positions are exactly 1..max: nothing appears early.
        nonlocal snapshots_checked
        while not done.is_set():
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        text("SELECT count(*) AS n, coalesce(max(position), 0) AS head "
                             "FROM event_feed")
                    )
                ).one()
            assert row.n == row.head
            snapshots_checked += 1
            await asyncio.sleep(0.005)

    stop, done = asyncio.Event(), asyncio.Event()
    relays = [
        asyncio.create_task(run_relay(engine, batch_size=7, poll_interval=0.005, stop=stop))
        for _ in range(2)  # the second one must only ever skip its turn
    ]
    reader = asyncio.create_task(read_feed_while_producing(done))
    await asyncio.gather(*(produce(worker) for worker in range(PRODUCERS)))
    stop.set()
    done.set()
    await asyncio.gather(*relays, reader)
    while await relay_once(engine):
        pass

    async with engine.connect() as conn:
        feed = (
            await conn.execute(select(event_feed_table).order_by(event_feed_table.c.position))
        ).all()
        produced = (
            await conn.execute(text("SELECT event_id, loan_id, version FROM produced"))
        ).all()
        outbox_left = await conn.scalar(text("SELECT count(*) FROM outbox"))

    assert outbox_left == 0
    assert snapshots_checked > 0
    assert [row.position for row in feed] == list(range(1, len(produced) + 1))
    assert sorted(row.event_id for row in feed) == sorted(row.event_id for row in produced)
    version_of = {row.event_id: (row.loan_id, row.version) for row in produced}
    last_version: dict[str, int] = {}
    for row in feed:
        loan_id, version = version_of[row.event_id]
        assert row.ordering_key == loan_id
        assert version == last_version.get(loan_id, 0) + 1, f"{loan_id} out of order"
        last_version[loan_id] = version
