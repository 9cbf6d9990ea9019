"""Monitoring's consumer of restructuring's event feed: the classification floor of a
restructured loan's observation period (LoanClassificationFloorSet / …Lifted), stored on the
loan and applied at once; ClassificationChanged is written in the consumer's transaction.

Restructuring also calls monitoring (GetLoan, ReplaceSchedule). Neither start-up waits for the
other: this consumer is a background worker that resubscribes with backoff while restructuring
is away, and resumes from its stored position."""

from __future__ import annotations

import datetime as dt

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.adapters.protobuf import CLASSIFICATION_FROM_PROTO
from monitoring.domain.delinquency import ClassificationThresholds
from monitoring.domain.loans import Classification
from monitoring.service_layer.classification_floors import FloorChange, apply_floor_change
from postloan.common.v1 import events_pb2 as common_events_pb2
from postloan.common.v1 import money_pb2
from postloan.restructuring.v1 import events_pb2 as restructuring_events_pb2
from postloan_runtime.app import Worker
from postloan_runtime.events.consumer import Handlers, consumer_worker
from postloan_runtime.events.outbox import append_events
from postloan_runtime.proto_convert import date_from_proto, timestamp_from_proto

# The regulatory floor when an event leaves it unspecified (the 2023 measures: substandard).
DEFAULT_FLOOR = Classification.SUBSTANDARD


def _business_date(
    date: money_pb2.Date, envelope: common_events_pb2.EventEnvelope
) -> dt.date:
    """The event's business date, or (never expected) the UTC date it occurred on: an unset
    date must not stop the feed."""
    if date.year:
        return date_from_proto(date)
    return timestamp_from_proto(envelope.occurred_at).date()


def restructuring_handlers(
    thresholds: ClassificationThresholds = ClassificationThresholds(),  # noqa: B008 - frozen
) -> Handlers:
    """The handlers of restructuring's feed, classifying by ``thresholds``."""

    async def on_floor_set(
        conn: AsyncConnection, envelope: common_events_pb2.EventEnvelope, payload: Message
    ) -> None:
        assert isinstance(payload, restructuring_events_pb2.LoanClassificationFloorSet)  # noqa: S101
        floor = CLASSIFICATION_FROM_PROTO.get(payload.floor, DEFAULT_FLOOR)
        if floor is Classification.NORMAL:
            floor = DEFAULT_FLOOR  # a floor of "normal" would be no floor at all
        change = FloorChange(
            loan_id=payload.loan_id, plan_id=payload.plan_id,
            on=_business_date(payload.started_on, envelope), source_event_id=envelope.event_id,
            floor=floor,
        )
        await append_events(conn, await apply_floor_change(conn, change, thresholds))

    async def on_floor_lifted(
        conn: AsyncConnection, envelope: common_events_pb2.EventEnvelope, payload: Message
    ) -> None:
        assert isinstance(payload, restructuring_events_pb2.LoanClassificationFloorLifted)  # noqa: S101
        change = FloorChange(
            loan_id=payload.loan_id, plan_id=payload.plan_id,
            on=_business_date(payload.lifted_on, envelope), source_event_id=envelope.event_id,
        )
        await append_events(conn, await apply_floor_change(conn, change, thresholds))

    return {
        restructuring_events_pb2.LoanClassificationFloorSet: on_floor_set,
        restructuring_events_pb2.LoanClassificationFloorLifted: on_floor_lifted,
    }


def restructuring_consumer_worker(
    thresholds: ClassificationThresholds = ClassificationThresholds(),  # noqa: B008 - frozen
) -> Worker:
    """The ``ServiceApp.workers`` entry consuming restructuring's feed."""
    return consumer_worker("restructuring", restructuring_handlers(thresholds))
