"""The consuming side: apply each event of a producer's feed exactly once, in feed order.

For every event one transaction (1) advances this consumer's row in ``consumer_positions``
(locking it; an event at or below the stored position is skipped), (2) records the event id in
``inbox`` (a redelivered event is recognised there and its effect skipped), (3) runs the handler
on the same connection, then commits.
A crash anywhere rolls all four back together, so after a restart the consumer resubscribes from
its stored position and nothing is lost or applied twice. Events of types without a handler are
recorded in the inbox as skipped and the position moves past them.

A handler that raises rolls its event back; the consumer backs off and retries the same event
(delivery stays in order, so a poison event stops the feed for this consumer and shows as lag:
the producer's head carried by the failed message is still recorded, in a transaction of its
own, and the failure is logged with the event's position, id and type).

Lag (producer head - applied position) is kept in ``consumer_positions`` (:func:`consumer_lag`)
and exported as the OpenTelemetry gauge ``postloan.events.consumer_lag``.

A producer's head below the stored position means the producer's feed restarted (its database
restored or recreated): its new events at or below that position would be skipped. The
consumer does not rewind on its own (only an operator can tell a restore from a recreation);
it logs an error once and sets ``postloan.events.consumer_ahead_of_producer`` until the stored
position is moved back (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import grpc
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import Message
from opentelemetry import metrics, propagate, trace
from opentelemetry.metrics import CallbackOptions, Observation
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from postloan.common.v1 import events_pb2
from postloan_runtime.events.tables import consumer_positions_table, inbox_table
from postloan_runtime.events.transport import EventSource, GrpcEventSource

if TYPE_CHECKING:
    from postloan_runtime.app import RunningService, Worker

log = logging.getLogger(__name__)

# Applies one event's effect on ``conn`` (inside the consumer's transaction; do not commit).
EventHandler = Callable[[AsyncConnection, events_pb2.EventEnvelope, Message], Awaitable[None]]
# Keys: the event type's full protobuf name, or the generated message class itself.
Handlers = Mapping["str | type[Message]", EventHandler]

TRACER_NAME = "postloan_runtime.events"


class ConsumerLag(NamedTuple):
    position: int  # last applied feed position
    head: int  # producer's newest position as last seen
    lag: int  # head - position, in events


class _Registration(NamedTuple):
    message_class: type[Message]
    handler: EventHandler


def _registrations(handlers: Handlers) -> dict[str, _Registration]:
    registered: dict[str, _Registration] = {}
    for key, handler in handlers.items():
        if isinstance(key, str):
            descriptor = descriptor_pool.Default().FindMessageTypeByName(key)
            message_class = message_factory.GetMessageClass(descriptor)
        else:
            message_class = key
        registered[message_class.DESCRIPTOR.full_name] = _Registration(message_class, handler)
    return registered


class EventConsumer:
    """Applies ``producer``'s events from ``source`` to the database behind ``engine``.

    ``producer`` is the producing service's kebab name (the key of ``consumer_positions``).
    ``idle_timeout`` (seconds) resubscribes when not even a heartbeat arrived for that long.
    """

    def __init__(
        self,
        producer: str,
        source: EventSource,
        engine: AsyncEngine,
        handlers: Handlers,
        *,
        tracer_provider: trace.TracerProvider | None = None,
        idle_timeout: float = 30.0,
        max_backoff: float = 5.0,
    ) -> None:
        self.producer = producer
        self._source = source
        self._engine = engine
        self._handlers = _registrations(handlers)
        self._tracer = trace.get_tracer(TRACER_NAME, tracer_provider=tracer_provider)
        self._idle_timeout = idle_timeout
        self._max_backoff = max_backoff
        self.position = 0
        self.head = 0
        # True from a failed attempt to apply the next event until an event is applied.
        self.blocked = False
        # True from seeing the producer's head below the position until the stored position
        # is moved back (by an operator): it stays after the head passes the old position,
        # since the new events at or below it remain skipped.
        self.ahead_of_producer = False
        self._ahead_at_position = 0
        self._position_row_ready = False
        _watch_lag(self)

    async def run(self) -> None:
        """Consume until cancelled, resubscribing with backoff when the producer is away."""
        backoff = 0.1
        while True:
            event: events_pb2.EventEnvelope | None = None
            try:
                await self._ensure_position_row()
                async for message in self._messages(self.position):
                    if message.HasField("event"):
                        event = message.event
                        self._check_head(max(message.head_position, event.position))
                        await self.apply(event, message.head_position)
                        event = None
                        self.blocked = False
                    else:
                        self._check_head(message.head_position)
                        await self._record_head(message.head_position)
                    backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # producer away, database away, handler failed
                if event is not None:
                    self.blocked = True
                    self._log_failed_event(event, exc)
                else:
                    log.warning(
                        "event consumer for %s interrupted (%s); resubscribing",
                        self.producer,
                        type(exc).__name__,
                        exc_info=not _is_transport_error(exc),
                    )
            await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
            backoff = min(self._max_backoff, backoff * 2)

    def _log_failed_event(self, event: events_pb2.EventEnvelope, exc: Exception) -> None:
        # Position, id and type let an operator find the event; never the payload or the
        # exception's text here, which may carry personal data (the traceback has it, redacted).
        log.warning(
            "event consumer for %s could not apply event at position %d (event_id %s, "
            "event_type %s): %s; retrying it, the events behind it wait (lag grows)",
            self.producer,
            event.position,
            event.event_id,
            event.event_type,
            type(exc).__name__,
            exc_info=not _is_transport_error(exc),
            extra={
                "event_producer": self.producer,
                "event_position": event.position,
                "event_id": event.event_id,
                "event_type": event.event_type,
            },
        )

    def _check_head(self, head: int) -> None:
        if head >= self.position or self.ahead_of_producer:
            return
        self.ahead_of_producer = True
        self._ahead_at_position = self.position
        # Positions only, never a payload. Logged once: the gauge carries it from here.
        log.error(
            "event consumer for %s: the producer's head %d is below this consumer's stored "
            "position %d (the producer's database restored or recreated?); its events at or "
            "below position %d will be skipped until an operator moves the position back "
            "(see docs/operations.md, Event consumer ahead of its producer)",
            self.producer,
            head,
            self.position,
            self.position,
            extra={
                "event_producer": self.producer,
                "event_position": self.position,
                "producer_head": head,
            },
        )

    async def _messages(self, after: int) -> AsyncIterator[events_pb2.SubscribeEventsResponse]:
        stream = self._source.subscribe(after)
        try:
            while True:
                async with asyncio.timeout(self._idle_timeout):
                    message = await anext(stream)
                yield message
        except StopAsyncIteration:
            return
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _ensure_position_row(self) -> None:
        positions = consumer_positions_table
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(positions)
                .values(producer=self.producer, position=0, head_position=0)
                .on_conflict_do_nothing(index_elements=[positions.c.producer])
            )
            row = (
                await conn.execute(
                    select(positions.c.position, positions.c.head_position).where(
                        positions.c.producer == self.producer
                    )
                )
            ).one()
        self.position, self.head = row.position, row.head_position
        if self.ahead_of_producer and self.position < self._ahead_at_position:
            self.ahead_of_producer = False  # moved back by an operator: positions never go down
        self._position_row_ready = True

    async def apply(self, envelope: events_pb2.EventEnvelope, head_position: int = 0) -> bool:
        """Apply one event in its own transaction; True when its effect ran now (False when it
        had been applied before or has no handler)."""
        registration = self._handlers.get(envelope.event_type)
        if registration is None:
            return await self._apply(envelope, head_position, None)
        parent = propagate.extract(dict(envelope.trace_context))
        with self._tracer.start_as_current_span(
            f"{envelope.event_type} process",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "postloan.event_feed",
                "messaging.operation.type": "process",
                "messaging.source.name": self.producer,
                "messaging.message.id": envelope.event_id,
                "postloan.event.type": envelope.event_type,
                "postloan.event.position": envelope.position,
            },
        ):
            return await self._apply(envelope, head_position, registration)

    async def _apply(
        self,
        envelope: events_pb2.EventEnvelope,
        head_position: int,
        registration: _Registration | None,
    ) -> bool:
        if not self._position_row_ready:
            await self._ensure_position_row()
        head = max(head_position, envelope.position)
        try:
            return await self._apply_in_transaction(envelope, head, registration)
        except Exception:
            # The rollback took the head with it; without recording it apart a stuck consumer
            # would report lag 0 (heartbeats never come: the feed resends this event first).
            # Outside the failed transaction, which is over, so its row lock is released.
            await self._record_head_after_failure(head)
            raise

    async def _apply_in_transaction(
        self,
        envelope: events_pb2.EventEnvelope,
        head: int,
        registration: _Registration | None,
    ) -> bool:
        positions = consumer_positions_table
        applied = False
        async with self._engine.begin() as conn:
            # Advancing the position first locks this consumer's row, which serialises replicas
            # of the consumer; no row back means the event was applied before: skip it.
            advanced = await conn.scalar(
                update(positions)
                .where(
                    positions.c.producer == self.producer,
                    positions.c.position < envelope.position,
                )
                .values(
                    position=envelope.position,
                    head_position=func.greatest(positions.c.head_position, head),
                    updated_at=func.now(),
                )
                .returning(positions.c.position)
            )
            if advanced is None:
                return False
            first_time = await conn.scalar(
                insert(inbox_table)
                .values(
                    event_id=uuid.UUID(envelope.event_id),
                    producer=self.producer,
                    position=envelope.position,
                    event_type=envelope.event_type,
                )
                .on_conflict_do_nothing(index_elements=[inbox_table.c.event_id])
                .returning(inbox_table.c.event_id)
            )
            if first_time is not None and registration is not None:
                payload = registration.message_class()
                payload.ParseFromString(envelope.payload.value)
                await registration.handler(conn, envelope, payload)
                applied = True
            elif registration is None:
                log.debug("skipped event type %s without handler", envelope.event_type)
        self.position, self.head = envelope.position, max(self.head, head)
        return applied

    async def _record_head_after_failure(self, head_position: int) -> None:
        try:
            await self._record_head(head_position)
        except Exception as exc:  # e.g. the database is away: the original failure matters
            log.debug(
                "event consumer for %s could not record the head (%s)",
                self.producer,
                type(exc).__name__,
            )

    async def _record_head(self, head_position: int) -> None:
        if head_position <= self.head:
            return
        positions = consumer_positions_table
        async with self._engine.begin() as conn:
            await conn.execute(
                update(positions)
                .where(
                    positions.c.producer == self.producer,
                    positions.c.head_position < head_position,
                )
                .values(head_position=head_position, updated_at=func.now())
            )
        self.head = head_position


def _is_transport_error(exc: Exception) -> bool:
    return isinstance(exc, grpc.aio.AioRpcError | TimeoutError)


async def consumer_lag(engine: AsyncEngine) -> dict[str, ConsumerLag]:
    """Per producer: the applied position, the producer's head as last seen, and the lag."""
    positions = consumer_positions_table
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(positions.c.producer, positions.c.position, positions.c.head_position)
            )
        ).all()
    return {
        row.producer: ConsumerLag(
            row.position, row.head_position, max(0, row.head_position - row.position)
        )
        for row in rows
    }


