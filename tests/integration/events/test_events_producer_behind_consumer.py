"""A producer whose feed restarts below a consumer's stored position (its database restored
from a backup or recreated): the consumer does not rewind on its own, but says so at once: an
error naming the producer, the position and the head (never a payload), and the gauge
``postloan.events.consumer_ahead_of_producer`` at 1, kept while the producer's new events at
or below the old position stay skipped (after the head passes it too), until an operator moves
the position back."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest
from event_fixtures import (
    EVENT_TYPE,
    PRODUCER_SCHEMA,
    Database,
    FeedServer,
    change_loan,
    create_schema,
    record_effect,
    wait_for,
)
from sqlalchemy import text

from postloan_runtime.db import create_engine
from postloan_runtime.events import EventConsumer, GrpcEventSource, relay_once
from postloan_runtime.events import consumer as consumer_module

pytestmark = pytest.mark.integration

PRODUCER = "restored-producer"  # unique among the process's live consumers (the gauges see all)


async def produce(engine, start: int, stop: int, loan_prefix: str = "loan") -> None:
    for seq in range(start, stop):
        async with engine.begin() as conn:
            await change_loan(conn, f"{loan_prefix}-{seq}", seq)
    while await relay_once(engine):
        pass


async def scalar(db: Database, sql: str) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(text(sql)) or 0)


def ahead_gauge(consumer: EventConsumer) -> int:
    return next(
        int(o.value)
        for o in consumer_module._observe_ahead(None)  # type: ignore[attr-defined]
        if o.attributes is not None and o.attributes["producer"] == consumer.producer
    )


async def test_a_producer_head_below_the_position_is_reported_not_rewound(
    producer_db: Database, consumer_db: Database, feed_server: FeedServer, make_database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="postloan_runtime.events.consumer")
    source = GrpcEventSource(feed_server.target)
    consumer = EventConsumer(PRODUCER, source, consumer_db.engine, {EVENT_TYPE: record_effect},
                             idle_timeout=2.0, max_backoff=0.3)
    await produce(producer_db.engine, 0, 10)
    restored_url = await make_database("restored")
    restored = create_engine(restored_url, pool_size=3)
    await create_schema(restored, PRODUCER_SCHEMA)
    # The producer comes back at the same address on a new database with 3 events.
    await produce(restored, 0, 3, loan_prefix="secret-loan")
    replacement = FeedServer(restored)
    replacement.port = feed_server.port
    task = asyncio.create_task(consumer.run())
    try:
        await wait_for(lambda: scalar(consumer_db, "SELECT count(*) FROM effects"))
        await wait_for(lambda: _equal(scalar(consumer_db, "SELECT count(*) FROM effects"), 10))
        assert not caplog.records

        await feed_server.stop()
        await replacement.start()

        def reports() -> list[logging.LogRecord]:
            return [r for r in caplog.records if hasattr(r, "producer_head")]

        async def reported() -> bool:
            return bool(reports())

        await wait_for(reported)
        record = reports()[0]
        assert record.levelno == logging.ERROR
        assert (record.event_producer, record.event_position, record.producer_head) == (  # type: ignore[attr-defined]
            PRODUCER, 10, 3)
        message = record.getMessage()
        assert PRODUCER in message and "position 10" in message and "head 3" in message
        assert "secret-loan" not in message and "loan-" not in message
        assert ahead_gauge(consumer) == 1
        assert await scalar(consumer_db, "SELECT position FROM consumer_positions") == 10

        # The producer passes the old position: only its events above it arrive; the ones at
        # or below it stay skipped (no automatic rewind), so the gauge stays up.
        await produce(restored, 3, 12, loan_prefix="secret-loan")
        await wait_for(lambda: _equal(
            scalar(consumer_db, "SELECT position FROM consumer_positions"), 12))
        assert await scalar(consumer_db, "SELECT count(*) FROM effects") == 12
        assert ahead_gauge(consumer) == 1
        assert len(reports()) == 1  # reported once, not on every heartbeat

        # The operator action for a recreated producer (docs/operations.md): consumer stopped,
        # position moved back to 0, started again: the skipped events are applied, the ones
        # applied already (11, 12) are recognised in the inbox, and the gauge drops.
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with consumer_db.engine.begin() as conn:
            await conn.execute(text(
                "UPDATE consumer_positions SET position = 0, head_position = 0"
                " WHERE producer = :p"), {"p": PRODUCER})
        task = asyncio.create_task(consumer.run())
        await wait_for(lambda: _equal(scalar(consumer_db, "SELECT count(*) FROM effects"), 22))
        assert ahead_gauge(consumer) == 0
        assert await scalar(consumer_db, "SELECT max(applied_count) FROM effects") == 1
        assert len(reports()) == 1
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await source.close()
        await replacement.stop()
        await restored.dispose()


async def _equal(value, expected: int) -> bool:
    return await value == expected
