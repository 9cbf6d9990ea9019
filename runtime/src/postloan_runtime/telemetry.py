"""OpenTelemetry set-up from the standard ``OTEL_*`` variables only.

- ``OTEL_SERVICE_NAME`` (overrides the service's kebab name), ``OTEL_RESOURCE_ATTRIBUTES``;
- ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_ENDPOINT``: spans go to an OTLP
  gRPC exporter through a batch processor (the exporter reads its other ``OTEL_EXPORTER_OTLP_*``
  settings itself). With neither set there is no exporter, but the tracer provider is still
  installed so trace context propagates through this process.
- ``OTEL_TRACES_SAMPLER`` / ``OTEL_TRACES_SAMPLER_ARG`` (read by the SDK's tracer provider;
  default ``parentbased_always_on``): e.g. ``parentbased_traceidratio`` with ``0.1`` keeps one
  trace in ten. Statement spans under an unsampled parent are not even started (see
  :func:`instrument_engine`), so an unsampled request costs little tracing.
- ``OTEL_SDK_DISABLED=true`` turns tracing off: the provider hands out no-op tracers, nothing is
  exported and no statement tracing is attached to the engine.

Every span passes :class:`PiiSanitizingSpanProcessor` before any exporter: attributes whose
keys name personal data are dropped and string values are redacted (defense in depth; code
must not put personal data on spans in the first place).
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from opentelemetry import metrics, propagate, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import Status
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from postloan_runtime.pii import _HAN, is_personal_key, redact_text

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


class PiiSanitizingSpanProcessor(SpanProcessor):
    """Hands ``inner`` a copy of each finished span without personal data: attributes (of the
    span, its events and links) whose keys look personal are dropped; ID numbers, mobile
    numbers and Han-character names in string values, the span name and the status
    description are masked."""

    def __init__(self, inner: SpanProcessor) -> None:
        self._inner = inner

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        self._inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self._inner.on_end(sanitize_span(span))

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)


# Everything redact_text masks needs a run of 11+ digits, possibly grouped by spaces or dashes
# (mobile: 11, ID number: 17+1; \d also takes full-width digits), or a Han character (its own
# pattern): strings without either pass without running the masks.
_MAYBE_PERSONAL = re.compile(r"\d[\d -]{9,}\d|" + _HAN.pattern)

# Long strings found clean (SQL statements above all: every statement span carries one, the
# same few hundred texts over and over, and the search costs ~10 us each). Only clean texts
# are kept, so no personal data stays here.
_CLEAN_TEXTS: dict[str, None] = {}
_CLEAN_TEXT_MIN_LENGTH = 64
_CLEAN_TEXTS_MAX = 4096


def _maybe_personal(text: str) -> bool:
    if text in _CLEAN_TEXTS:
        return False
    if _MAYBE_PERSONAL.search(text):
        return True
    if len(text) >= _CLEAN_TEXT_MIN_LENGTH:
        if len(_CLEAN_TEXTS) >= _CLEAN_TEXTS_MAX:
            _CLEAN_TEXTS.clear()
        _CLEAN_TEXTS[text] = None
    return False


def _redact(text: str) -> str:
    return redact_text(text) if _maybe_personal(text) else text


@functools.lru_cache(maxsize=1024)
def _is_personal_key(key: str) -> bool:
    # Attribute keys are a small fixed vocabulary (never values), so caching them is safe.
    return is_personal_key(key)


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return _redact(value)
    if isinstance(value, list | tuple):
        return tuple(_redact(v) if isinstance(v, str) else v for v in value)
    return value


def _attributes_are_clean(attributes: Any) -> bool:
    for key, value in (attributes or {}).items():
        if _is_personal_key(key):
            return False
        if isinstance(value, str) and _maybe_personal(value):
            return False
        if isinstance(value, list | tuple) and any(
            isinstance(v, str) and _maybe_personal(v) for v in value
        ):
            return False
    return True


def sanitize_attributes(attributes: Any) -> dict[str, Any]:
    return {
        key: _clean_value(value)
        for key, value in (attributes or {}).items()
        if not _is_personal_key(key)
    }


def _span_is_clean(span: ReadableSpan) -> bool:
    return (
        not _maybe_personal(span.name)
        and not _maybe_personal(span.status.description or "")
        and _attributes_are_clean(span.attributes)
        and all(
            not _maybe_personal(e.name) and _attributes_are_clean(e.attributes)
            for e in span.events
        )
        and all(_attributes_are_clean(link.attributes) for link in span.links)
    )


def sanitize_span(span: ReadableSpan) -> ReadableSpan:
    """``span`` without personal data (see :class:`PiiSanitizingSpanProcessor`): the span
    itself when nothing in it needs masking (the common case, no copy), else a clean copy."""
    if _span_is_clean(span):
        return span
    status = span.status
    if status.description:
        status = Status(status.status_code, redact_text(status.description))
    events = [
        Event(redact_text(e.name), sanitize_attributes(e.attributes), e.timestamp)
        for e in span.events
    ]
    links = [trace.Link(link.context, sanitize_attributes(link.attributes)) for link in span.links]
    return ReadableSpan(
        name=redact_text(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=sanitize_attributes(span.attributes),
        events=events,
        links=links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


@dataclass
class TelemetryHandle:
    """What :func:`configure_telemetry` set up; ``shutdown()`` flushes pending spans."""

    service_name: str
    tracer_provider: TracerProvider
    log_handler: logging.Handler | None = None
    owns_provider: bool = True
    _engine_tracers: list[Any] = field(default_factory=list)

    def add_span_exporter(self, exporter: SpanExporter, *, batch: bool = False) -> None:
        """Send spans (sanitized) to ``exporter`` too; tests use an in-memory exporter."""
        inner = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
        self.tracer_provider.add_span_processor(PiiSanitizingSpanProcessor(inner))

    def tracer(self, name: str) -> trace.Tracer:
        return self.tracer_provider.get_tracer(name)

    def force_flush(self, timeout_millis: int = 10_000) -> bool:
        return self.tracer_provider.force_flush(timeout_millis)

    def shutdown(self) -> None:
        """Flush pending spans and logs. The provider itself stays up for other servers in
        this process; the SDK shuts it down at interpreter exit."""
        self.force_flush()
        if self.log_handler is not None:
            self.log_handler.flush()


_process_provider: TracerProvider | None = None


def configure_telemetry(
    service_name: str,
    *,
    span_exporters: Sequence[SpanExporter] = (),
    configure_logs: bool = True,
    log_stream: IO[str] | None = None,
) -> TelemetryHandle:
    """Set up tracing (and JSON logs) for this process from the ``OTEL_*`` variables.

    The first call installs the global tracer provider and the W3C tracecontext propagator.
    Later calls in the same process (several servers in one test process) share that provider
    (``owns_provider`` is False). ``span_exporters`` are added (sanitized,
    synchronously) in any case.
    """
    global _process_provider
    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    log_handler = None
    if configure_logs:
        from postloan_runtime.logs import configure_logging

        log_handler = configure_logging(name, stream=log_stream)

    propagate.set_global_textmap(TraceContextTextMapPropagator())
    current = trace.get_tracer_provider()
    if _process_provider is None and isinstance(current, TracerProvider):
        _process_provider = current  # someone (a test harness) installed an SDK provider: join it
        owns = False
    else:
        owns = _process_provider is None
    if _process_provider is None:
        # Resource.create reads OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME itself.
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
        exporter = _otlp_exporter_from_env()
        if exporter is not None:
            provider.add_span_processor(PiiSanitizingSpanProcessor(BatchSpanProcessor(exporter)))
        trace.set_tracer_provider(provider)
        _process_provider = provider
        log.info(
            "telemetry configured",
            extra={"otlp_export": exporter is not None, "otel_service_name": name},
        )
    handle = TelemetryHandle(name, _process_provider, log_handler, owns_provider=owns)
    for span_exporter in span_exporters:
        handle.add_span_exporter(span_exporter)
    return handle


def _otlp_exporter_from_env() -> SpanExporter | None:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    if os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return None
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    if not endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()  # reads the endpoint, headers, insecure flag from OTEL_*


def instrument_engine(engine: AsyncEngine, tracer_provider: TracerProvider | None = None) -> None:
    """Trace every statement ``engine`` runs (span per statement, ``db.statement`` with
    placeholders). Bound parameter values are never recorded: the instrumentation only sees the
    statement text, and we keep sqlcommenter off.

    The spans are those of opentelemetry-instrumentation-sqlalchemy's ``EngineTracer`` (same
    names, kind and attributes), made for less work per statement (see
    :func:`_statement_tracer_class`). Nothing is attached when the SDK is disabled
    (``OTEL_SDK_DISABLED=true``: the provider hands out a no-op tracer)."""
    from opentelemetry.instrumentation.sqlalchemy import __version__
    from opentelemetry.semconv.metrics import MetricInstruments

    sync_engine = engine.sync_engine
    if getattr(sync_engine, "_postloan_traced", False):
        return
    tracer = trace.get_tracer(
        "opentelemetry.instrumentation.sqlalchemy", __version__, tracer_provider
    )
    if isinstance(tracer, trace.NoOpTracer):
        return
    meter = metrics.get_meter("opentelemetry.instrumentation.sqlalchemy", __version__)
    connections_usage = meter.create_up_down_counter(
        name=MetricInstruments.DB_CLIENT_CONNECTIONS_USAGE,
        unit="connections",
        description="connections in use or idle",
    )
    provider = tracer_provider if tracer_provider is not None else trace.get_tracer_provider()
    statement_tracer = _statement_tracer_class()(
        tracer,
        sync_engine,
        connections_usage,
        drop_unsampled_children=_drops_unsampled_children(getattr(provider, "sampler", None)),
    )
    # Statements run on the driver connection (direct_sql) start their spans here.
    sync_engine._postloan_statement_tracer = statement_tracer  # type: ignore[attr-defined]
    sync_engine._postloan_traced = True  # type: ignore[attr-defined]


def _drops_unsampled_children(sampler: Any) -> bool:
    """True when ``sampler`` drops every span whose parent is not sampled: a parent-based
    sampler with its default (always off) delegates for unsampled parents, which is what the
    SDK builds from ``OTEL_TRACES_SAMPLER=parentbased_*`` and by default."""
    from opentelemetry.sdk.trace.sampling import Decision, ParentBased, StaticSampler

    if not isinstance(sampler, ParentBased):
        return False
    delegates = (
        getattr(sampler, "_remote_parent_not_sampled", None),
        getattr(sampler, "_local_parent_not_sampled", None),
    )
    return all(
        isinstance(d, StaticSampler) and getattr(d, "_decision", None) is Decision.DROP
        for d in delegates
    )


# Distinct statement texts whose span name and attributes are kept per engine; the texts come
# from SQLAlchemy's compiled cache, so a service has a few hundred at most.
_STATEMENT_CACHE_SIZE = 2048


@functools.cache
def _statement_tracer_class() -> type:
    """``EngineTracer`` with the span of each statement built for less work, same result:

    - no span at all where the sampler would drop it anyway (a parent-based sampler under an
      unsampled parent, e.g. ``parentbased_traceidratio``): nothing would be recorded or
      exported, and a statement span never has children;
    - the span name and attributes computed once per statement text (the connection's URL
      attributes are constant) and given to ``start_span``, instead of parsed and set one by one
      on every execution.

    Ending the span, errors (status ERROR with the message) and the pool metrics are the
    library's own code."""
    from opentelemetry.instrumentation._semconv import (
        _set_db_operation,
        _set_db_statement,
        _set_db_system,
    )
    from opentelemetry.instrumentation.sqlalchemy.engine import (
        EngineTracer,
        _get_attributes_from_cursor_or_conn,
        _get_attributes_from_url,
        _get_db_name_from_cursor_or_conn,
    )
    from opentelemetry.instrumentation.utils import is_instrumentation_enabled

    client = trace.SpanKind.CLIENT

    class StatementTracer(EngineTracer):  # type: ignore[misc]
        def __init__(
            self, tracer: Any, engine: Any, connections_usage: Any, *,
            drop_unsampled_children: bool,
        ) -> None:
            super().__init__(tracer, engine, connections_usage, enable_commenter=False)
            self._drop_unsampled_children = drop_unsampled_children
            url_attributes, found = _get_attributes_from_url(
                engine.url, self._sem_conv_opt_in_mode_db, self._sem_conv_opt_in_mode_http
            )
            self._url_attributes = url_attributes
            # Without a host in the URL the library reads the cursor on every statement.
            self._url_is_enough = found
            self._described: dict[tuple[Any, str], tuple[str, dict[str, Any]]] = {}

        def _describe(
            self, attributes: dict[str, Any], db_name: Any, statement: Any
        ) -> tuple[str, dict[str, Any]]:
            # What EngineTracer._set_db_client_span_attributes sets, in the same order.
            name = self._operation_name(db_name, statement)
            span_attributes = dict(attributes)
            _set_db_statement(span_attributes, statement, self._sem_conv_opt_in_mode_db)
            _set_db_system(span_attributes, self.vendor, self._sem_conv_opt_in_mode_db)
            _set_db_operation(span_attributes, name, self._sem_conv_opt_in_mode_db)
            return name, span_attributes

        def _before_cur_exec(
            self, conn: Any, cursor: Any, statement: Any, params: Any, context: Any,
            _executemany: Any,
        ) -> tuple[Any, Any]:
            span = self._start_statement_span(conn, cursor, statement)
            if span is not None:
                context._otel_span = span
            return statement, params

        def start_direct_span(self, conn: Any, statement: str) -> Any:
            """The span of a statement run on the driver connection (direct_sql), as one
            run through SQLAlchemy gets; None where none is made. The caller ends it."""
            return self._start_statement_span(conn, None, statement)

        def _start_statement_span(self, conn: Any, cursor: Any, statement: Any) -> Any:
            if not is_instrumentation_enabled():
                return None
            if self._drop_unsampled_children:
                parent = trace.get_current_span().get_span_context()
                if parent.is_valid and not parent.trace_flags.sampled:
                    return None
            db_name = _get_db_name_from_cursor_or_conn(self.vendor, conn, cursor)
            if not self._url_is_enough:
                attributes = _get_attributes_from_cursor_or_conn(
                    self.vendor, conn, cursor, dict(self._url_attributes),
                    self._sem_conv_opt_in_mode_db, self._sem_conv_opt_in_mode_http,
                )
                described = self._describe(attributes, db_name, statement)
            elif isinstance(statement, str):
                key = (db_name, statement)
                cached = self._described.get(key)
                if cached is not None:
                    described = cached
                else:
                    if len(self._described) >= _STATEMENT_CACHE_SIZE:
                        self._described.clear()
                    described = self._describe(self._url_attributes, db_name, statement)
                    self._described[key] = described
            else:
                described = self._describe(self._url_attributes, db_name, statement)
            name, attributes = described
            return self.tracer.start_span(name, kind=client, attributes=attributes)

    return StatementTracer


def is_traced_rpc(method: str) -> bool:
    """Health checks and reflection stay out of traces (probes every few seconds are noise)."""
    return not method.startswith(
        ("/grpc.health.v1.Health/", "/grpc.reflection.v1alpha.", "/grpc.reflection.v1.")
    )


def _rpc_filter(details: Any) -> bool:
    method = getattr(details, "method", "")
    if isinstance(method, bytes):
        method = method.decode()
    return is_traced_rpc(method)


def server_interceptor(tracer_provider: TracerProvider | None = None) -> Any:
    """The OpenTelemetry grpc.aio server interceptor, health and reflection filtered out."""
    from opentelemetry.instrumentation.grpc import aio_server_interceptor

    return aio_server_interceptor(tracer_provider=tracer_provider, filter_=_rpc_filter)


def client_interceptors(tracer_provider: TracerProvider | None = None) -> list[Any]:
    """The OpenTelemetry grpc.aio client interceptors (propagate W3C trace context)."""
    from opentelemetry.instrumentation.grpc import aio_client_interceptors

    return list(aio_client_interceptors(tracer_provider=tracer_provider, filter_=_rpc_filter))
