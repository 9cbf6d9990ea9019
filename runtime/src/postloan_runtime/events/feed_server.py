"""The gRPC side of a service's event feed: ``postloan.common.v1.EventFeedService``.

``SubscribeEvents`` streams the backlog after the caller's position, then follows the feed as
the relay appends to it (woken by the relay's NOTIFY, polling as the safety net), with a
heartbeat carrying the head position when there is nothing to send. The stream never ends by
itself; consumers keep their own position and resubscribe after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import any_pb2
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan.common.v1 import events_pb2, events_pb2_grpc
from postloan_runtime.events.notify import NotificationWakeup
from postloan_runtime.events.tables import FEED_CHANNEL, event_feed_table

if TYPE_CHECKING:
    from postloan_runtime.app import RunningService

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 200
MAX_BATCH_SIZE = 1000
TYPE_URL_PREFIX = "type.googleapis.com/"


def envelope_from_row(row: Any, producer: str) -> events_pb2.EventEnvelope:
    """An ``event_feed`` row as the envelope consumers receive."""
    envelope = events_pb2.EventEnvelope(
        event_id=str(row.event_id),
        position=row.position,
        producer=producer,
        event_type=row.event_type,
        ordering_key=row.ordering_key,
        payload=any_pb2.Any(type_url=TYPE_URL_PREFIX + row.event_type, value=row.payload),
        trace_context=dict(row.trace_context or {}),
    )
    envelope.occurred_at.FromDatetime(row.occurred_at)
    return envelope


async def feed_head(engine: AsyncEngine) -> int:
    """Position of the newest event on the feed; 0 when empty."""
    async with engine.connect() as conn:
        head = await conn.scalar(select(func.coalesce(func.max(event_feed_table.c.position), 0)))
    return int(head or 0)


class EventFeedServicer(events_pb2_grpc.EventFeedServiceServicer):
    """Serves the events of the service whose database ``engine`` points at.

    ``producer`` is the service's kebab name, stamped on every envelope. ``poll_interval`` and
    ``heartbeat_interval`` are in seconds.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        producer: str = "",
        *,
        poll_interval: float = 0.5,
        heartbeat_interval: float = 5.0,
        listen: bool = True,
    ) -> None:
        self._engine = engine
        self._producer = producer
        self._poll_interval = poll_interval
        self._heartbeat_interval = heartbeat_interval
        self._wakeup = NotificationWakeup(engine, FEED_CHANNEL)
        self._listen = listen
        self._subscribers = 0

    async def GetFeedHead(
        self, request: events_pb2.GetFeedHeadRequest, context: grpc.aio.ServicerContext
    ) -> events_pb2.GetFeedHeadResponse:
        try:
            head = await feed_head(self._engine)
        except SQLAlchemyError:
            log.exception("event feed head unavailable")
            await context.abort(grpc.StatusCode.UNAVAILABLE, "event feed unavailable")
        return events_pb2.GetFeedHeadResponse(head_position=head)

    async def SubscribeEvents(
        self, request: events_pb2.SubscribeEventsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[events_pb2.SubscribeEventsResponse]:
        if request.after_position < 0 or request.batch_size < 0:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "after_position and batch_size must be >= 0"
            )
        batch_size = min(request.batch_size or DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE)
        self._subscribed()
        try:
            async for message in self._follow(
                request.after_position, list(request.event_types), batch_size
            ):
                yield message
        except SQLAlchemyError:
            log.exception("event feed read failed")
            await context.abort(grpc.StatusCode.UNAVAILABLE, "event feed unavailable")
        finally:
            await self._unsubscribed()

    async def _follow(
        self, cursor: int, event_types: Sequence[str], batch_size: int
    ) -> AsyncIterator[events_pb2.SubscribeEventsResponse]:
        loop = asyncio.get_running_loop()
        last_sent = loop.time()
        while True:
            token = self._wakeup.token()
            head, rows = await self._read(cursor, event_types, batch_size)
            for row in rows:
                yield events_pb2.SubscribeEventsResponse(
                    event=envelope_from_row(row, self._producer), head_position=head
                )
                cursor = row.position
            if rows:
                last_sent = loop.time()
            if len(rows) == batch_size:
                continue
            cursor = max(cursor, head)  # nothing else up to head matches the filter
            # Every matching event up to ``head`` has been sent: safe to report the head.
            if loop.time() - last_sent >= self._heartbeat_interval:
                yield events_pb2.SubscribeEventsResponse(head_position=head)
                last_sent = loop.time()
            await self._wakeup.wait(token, self._poll_interval)

    async def _read(
        self, cursor: int, event_types: Sequence[str], batch_size: int
    ) -> tuple[int, Sequence[Any]]:
        feed = event_feed_table
        async with self._engine.connect() as conn:
            head = int(
                await conn.scalar(select(func.coalesce(func.max(feed.c.position), 0))) or 0
            )
            if head <= cursor:
                return head, []
            query = (
                select(feed)
                .where(feed.c.position > cursor, feed.c.position <= head)
                .order_by(feed.c.position)
                .limit(batch_size)
            )
            if event_types:
                query = query.where(feed.c.event_type.in_(event_types))
            rows = (await conn.execute(query)).all()
        return head, rows

    # One LISTEN connection while anyone is subscribed, none otherwise.
    def _subscribed(self) -> None:
        self._subscribers += 1
        if self._listen:
            self._wakeup.start()

    async def _unsubscribed(self) -> None:
        self._subscribers -= 1
        if self._subscribers == 0:
            await self._wakeup.close()


def add_event_feed(server: grpc.aio.Server, running: RunningService) -> EventFeedServicer:
    """Serve the running service's event feed on ``server``; returns the servicer."""
    servicer = EventFeedServicer(running.engine, running.settings.name)
    events_pb2_grpc.add_EventFeedServiceServicer_to_server(servicer, server)
    return servicer
