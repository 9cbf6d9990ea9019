"""The producing side of the event feed: domain events written to the ``outbox`` table in the
same transaction as the state change they describe.

A producer must lock (``SELECT … FOR UPDATE``) or update its aggregate row (e.g. the loan)
*before* appending that aggregate's events. Two transactions touching the same loan then commit
one after the other and the second one's outbox rows get the higher ids, so the relay, which
moves rows in commit order, keeps per-loan order on the feed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from google.protobuf.message import Message
from opentelemetry import propagate
from sqlalchemy.ext.asyncio import AsyncConnection

from postloan_runtime.direct_sql import DirectStatement

# The same rows as one statement whatever their number, for composing with another write in
# one round trip (the unit of work puts the idempotent response in front of it): arrays
# unnested in list order, and ORDER BY the ordinality so the outbox ids keep that order.
# Parameters: see event_arrays(); ``trace_context`` is JSON text.
OUTBOX_INSERT_UNNEST_SQL: Final = (
    "INSERT INTO outbox (event_id, event_type, ordering_key, payload, trace_context) "
    "SELECT e.event_id, e.event_type, e.ordering_key, e.payload, CAST(:trace_context AS jsonb) "
    "FROM unnest(CAST(:event_ids AS uuid[]), CAST(:event_types AS varchar[]), "
    "CAST(:ordering_keys AS varchar[]), CAST(:payloads AS bytea[])) "
    "WITH ORDINALITY AS e(event_id, event_type, ordering_key, payload, n) ORDER BY e.n"
)
_INSERT_OUTBOX_UNNEST: Final = DirectStatement(OUTBOX_INSERT_UNNEST_SQL)


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
    # One statement whatever their number: a daily-cycle batch appends thousands, and the
    # unnested arrays write them in a third of the time row-by-row inserts take.
    await _INSERT_OUTBOX_UNNEST.execute(conn, event_arrays(events))


def event_arrays(events: Sequence[DomainEventRecord]) -> dict[str, Any]:
    """The parameters of :data:`OUTBOX_INSERT_UNNEST_SQL` for ``events`` (with the current
    trace context, as JSON text), for a :class:`~postloan_runtime.direct_sql.DirectStatement`."""
    return {
        "event_ids": [event.event_id for event in events],
        "event_types": [event.event_type for event in events],
        "ordering_keys": [event.ordering_key for event in events],
        "payloads": [event.payload.SerializeToString(deterministic=True) for event in events],
        "trace_context": json.dumps(current_trace_context()),
    }