def consumer_worker(
    producer_package: str,
    handlers: Handlers,
    *,
    source_factory: Callable[[RunningService], EventSource] | None = None,
) -> Worker:
    """A ``ServiceApp.workers`` entry consuming the events of ``producer_package`` (e.g.
    ``"monitoring"``) from its gRPC feed at ``POSTLOAN_<PACKAGE>_ADDRESS``, presenting the
    consuming service's own identity token, unless ``source_factory`` builds another source
    (e.g. a broker)."""
    from postloan_runtime.config import kebab_name, peer_address

    def identified_grpc_source(running: RunningService) -> EventSource:
        from postloan_runtime.auth import ServiceIdentity

        identity = ServiceIdentity.from_env(running.settings.package)
        return GrpcEventSource(peer_address(producer_package), metadata_provider=identity.metadata)

    async def consume(running: RunningService) -> None:
        source = (source_factory or identified_grpc_source)(running)
        consumer = EventConsumer(kebab_name(producer_package), source, running.engine, handlers)
        try:
            await consumer.run()
        finally:
            await source.close()

    return consume


# --- the lag gauge: reads the live consumers' last known positions (no I/O in the callback)
_live_consumers: weakref.WeakSet[EventConsumer] = weakref.WeakSet()
_gauge_created = False


