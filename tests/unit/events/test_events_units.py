"""Pure pieces of the events package: event records, handler registration, envelopes, lag."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from google.protobuf.struct_pb2 import Struct
from google.protobuf.wrappers_pb2 import StringValue
from opentelemetry.sdk.trace import TracerProvider

from postloan_runtime.events import DomainEventRecord, EventSource, GrpcEventSource
from postloan_runtime.events.consumer import EventConsumer, _observe_lag, _registrations
from postloan_runtime.events.feed_server import envelope_from_row
from postloan_runtime.events.outbox import current_trace_context

pytestmark = pytest.mark.unit


async def _noop(conn, envelope, payload) -> None:
    return None


def test_event_record_takes_its_type_from_the_payload() -> None:
    record = DomainEventRecord(StringValue(value="x"), ordering_key="loan-1")
    assert record.event_type == "google.protobuf.StringValue"
    assert isinstance(record.event_id, uuid.UUID)
    assert record.event_id != DomainEventRecord(StringValue(), "loan-1").event_id


def test_handlers_register_by_name_or_class() -> None:
    registered = _registrations({"google.protobuf.Struct": _noop, StringValue: _noop})
    assert registered["google.protobuf.Struct"].message_class is Struct
    assert registered["google.protobuf.StringValue"].message_class is StringValue


def test_unknown_handler_type_name_fails_at_start_up() -> None:
    with pytest.raises(KeyError):
        _registrations({"postloan.nowhere.v1.Nothing": _noop})


def test_envelope_carries_the_feed_row() -> None:
    event_id = uuid.uuid4()
    row = SimpleNamespace(
        event_id=event_id,
        position=7,
        event_type="google.protobuf.StringValue",
        ordering_key="loan-1",
        payload=StringValue(value="x").SerializeToString(),
        trace_context={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"},
        occurred_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    envelope = envelope_from_row(row, "monitoring")
    assert envelope.event_id == str(event_id)
    assert (envelope.position, envelope.producer) == (7, "monitoring")
    assert envelope.payload.Is(StringValue.DESCRIPTOR)
    assert envelope.trace_context["traceparent"] == row.trace_context["traceparent"]
    assert envelope.occurred_at.ToDatetime(tzinfo=UTC) == row.occurred_at


def test_trace_context_is_injected_from_the_current_span() -> None:
    assert current_trace_context() == {}  # no span, nothing to continue
    tracer = TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("s") as span:
        carrier = current_trace_context()
    assert f"{span.get_span_context().trace_id:032x}" in carrier["traceparent"]


def test_grpc_source_is_an_event_source() -> None:
    assert isinstance(GrpcEventSource("127.0.0.1:1"), EventSource)


def test_lag_gauge_observes_live_consumers() -> None:
    consumer = EventConsumer(
        "unit-producer", GrpcEventSource("127.0.0.1:1"), engine=None, handlers={}  # type: ignore[arg-type]
    )
    consumer.position, consumer.head = 40, 45
    observed = {
        o.attributes["producer"]: o.value for o in _observe_lag(None)  # type: ignore[arg-type]
    }
    assert observed["unit-producer"] == 5
