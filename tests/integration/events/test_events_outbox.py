"""Outbox atomicity: events exist exactly when the state change that produced them commits."""

from __future__ import annotations

import pytest
from event_fixtures import EVENT_TYPE, Database, change_loan
from google.protobuf.struct_pb2 import Struct
from google.protobuf.wrappers_pb2 import StringValue
from sqlalchemy import func, select, text

from postloan_runtime.events import DomainEventRecord, append_events, relay_once
from postloan_runtime.events.tables import event_feed_table, outbox_table

pytestmark = pytest.mark.integration


class Boom(Exception):
    pass


async def count(db: Database, table) -> int:
    async with db.engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(table))


async def test_rolled_back_transaction_leaves_no_event(producer_db: Database) -> None:
    with pytest.raises(Boom):
        async with producer_db.engine.begin() as conn:
            await change_loan(conn, "loan-1", seq=1)
            raise Boom

    assert await relay_once(producer_db.engine) == 0
    assert await count(producer_db, outbox_table) == 0
    assert await count(producer_db, event_feed_table) == 0
    async with producer_db.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM loans")) == 0


async def test_committed_transaction_reaches_the_feed(producer_db: Database) -> None:
    async with producer_db.engine.begin() as conn:
        event_id = await change_loan(conn, "loan-1", seq=1)
        await append_events(conn, [])  # nothing to append is a no-op

    async with producer_db.engine.connect() as conn:
        row = (await conn.execute(select(outbox_table))).one()
    assert row.event_id == event_id
    assert row.event_type == EVENT_TYPE
    assert row.ordering_key == "loan-1"
    payload = Struct()
    payload.ParseFromString(row.payload)
    assert payload["loan_id"] == "loan-1"
    assert payload["version"] == 1

    assert await relay_once(producer_db.engine) == 1
    assert await count(producer_db, outbox_table) == 0
    async with producer_db.engine.connect() as conn:
        feed_row = (await conn.execute(select(event_feed_table))).one()
    assert (feed_row.position, feed_row.event_id) == (1, event_id)
    assert feed_row.payload == row.payload


async def test_events_appended_together_keep_their_order(producer_db: Database) -> None:
    # Shuffled ordering keys: the outbox order must be the list's, not the keys' or the ids'.
    keys = [f"loan-{n}" for n in (7, 2, 9, 1, 5, 3)]
    records = [DomainEventRecord(StringValue(value=str(n)), key) for n, key in enumerate(keys)]
    async with producer_db.engine.begin() as conn:
        await append_events(conn, records)
    async with producer_db.engine.connect() as conn:
        rows = (await conn.execute(select(outbox_table).order_by(outbox_table.c.id))).all()
    assert [r.event_id for r in rows] == [r.event_id for r in records]
    assert [r.ordering_key for r in rows] == keys
    assert [StringValue.FromString(r.payload).value for r in rows] == [str(n) for n in range(6)]
    assert all(r.event_type == "google.protobuf.StringValue" for r in rows)
