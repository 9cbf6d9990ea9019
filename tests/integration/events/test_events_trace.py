"""W3C trace context travels through the feed: the consumer's span continues the producer's
trace (same trace id, parent = the producing span)."""

from __future__ import annotations

import asyncio
import time

import pytest
from event_fixtures import EVENT_TYPE, HANDLERS, Database, FeedServer, change_loan
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from postloan_runtime.events import EventConsumer, GrpcEventSource, relay_once

pytestmark = pytest.mark.integration


async def test_consumer_span_continues_producer_trace(
    producer_db: Database, consumer_db: Database, feed_server: FeedServer
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()  # local: the global provider stays untouched
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    with provider.get_tracer("test.producer").start_as_current_span("ChangeLoan") as producing:
        async with producer_db.engine.begin() as conn:
            await change_loan(conn, "loan-1", 1)
    await relay_once(producer_db.engine)

    source = GrpcEventSource(feed_server.target)
    consumer = EventConsumer(
        "producer", source, consumer_db.engine, HANDLERS, tracer_provider=provider
    )
    task = asyncio.create_task(consumer.run())
    deadline = time.monotonic() + 10
    while not [s for s in exporter.get_finished_spans() if s.kind == trace.SpanKind.CONSUMER]:
        assert time.monotonic() < deadline, "no consumer span"
        await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await source.close()

    (consuming,) = [s for s in exporter.get_finished_spans() if s.kind == trace.SpanKind.CONSUMER]
    assert consuming.name == f"{EVENT_TYPE} process"
    assert consuming.context.trace_id == producing.get_span_context().trace_id
    assert consuming.parent is not None
    assert consuming.parent.span_id == producing.get_span_context().span_id
    assert consuming.parent.is_remote
    assert consuming.attributes["postloan.event.position"] == 1
