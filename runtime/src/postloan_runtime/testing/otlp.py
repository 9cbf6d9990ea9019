"""An in-test OTLP/gRPC trace receiver: services started as processes export to it (set
``OTEL_EXPORTER_OTLP_ENDPOINT=http://<receiver.address>``) and tests assert on the spans.

    async with OtlpReceiver() as receiver:
        ...  # start processes with receiver.env()
        span = await receiver.wait_for(lambda s: s.name == "/pkg.Svc/Method")
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
from opentelemetry.proto.collector.trace.v1 import (
    trace_service_pb2,
    trace_service_pb2_grpc,
)


@dataclass(frozen=True)
class ReceivedSpan:
    """One exported span, flattened: ids as hex, attributes as plain Python values."""

    service_name: str
    name: str
    kind: int  # opentelemetry.proto.trace.v1.Span.SpanKind (1 internal, 2 server, 3 client …)
    trace_id: str
    span_id: str
    parent_span_id: str
    attributes: dict[str, Any] = field(default_factory=dict)


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in any_value.array_value.values]
    return getattr(any_value, kind) if kind else None


class _TraceService(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, receiver: OtlpReceiver) -> None:
        self._receiver = receiver

    async def Export(  # noqa: N802 - gRPC method name
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: Any
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        for resource_spans in request.resource_spans:
            resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
            service = str(resource.get("service.name", ""))
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self._receiver._add(
                        ReceivedSpan(
                            service_name=service,
                            name=span.name,
                            kind=span.kind,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_span_id=span.parent_span_id.hex(),
                            attributes={a.key: _value(a.value) for a in span.attributes},
                        )
                    )
        return trace_service_pb2.ExportTraceServiceResponse()


class OtlpReceiver:
    """A grpc.aio OTLP trace collector on 127.0.0.1 (an ephemeral port)."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self._server: grpc.aio.Server | None = None
        self._changed = asyncio.Condition()
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment that points an exporting process at this receiver."""
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://{self.address}",
            "OTEL_EXPORTER_OTLP_INSECURE": "true",
            "OTEL_BSP_SCHEDULE_DELAY": "200",
        }

    async def start(self) -> OtlpReceiver:
        self._server = grpc.aio.server()
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(_TraceService(self), self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        await self._server.start()
        return self

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop(0)

    async def __aenter__(self) -> OtlpReceiver:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _add(self, span: ReceivedSpan) -> None:
        self.spans.append(span)

        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()

        asyncio.ensure_future(notify())  # noqa: RUF006 - fire and forget wake-up

    async def wait_for(
        self, predicate: Callable[[ReceivedSpan], bool], *, within_seconds: float = 10.0
    ) -> ReceivedSpan:
        """The first received span matching ``predicate``, waiting for it to arrive."""

        async def first() -> ReceivedSpan:
            async with self._changed:
                while True:
                    for span in self.spans:
                        if predicate(span):
                            return span
                    await self._changed.wait()

        return await asyncio.wait_for(first(), within_seconds)
