"""What the event tests and their subprocesses share: a tiny producer domain (loans with a
version; each change appends one event) and a consumer effect table that counts applications.

Payloads are ``google.protobuf.Struct`` so the tests do not depend on any service's contracts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import grpc
from google.protobuf.struct_pb2 import Struct
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from postloan.common.v1 import events_pb2, events_pb2_grpc
from postloan_runtime.db import new_metadata
from postloan_runtime.events import (
    DomainEventRecord,
    EventConsumer,
    EventFeedServicer,
    append_events,
)

EVENT_TYPE = Struct.DESCRIPTOR.full_name

PRODUCER_SCHEMA = [
    "CREATE TABLE loans (loan_id text PRIMARY KEY, version int NOT NULL)",
    # One row per event the producer committed, written in the same transaction.
    "CREATE TABLE produced (event_id uuid PRIMARY KEY, seq int NOT NULL, loan_id text NOT NULL,"
    " version int NOT NULL)",
]
CONSUMER_SCHEMA = [
    "CREATE TABLE effects (event_id uuid PRIMARY KEY, loan_id text NOT NULL,"
    " version int NOT NULL, position bigint NOT NULL, applied_count int NOT NULL DEFAULT 1)",
    "CREATE TABLE loan_versions (loan_id text PRIMARY KEY, version int NOT NULL)",
    "CREATE TABLE order_violations (event_id uuid NOT NULL, loan_id text NOT NULL,"
    " expected int NOT NULL, got int NOT NULL)",
]


async def create_schema(engine: AsyncEngine, statements: list[str]) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(new_metadata().create_all)
        for statement in statements:
            await conn.execute(text(statement))


async def change_loan(conn: AsyncConnection, loan_id: str, seq: int) -> uuid.UUID:
    """Bump the loan's version (locking its row first, as producers must) and append the
    event describing it; returns the event id."""
    version = await conn.scalar(
        text(
            "INSERT INTO loans VALUES (:loan_id, 1) ON CONFLICT (loan_id)"
            " DO UPDATE SET version = loans.version + 1 RETURNING version"
        ),
        {"loan_id": loan_id},
    )
    payload = Struct()
    payload.update({"loan_id": loan_id, "version": version, "seq": seq})
    record = DomainEventRecord(payload=payload, ordering_key=loan_id)
    await conn.execute(
        text("INSERT INTO produced VALUES (:event_id, :seq, :loan_id, :version)"),
        {"event_id": record.event_id, "seq": seq, "loan_id": loan_id, "version": version},
    )
    await append_events(conn, [record])
    return record.event_id


async def record_effect(
    conn: AsyncConnection, envelope: events_pb2.EventEnvelope, payload: Struct
) -> None:
    """The consumer's effect: count applications per event id and check per-loan order."""
    loan_id, version = payload["loan_id"], int(payload["version"])
    await conn.execute(
        text(
            "INSERT INTO effects VALUES (:event_id, :loan_id, :version, :position)"
            " ON CONFLICT (event_id) DO UPDATE SET applied_count = effects.applied_count + 1"
        ),
        {
            "event_id": uuid.UUID(envelope.event_id),
            "loan_id": loan_id,
            "version": version,
            "position": envelope.position,
        },
    )
    previous = await conn.scalar(
        text("SELECT version FROM loan_versions WHERE loan_id = :loan_id"), {"loan_id": loan_id}
    )
    if (previous or 0) + 1 != version:
        await conn.execute(
            text("INSERT INTO order_violations VALUES (:event_id, :loan_id, :expected, :got)"),
            {
                "event_id": uuid.UUID(envelope.event_id),
                "loan_id": loan_id,
                "expected": (previous or 0) + 1,
                "got": version,
            },
        )
    await conn.execute(
        text(
            "INSERT INTO loan_versions VALUES (:loan_id, :version) ON CONFLICT (loan_id)"
            " DO UPDATE SET version = excluded.version"
        ),
        {"loan_id": loan_id, "version": version},
    )


HANDLERS = {EVENT_TYPE: record_effect}


@dataclass
class Database:
    url: str
    engine: AsyncEngine


class FeedServer:
    """The producer's feed on 127.0.0.1; stop() and start() again keep the same port."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.port = 0
        self._server: grpc.aio.Server | None = None

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        server = grpc.aio.server()
        events_pb2_grpc.add_EventFeedServiceServicer_to_server(
            EventFeedServicer(
                self._engine, "producer", poll_interval=0.05, heartbeat_interval=0.3
            ),
            server,
        )
        self.port = server.add_insecure_port(f"127.0.0.1:{self.port}")
        await server.start()
        self._server = server

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop(grace=None)
            self._server = None


# --- waiting on a running consumer (the in-process tests) ---------------------------------


async def wait_for(condition: Callable[[], Awaitable[object]], seconds: float = 15.0) -> None:
    """Until ``condition()`` is truthy, failing the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "timed out"  # noqa: S101 - a test helper
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running(consumer: EventConsumer) -> AsyncIterator[asyncio.Task[None]]:
    """The consumer running in a task for the block, cancelled after it."""
    task = asyncio.create_task(consumer.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def applied(db: Database) -> int:
    """How many events the consumer's effect table holds."""
    async with db.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT count(*) FROM effects")) or 0)
