"""The runtime's statement spans are the library EngineTracer's spans (name, kind, attributes,
status, parent), built with less work, and left out only where the sampler drops them anyway."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from opentelemetry import metrics, trace
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased, TraceIdRatioBased
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime.db import create_engine
from postloan_runtime.idempotency import _CLAIM_AT
from postloan_runtime.telemetry import _drops_unsampled_children, instrument_engine

pytestmark = pytest.mark.integration


@pytest.fixture
async def url(runtime_engine: AsyncEngine) -> AsyncIterator[str]:
    yield runtime_engine.url.render_as_string(hide_password=False)


async def run_statements(engine: AsyncEngine) -> None:
    import datetime as dt

    async with engine.begin() as conn:
        await conn.execute(text("SELECT 1"))
        await conn.execute(text("/* leading comment */  select  2 AS two"))
        await conn.execute(
            _CLAIM_AT,
            {"request_id": "r-1", "method": "m", "request_hash": "h",
             "expires_at": dt.datetime.now(dt.UTC)},
        )
        await conn.execute(text("CREATE TEMP TABLE t (a int) ON COMMIT DROP"))
        await conn.execute(text("INSERT INTO t VALUES (:a)"), [{"a": 1}, {"a": 2}])
        await conn.execute(text("DELETE FROM idempotency_keys"))
    with pytest.raises(Exception, match="nope"):
        async with engine.begin() as conn:
            await conn.execute(text("SELECT nope"))


def described(spans: Any) -> list[tuple[Any, ...]]:
    return [
        (s.name, s.kind, tuple(s.attributes.items()), s.status.status_code,
         s.status.description, s.parent.span_id if s.parent else None,
         s.context.trace_id, s.context.trace_flags.sampled)
        for s in spans
    ]


async def spans_of(url: str, provider: TracerProvider, *, ours: bool, parent: Any) -> list[Any]:
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    engine = create_engine(url, pool_size=2)
    if ours:
        instrument_engine(engine, provider)
    else:
        tracer = trace.get_tracer("opentelemetry.instrumentation.sqlalchemy", None, provider)
        counter = metrics.get_meter("t").create_up_down_counter("connections")
        EngineTracer(tracer, engine.sync_engine, counter, enable_commenter=False)
    try:
        if parent is None:
            await run_statements(engine)
        else:
            with trace.use_span(parent):
                await run_statements(engine)
    finally:
        await engine.dispose()
    return described(exporter.get_finished_spans())


PARENTS = {
    "root": lambda: None,
    "sampled": lambda: NonRecordingSpan(
        SpanContext(0xABC, 0xDEF, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    ),
    "unsampled": lambda: NonRecordingSpan(
        SpanContext(0xABC, 0xDEF, is_remote=False, trace_flags=TraceFlags(TraceFlags.DEFAULT))
    ),
    "remote unsampled": lambda: NonRecordingSpan(
        SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(TraceFlags.DEFAULT))
    ),
}


CASES = [(parent, sampler, "") for parent in sorted(PARENTS)
         for sampler in ("default", "always_on", "parentbased_ratio_1")]
CASES.append(("sampled", "default", "database/dup"))  # new and old attribute names


@pytest.mark.parametrize(("parent", "sampler", "semconv"), CASES)
async def test_statement_spans_equal_the_library_ones(url, parent, sampler, semconv, monkeypatch):
    from opentelemetry.instrumentation._semconv import (
        _OpenTelemetrySemanticConventionStability as Stability,
    )

    if semconv:  # re-read the opt-in for this test only (the library keeps it process-wide)
        monkeypatch.setenv("OTEL_SEMCONV_STABILITY_OPT_IN", semconv)
        monkeypatch.setattr(Stability, "_initialized", False)
        monkeypatch.setattr(
            Stability, "_OTEL_SEMCONV_STABILITY_SIGNAL_MAPPING",
            dict(Stability._OTEL_SEMCONV_STABILITY_SIGNAL_MAPPING),
        )
    samplers = {
        "default": lambda: None,  # the SDK's: parent-based, always on for roots
        "always_on": lambda: ALWAYS_ON,
        "parentbased_ratio_1": lambda: ParentBased(TraceIdRatioBased(1.0)),
    }
    # Root spans get random trace ids: compare them by shape, not by id.
    def normal(spans: list[Any]) -> list[Any]:
        return [s[:6] + ((s[6] == 0xABC),) + s[7:] for s in spans]

    library = await spans_of(
        url, TracerProvider(sampler=samplers[sampler]()), ours=False, parent=PARENTS[parent]()
    )
    runtime = await spans_of(
        url, TracerProvider(sampler=samplers[sampler]()), ours=True, parent=PARENTS[parent]()
    )
    assert normal(runtime) == normal(library)
    if semconv:
        assert all("db.query.text" in dict(s[2]) for s in library)
    if parent in ("root", "sampled") or sampler == "always_on":
        assert len(library) == 7  # six statements and the failing one
        assert any("idempotency_keys" in dict(s[2]).get("db.statement", "") for s in library)
    else:
        assert library == []


def test_only_parent_based_samplers_with_default_delegates_skip_unsampled_children():
    assert _drops_unsampled_children(TracerProvider().sampler)
    assert _drops_unsampled_children(ParentBased(TraceIdRatioBased(0.1)))
    assert not _drops_unsampled_children(ALWAYS_ON)
    assert not _drops_unsampled_children(TraceIdRatioBased(0.1))
    assert not _drops_unsampled_children(ParentBased(ALWAYS_ON, local_parent_not_sampled=ALWAYS_ON))
    assert not _drops_unsampled_children(None)


async def test_a_disabled_sdk_attaches_no_statement_tracing(url, monkeypatch):
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    provider = TracerProvider()
    engine = create_engine(url, pool_size=1)
    try:
        instrument_engine(engine, provider)
        assert not getattr(engine.sync_engine, "_postloan_traced", False)
        await run_statements(engine)
    finally:
        await engine.dispose()