def _observe_lag(options: CallbackOptions) -> Iterable[Observation]:
    for consumer in list(_live_consumers):
        yield Observation(
            max(0, consumer.head - consumer.position), {"producer": consumer.producer}
        )


def _observe_blocked(options: CallbackOptions) -> Iterable[Observation]:
    for consumer in list(_live_consumers):
        yield Observation(int(consumer.blocked), {"producer": consumer.producer})


def _observe_ahead(options: CallbackOptions) -> Iterable[Observation]:
    for consumer in list(_live_consumers):
        yield Observation(int(consumer.ahead_of_producer), {"producer": consumer.producer})


def _watch_lag(consumer: EventConsumer) -> None:
    global _gauge_created
    _live_consumers.add(consumer)
    if not _gauge_created:
        meter = metrics.get_meter(TRACER_NAME)
        meter.create_observable_gauge(
            "postloan.events.consumer_lag",
            callbacks=[_observe_lag],
            unit="{event}",
            description="Events on the producer's feed this consumer has not applied yet",
        )
        # Lag alone cannot tell a stuck consumer from a slow one; this can, at once.
        meter.create_observable_gauge(
            "postloan.events.consumer_blocked",
            callbacks=[_observe_blocked],
            unit="1",
            description="1 while applying the next event of the producer's feed fails",
        )
        # Lag is 0 then (max(0, head - position)): only this shows a producer that restarted.
        meter.create_observable_gauge(
            "postloan.events.consumer_ahead_of_producer",
            callbacks=[_observe_ahead],
            unit="1",
            description="1 from seeing the producer's head below the stored position until "
            "the position is moved back: the producer's events up to it are skipped",
        )
        _gauge_created = True
