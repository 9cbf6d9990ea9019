"""A poison event (its handler raises): the consumer stops at it without moving past it, yet
its lag keeps counting what piles up behind, the failure names the event, and once the handler
is fixed the consumer catches up."""

from __future__ import annotations

import logging
import uuid

import pytest
from event_fixtures import (
    EVENT_TYPE,
    Database,
    FeedServer,
    applied,
    change_loan,
    record_effect,
    running,
    wait_for,
)
from sqlalchemy import text

from postloan_runtime.events import (
    ConsumerLag,
    EventConsumer,
    GrpcEventSource,
    consumer_lag,
    relay_once,
)
from postloan_runtime.events.consumer import _observe_blocked, _observe_lag

pytestmark = pytest.mark.integration

POISON_SEQ = 5  # the 6th change: feed position 6
PRODUCER = "poison-producer"  # unique among the process's live consumers (the gauges see all)
SECRET = "13812345678"  # shaped like a mobile number: must not reach the log line


class PoisonHandler:
    """record_effect, except that the poison event raises while ``poisoned`` is set."""

    def __init__(self) -> None:
        self.poisoned = True

    async def __call__(self, conn, envelope, payload) -> None:
        if self.poisoned and int(payload["seq"]) == POISON_SEQ:
            raise RuntimeError(f"cannot apply for {SECRET}")
        await record_effect(conn, envelope, payload)


async def produce(db: Database, start: int, stop: int) -> None:
    for seq in range(start, stop):
        async with db.engine.begin() as conn:
            await change_loan(conn, f"loan-{seq % 3}", seq)
    while await relay_once(db.engine):
        pass




def observed(callback, consumer: EventConsumer) -> int:
    # The gauges observe every live consumer of the process: pick this one by its name.
    return next(
        int(o.value)
        for o in callback(None)
        if o.attributes is not None and o.attributes["producer"] == consumer.producer
    )


async def test_poison_event_shows_as_lag_and_the_consumer_catches_up_once_fixed(
    producer_db: Database, consumer_db: Database, feed_server: FeedServer
) -> None:
    handler = PoisonHandler()
    source = GrpcEventSource(feed_server.target)
    consumer = EventConsumer(
        PRODUCER,
        source,
        consumer_db.engine,
        {EVENT_TYPE: handler},
        idle_timeout=2.0,
        max_backoff=0.3,
    )
    await produce(producer_db, 0, POISON_SEQ)
    try:
        async with running(consumer):
            await wait_for(lambda: _lag_is(consumer_db, consumer, POISON_SEQ, POISON_SEQ, 0))

            # The poison event at position 6 and 24 more behind it.
            await produce(producer_db, POISON_SEQ, 30)
            await wait_for(lambda: _lag_is(consumer_db, consumer, POISON_SEQ, 30, 1))
            assert await applied(consumer_db) == POISON_SEQ  # nothing past the poison event
            async with consumer_db.engine.connect() as conn:
                assert await conn.scalar(text("SELECT max(position) FROM inbox")) == POISON_SEQ

            handler.poisoned = False
            await wait_for(lambda: _lag_is(consumer_db, consumer, 30, 30, 0))
            assert await applied(consumer_db) == 30
        async with consumer_db.engine.connect() as conn:
            counts = (await conn.execute(text("SELECT applied_count FROM effects"))).scalars()
            assert set(counts) == {1}
            assert await conn.scalar(text("SELECT count(*) FROM order_violations")) == 0
    finally:
        await source.close()


async def _lag_is(
    db: Database, consumer: EventConsumer, position: int, head: int, blocked: int
) -> bool:
    """The lag as stored and as the gauges report it (the consumer updates its own figures
    just after committing, hence checked together and waited for)."""
    lag = (await consumer_lag(db.engine)).get(PRODUCER)
    return (
        lag == ConsumerLag(position, head, head - position)
        and observed(_observe_lag, consumer) == head - position
        and observed(_observe_blocked, consumer) == blocked
    )


async def test_failed_event_is_logged_with_its_position_id_and_type(
    producer_db: Database,
    consumer_db: Database,
    feed_server: FeedServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="postloan_runtime.events.consumer")
    source = GrpcEventSource(feed_server.target)
    consumer = EventConsumer(
        "producer",
        source,
        consumer_db.engine,
        {EVENT_TYPE: PoisonHandler()},
        idle_timeout=2.0,
        max_backoff=0.3,
    )
    await produce(producer_db, 0, POISON_SEQ + 2)
    async with producer_db.engine.connect() as conn:
        poison_id = await conn.scalar(
            text("SELECT event_id FROM produced WHERE seq = :seq"), {"seq": POISON_SEQ}
        )
        poison_loan = await conn.scalar(
            text("SELECT loan_id FROM produced WHERE seq = :seq"), {"seq": POISON_SEQ}
        )
    assert isinstance(poison_id, uuid.UUID)

    def failures() -> list[logging.LogRecord]:
        return [r for r in caplog.records if hasattr(r, "event_position")]

    async def logged() -> bool:
        return bool(failures())

    try:
        async with running(consumer):
            await wait_for(logged)
    finally:
        await source.close()
    record = failures()[0]
    assert record.levelno == logging.WARNING
    assert record.event_position == POISON_SEQ + 1  # type: ignore[attr-defined]
    assert record.event_id == str(poison_id)  # type: ignore[attr-defined]
    assert record.event_type == EVENT_TYPE  # type: ignore[attr-defined]
    message = record.getMessage()
    assert f"position {POISON_SEQ + 1}" in message
    assert str(poison_id) in message and EVENT_TYPE in message
    assert "RuntimeError" in message
    # Neither the payload nor the exception's text (personal data may be in either).
    assert poison_loan not in message and SECRET not in message
