"""Monitoring's consumer of credit_inquiry's event feed: each InquiryCompleted is stored in
``borrower_inquiries`` (score, recent inquiry counts) and checked by the inquiry-spike and
score-drop rules; alerts and EarlyWarningRaised are written in the consumer's transaction."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.domain.early_warning import EarlyWarningPolicy, InquirySignal
from monitoring.service_layer.early_warning import record_inquiry
from postloan.common.v1 import events_pb2 as common_events_pb2
from postloan.credit_inquiry.v1 import events_pb2 as inquiry_events_pb2
from postloan.credit_inquiry.v1 import resources_pb2 as inquiry_resources_pb2
from postloan_runtime.app import Worker
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.events.consumer import EventHandler, consumer_worker
from postloan_runtime.events.outbox import append_events
from postloan_runtime.proto_convert import timestamp_from_proto


def inquiry_completed_handler(
    clock: Clock | None = None,
    policy: EarlyWarningPolicy = EarlyWarningPolicy(),  # noqa: B008 - frozen
) -> EventHandler:
    clock = clock or SystemClock()

    async def on_inquiry_completed(
        conn: AsyncConnection, envelope: common_events_pb2.EventEnvelope, payload: Message
    ) -> None:
        assert isinstance(payload, inquiry_events_pb2.InquiryCompleted)  # noqa: S101
        if not payload.inquiry_id or not payload.borrower_id:
            return  # nothing to key it by; the feed's contract says this does not happen
        completed_at = (
            timestamp_from_proto(payload.completed_at) if payload.HasField("completed_at")
            else clock.now()
        )
        features = payload.risk_features
        signal = InquirySignal(
            score=payload.score.score if payload.HasField("score") else None,
            # An unavailable count (its section not authorized) reads 0: no signal, not zero.
            inquiries_1m=(
                features.inquiries_last_1_month
                if payload.HasField("risk_features")
                and "inquiries_last_1_month" not in features.unavailable_features
                else None
            ),
        )
        events = await record_inquiry(
            conn,
            inquiry_id=payload.inquiry_id,
            borrower_id=payload.borrower_id,
            completed_at=completed_at,
            business_date=completed_at.astimezone(clock.zone).date(),
            hard=payload.inquiry_type == inquiry_resources_pb2.INQUIRY_TYPE_HARD,
            signal=signal,
            now=clock.now(),
            policy=policy,
        )
        await append_events(conn, events)

    return on_inquiry_completed


def inquiry_consumer_worker(clock: Clock | None = None) -> Worker:
    """The ``ServiceApp.workers`` entry consuming credit_inquiry's feed."""
    return consumer_worker(
        "credit_inquiry", {inquiry_events_pb2.InquiryCompleted: inquiry_completed_handler(clock)}
    )
