"""End-to-end delivery over a real grpc.aio loopback server: each event applied once, in order,
a stopped consumer catches up, a consumer outlives its producer's restart."""

from __future__ import annotations

import asyncio
import uuid

import grpc
import pytest
from event_fixtures import (
    EVENT_TYPE,
    HANDLERS,
    Database,
    FeedServer,
    applied,
    change_loan,
    running,
    wait_for,
)
from google.protobuf.wrappers_pb2 import StringValue
from sqlalchemy import text

from postloan.common.v1 import events_pb2, events_pb2_grpc
from postloan_runtime.events import (
    DomainEventRecord,
    EventConsumer,
    EventSource,
    GrpcEventSource,
    append_events,
    consumer_lag,
    relay_once,
)

pytestmark = pytest.mark.integration


async def produce(db: Database, transactions: int, start: int = 0) -> None:
    for seq in range(start, start + transactions):
        async with db.engine.begin() as conn:
            await change_loan(conn, f"loan-{seq % 3}", seq)
    while await relay_once(db.engine):
        pass




def new_consumer(db: Database, source: EventSource) -> EventConsumer:
    return EventConsumer("producer", source, db.engine, HANDLERS, idle_timeout=2.0, max_backoff=0.3)


async def assert_applied_once_in_order(consumer_db: Database, expected: int) -> None:
    async with consumer_db.engine.connect() as conn:
        counts = (await conn.execute(text("SELECT applied_count FROM effects"))).scalars().all()
        violations = await conn.scalar(text("SELECT count(*) FROM order_violations"))
    assert len(counts) == expected
    assert set(counts) == {1}
    assert violations == 0


async def test_consumer_applies_each_event_once_and_catches_up(
    producer_db: Database, consumer_db: Database, feed_server: FeedServer
) -> None:
    source = GrpcEventSource(feed_server.target)
    await produce(producer_db, 40)
    async with running(new_consumer(consumer_db, source)):
        await wait_for(lambda: _equals(applied(consumer_db), 40))

    # Down while the producer goes on; back up, it continues from its stored position.
    await produce(producer_db, 25, start=40)
    assert (await consumer_lag(consumer_db.engine))["producer"].position == 40
    consumer = new_consumer(consumer_db, source)
    async with running(consumer):
        await wait_for(lambda: _equals(applied(consumer_db), 65))
        await wait_for(lambda: _lag_is_zero(consumer_db, 65))
        assert consumer.position == consumer.head == 65

    await assert_applied_once_in_order(consumer_db, 65)
    async with consumer_db.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM inbox")) == 65
    await source.close()


async def test_redelivered_event_is_not_applied_again(
    producer_db: Database, consumer_db: Database, feed_server: FeedServer
) -> None:
    await produce(producer_db, 3)
    source = GrpcEventSource(feed_server.target)
    consumer = new_consumer(consumer_db, source)
    async with running(consumer):
        await wait_for(lambda: _equals(applied(consumer_db), 3))

    first = await anext(source.subscribe(0))
    assert first.event.position == 1
    assert await consumer.apply(first.event, first.head_position) is False
    # Even with its position lost, the inbox recognises the event id.
    async with consumer_db.engine.begin() as conn:
        await conn.execute(text("UPDATE consumer_positions SET position = 0"))
    assert await consumer.apply(first.event, first.head_position) is False
    await assert_applied_once_in_order(consumer_db, 3)
    await source.close()


async def test_unknown_event_types_are_skipped_and_counted(
    producer_db: Database, consumer_db: Database, feed_server: FeedServer
) -> None:
    async with producer_db.engine.begin() as conn:
        await append_events(conn, [DomainEventRecord(StringValue(value="x"), "loan-9")])
    await produce(producer_db, 2)
    source = GrpcEventSource(feed_server.target)
    async with running(new_consumer(consumer_db, source)):
        await wait_for(lambda: _lag_is_zero(consumer_db, 3))
    assert await applied(consumer_db) == 2
    async with consumer_db.engine.connect() as conn:
        skipped = await conn.scalar(
            text("SELECT count(*) FROM inbox WHERE event_type = 'google.protobuf.StringValue'")
        )
    assert skipped == 1
    await source.close()


async def test_consumer_survives_producer_restart(
    producer_db: Database, consumer_db: Database, feed_server: FeedServer
) -> None:
    source = GrpcEventSource(feed_server.target)
    async with running(new_consumer(consumer_db, source)) as task:
        await produce(producer_db, 10)
        await wait_for(lambda: _equals(applied(consumer_db), 10))
        await feed_server.stop()
        await produce(producer_db, 10, start=10)
        await asyncio.sleep(0.5)  # the consumer retries against a closed port meanwhile
        assert not task.done()
        await feed_server.start()
        await wait_for(lambda: _equals(applied(consumer_db), 20))
    await assert_applied_once_in_order(consumer_db, 20)
    await source.close()


async def test_feed_filters_by_type_and_sends_heartbeats(
    producer_db: Database, feed_server: FeedServer
) -> None:
    async with grpc.aio.insecure_channel(feed_server.target) as channel:
        stub = events_pb2_grpc.EventFeedServiceStub(channel)
        empty = stub.SubscribeEvents(events_pb2.SubscribeEventsRequest())
        heartbeat = await asyncio.wait_for(anext(aiter(empty)), 5)
        assert not heartbeat.HasField("event")
        assert heartbeat.head_position == 0
        empty.cancel()

        async with producer_db.engine.begin() as conn:
            await append_events(conn, [DomainEventRecord(StringValue(value="a"), "loan-1")])
            await change_loan(conn, "loan-1", 0)
            await append_events(conn, [DomainEventRecord(StringValue(value="b"), "loan-1")])
        await relay_once(producer_db.engine)
        head = await stub.GetFeedHead(events_pb2.GetFeedHeadRequest())
        assert head.head_position == 3

        call = stub.SubscribeEvents(
            events_pb2.SubscribeEventsRequest(event_types=[EVENT_TYPE], batch_size=1)
        )
        message = await asyncio.wait_for(anext(aiter(call)), 5)
        assert (message.event.position, message.event.event_type) == (2, EVENT_TYPE)
        assert message.event.producer == "producer"
        uuid.UUID(message.event.event_id)
        assert message.event.payload.type_url.endswith("/" + EVENT_TYPE)
        assert message.head_position == 3
        call.cancel()

        bad = stub.SubscribeEvents(events_pb2.SubscribeEventsRequest(after_position=-1))
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await anext(aiter(bad))
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def _equals(value, expected: int) -> bool:
    return await value == expected


async def _lag_is_zero(db: Database, position: int) -> bool:
    lag = (await consumer_lag(db.engine)).get("producer")
    return lag is not None and lag.position == position and lag.lag == 0
