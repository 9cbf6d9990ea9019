"""Traces continue across a gRPC hop; personal data never reaches logs or spans."""

from __future__ import annotations

import io
import json
import logging

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from server_test_app import (
    CANARY_ID_NUMBER,
    CANARY_MOBILE,
    CANARY_NAME,
    FEED_SERVICE,
    wait_for_health,
)

from postloan.common.v1 import events_pb2
from postloan_runtime.auth import ServiceIdentity
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.logs import json_handler
from postloan_runtime.server import peer_channel
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.integration

GET_FEED_HEAD = f"/{FEED_SERVICE}/GetFeedHead"
CANARIES = (CANARY_NAME, CANARY_ID_NUMBER, CANARY_MOBILE)


def feed_head(channel):
    return channel.unary_unary(
        GET_FEED_HEAD,
        request_serializer=events_pb2.GetFeedHeadRequest.SerializeToString,
        response_deserializer=events_pb2.GetFeedHeadResponse.FromString,
    )


async def test_trace_continues_across_a_grpc_hop(
    feed_database, start_feed_server, keys_dir, granted_service, span_exporter, telemetry
):
    server = await start_feed_server(feed_database)
    identity = ServiceIdentity(granted_service, keys_dir / f"{granted_service}.pem")
    async with peer_channel(server.address, service_identity=identity) as channel:
        await wait_for_health(channel, health_pb2.HealthCheckResponse.SERVING)
        span_exporter.clear()
        tracer = trace.get_tracer("runtime-server-tests")
        with tracer.start_as_current_span("caller work") as root:
            await feed_head(channel)(events_pb2.GetFeedHeadRequest(), timeout=10)
        await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(),
                                                        timeout=5)
    telemetry.force_flush()
    spans = span_exporter.get_finished_spans()
    trace_id = root.get_span_context().trace_id
    client = [s for s in spans if s.kind == SpanKind.CLIENT and s.name == GET_FEED_HEAD]
    served = [s for s in spans if s.kind == SpanKind.SERVER and s.name == GET_FEED_HEAD]
    assert len(client) == 1 and len(served) == 1, [(s.name, s.kind) for s in spans]
    (client_span,), (server_span,) = client, served
    assert client_span.context.trace_id == server_span.context.trace_id == trace_id
    assert client_span.parent.span_id == root.get_span_context().span_id
    assert server_span.parent.span_id == client_span.context.span_id
    assert server_span.parent.is_remote
    # The database query is a child of the server span, with no bound values recorded.
    queries = [s for s in spans if s.parent and s.parent.span_id == server_span.context.span_id
               and s.kind == SpanKind.CLIENT]
    assert queries, [(s.name, s.kind) for s in spans]
    assert any("event_feed" in str(s.attributes.get("db.statement", "")) for s in queries)
    # Health checks stay out of traces.
    assert not [s for s in spans if "grpc.health" in s.name]


def _span_text(span) -> str:
    parts = [span.name, str(span.status.description or "")]
    parts += [f"{k}={v}" for k, v in (span.attributes or {}).items()]
    for event in span.events:
        parts.append(event.name)
        parts += [f"{k}={v}" for k, v in (event.attributes or {}).items()]
    return "\n".join(parts)


@pytest.mark.parametrize("variant", ["log", "raise"])
async def test_pii_canaries_never_reach_logs_or_spans(
    feed_database, start_feed_server, keys_dir, granted_roles, span_exporter, telemetry,
    variant,
):
    server = await start_feed_server(feed_database)
    stream = io.StringIO()
    handler = json_handler("feed-test", stream)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        async with grpc.aio.insecure_channel(server.address) as channel:
            await wait_for_health(channel, health_pb2.HealthCheckResponse.SERVING)
            span_exporter.clear()
            metadata = (*bearer(token_for(keys_dir, granted_roles)),
                        ("x-test-canary", variant))
            call = feed_head(channel)(events_pb2.GetFeedHeadRequest(), metadata=metadata,
                                      timeout=10)
            if variant == "raise":
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await call
                error = caught.value
                assert error.code() == grpc.StatusCode.INTERNAL
                details = decode_error(error)
                for canary in CANARIES:
                    assert canary not in (error.details() or "")
                    assert canary not in details.message
            else:
                await call
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
    telemetry.force_flush()

    logged = stream.getvalue()
    records = [json.loads(line) for line in logged.splitlines()]
    assert records, "the careless handler logged nothing?"
    # The safety net really ran on the careless lines: masked forms are there.
    assert "测****" in logged and "139****1234" in logged
    decoded = json.dumps(records, ensure_ascii=False)
    spans = span_exporter.get_finished_spans()
    assert any(s.name == GET_FEED_HEAD for s in spans)
    span_text = "\n".join(_span_text(s) for s in spans)
    for canary in CANARIES:
        assert canary not in logged and canary not in decoded, canary
        assert canary not in span_text, canary
    (server_span,) = [s for s in spans if s.name == GET_FEED_HEAD]
    assert "borrower.name" not in server_span.attributes
    assert "id_number" not in server_span.attributes
    assert "comment" in server_span.attributes  # kept, with its contents masked


async def test_trace_continues_into_a_service_process(
    feed_database, keys_dir, granted_service, span_exporter, telemetry
):
    """A separate process exports over OTLP to an in-test receiver; its server span is a child
    of this process's client span, and spans are flushed on SIGTERM."""
    import os
    import signal

    from server_test_app import AppProcess

    from postloan_runtime.testing.otlp import OtlpReceiver

    async with OtlpReceiver() as receiver:
        env = {
            **os.environ,
            **receiver.env(),
            "DATABASE_URL": feed_database,
            "POSTLOAN_KEYS_DIR": str(keys_dir),
            "POSTLOAN_GRPC_PORT": "0",
            "OTEL_SERVICE_NAME": "feed-test",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test",
        }
        app = AppProcess(env)
        try:
            await app.start()
            identity = ServiceIdentity(granted_service, keys_dir / f"{granted_service}.pem")
            async with peer_channel(app.address, service_identity=identity) as channel:
                await wait_for_health(channel, health_pb2.HealthCheckResponse.SERVING)
                span_exporter.clear()
                with trace.get_tracer("runtime-server-tests").start_as_current_span("hop"):
                    await feed_head(channel)(events_pb2.GetFeedHeadRequest(), timeout=10)
            assert app.process is not None
            app.process.send_signal(signal.SIGTERM)
            assert await app.wait() == 0
        finally:
            await app.close()
        server_span = await receiver.wait_for(
            lambda s: s.name == GET_FEED_HEAD and s.kind == 2, within_seconds=5
        )
    (client_span,) = [s for s in span_exporter.get_finished_spans()
                      if s.name == GET_FEED_HEAD and s.kind == SpanKind.CLIENT]
    assert server_span.service_name == "feed-test"
    assert server_span.trace_id == format(client_span.context.trace_id, "032x")
    assert server_span.parent_span_id == format(client_span.context.span_id, "016x")
    assert not [s for s in receiver.spans if "grpc.health" in s.name]
