"""The producing side of the event feed: domain events written to the ``outbox`` table in the
same transaction as the state change they describe.

A producer must lock (``SELECT … FOR UPDATE``) or update its aggregate row (e.g. the loan)
*before* appending that aggregate's events. Two transactions touching the same loan then commit
one after the other and the second one's outbox rows get the higher ids, so the relay, which
moves rows in commit order, keeps per-loan order on the feed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from google.protobuf.message import Message
from opentelemetry import propagate
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from postloan_runtime.events.tables import outbox_table


@dataclass(frozen=True)
class DomainEventRecord:
    """One domain event about to be written to the outbox.

    ``payload`` is the event's protobuf message (its full name becomes the event type);
    ``ordering_key`` names the aggregate (usually the loan id): events with the same key are
    delivered in the order they were appended.
    """

    payload: Message
    ordering_key: str
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def event_type(self) -> str:
        return self.payload.DESCRIPTOR.full_name


def current_trace_context() -> dict[str, str]:
    """The current span's W3C trace context (``traceparent``/``tracestate``) as a dict."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


async def append_events(conn: AsyncConnection, events: Sequence[DomainEventRecord]) -> None:
    """Insert ``events`` into the outbox inside the caller's open transaction.

    Nothing is sent here: the events become visible to the relay only when the caller commits,
    and vanish with its rollback. Lock or update the aggregate row first (see module docs).
    """
    if not events:
        return
    trace_context = current_trace_context()
    await conn.execute(
        insert(outbox_table),
        [
            {
                "event_id": event.event_id,
                "event_type": event.event_type,
                "ordering_key": event.ordering_key,
                "payload": event.payload.SerializeToString(deterministic=True),
                "trace_context": trace_context,
            }
            for event in events
        ],
    )
