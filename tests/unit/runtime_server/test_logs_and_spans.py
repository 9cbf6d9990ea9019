"""JSON log lines carry trace ids and pass the PII safety net; the span sanitizer drops
personal attributes."""

from __future__ import annotations

import io
import json
import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from postloan_runtime.logs import json_handler
from postloan_runtime.telemetry import PiiSanitizingSpanProcessor

pytestmark = pytest.mark.unit

NAME, ID_NUMBER, MOBILE = "测试金丝雀", "11010519491231002X", "13900001234"


def test_json_lines_have_trace_ids_and_are_redacted():
    stream = io.StringIO()
    logger = logging.getLogger("postloan.test.logs")
    logger.handlers[:] = [json_handler("unit-test", stream)]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    provider = TracerProvider()
    with provider.get_tracer("t").start_as_current_span("work") as span:
        logger.info("borrower %s mobile %s", NAME, MOBILE,
                    extra={"id_number": ID_NUMBER, "note": f"id {ID_NUMBER}", "loan_id": "L-1"})
        try:
            raise ValueError(f"bad borrower {NAME}")
        except ValueError:
            logger.exception("failed")
    logger.info("outside")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    first, failure, outside = lines
    assert first["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert first["span_id"] == format(span.get_span_context().span_id, "016x")
    assert first["service"] == "unit-test" and first["level"] == "INFO"
    assert first["loan_id"] == "L-1" and first["id_number"] == "[redacted]"
    assert "测****" in first["message"] and "139****1234" in first["message"]
    assert "exc_info" in failure
    assert outside["trace_id"] == ""
    text = stream.getvalue()
    for secret in (NAME, ID_NUMBER, MOBILE):
        assert secret not in text


def test_span_sanitizer_drops_personal_attributes():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(PiiSanitizingSpanProcessor(SimpleSpanProcessor(exporter)))
    with provider.get_tracer("t").start_as_current_span(f"lookup {NAME}") as span:
        span.set_attribute("borrower.name", NAME)
        span.set_attribute("mobile", MOBILE)
        span.set_attribute("comment", f"{ID_NUMBER} / {MOBILE}")
        span.set_attribute("loan.id", "L-1")
        span.add_event("found", {"phone": MOBILE, "detail": NAME})
    (finished,) = exporter.get_finished_spans()
    assert "borrower.name" not in finished.attributes and "mobile" not in finished.attributes
    assert finished.attributes["loan.id"] == "L-1"
    assert finished.events[0].attributes == {"detail": "测****"}
    dump = finished.to_json()
    for secret in (NAME, ID_NUMBER, MOBILE):
        assert secret not in dump
