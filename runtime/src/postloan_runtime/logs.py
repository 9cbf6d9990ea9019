"""JSON logs on stderr: one object per line with the service, the current trace_id and span_id,
and the personal-data safety net (see :func:`postloan_runtime.pii.redact_text`)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import IO, Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from postloan_runtime.pii import is_personal_key, redact_text

REDACTED = "[redacted]"


class TraceContextFilter(logging.Filter):
    """Adds ``trace_id`` and ``span_id`` (hex, empty outside a span) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        else:
            record.trace_id = ""
            record.span_id = ""
        return True


class RedactingJsonFormatter(JsonFormatter):
    """JSON formatter that drops fields named like personal data and masks ID numbers, mobile
    numbers and Han-character names in every string it writes (message, extras, tracebacks)."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
        return {key: _redact_field(key, value) for key, value in log_data.items()}


def _redact_field(key: str, value: Any) -> Any:
    if is_personal_key(key):
        return REDACTED
    return _redact_value(value)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {str(k): _redact_field(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact_text(str(value))


def json_handler(service_name: str, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing redacted JSON lines with trace ids to ``stream`` (stderr)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(
        RedactingJsonFormatter(
            "%(levelname)s %(name)s %(message)s %(trace_id)s %(span_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
            static_fields={"service": service_name},
            timestamp=True,
            json_ensure_ascii=False,  # names stay readable for the redaction to see and mask
        )
    )
    handler.addFilter(TraceContextFilter())
    handler.set_name(f"postloan-json:{service_name}")
    return handler


def configure_logging(service_name: str, *, stream: IO[str] | None = None) -> logging.Handler:
    """Route the root logger to one JSON handler (replacing a previous one of ours); level from
    ``POSTLOAN_LOG_LEVEL`` (default INFO). Returns the handler."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        if (existing.get_name() or "").startswith("postloan-json:"):
            root.removeHandler(existing)
    handler = json_handler(service_name, stream)
    root.addHandler(handler)
    root.setLevel(os.environ.get("POSTLOAN_LOG_LEVEL", "INFO").upper())
    # grpc and asyncpg are chatty at INFO about things operators don't act on.
    logging.getLogger("grpc").setLevel(logging.WARNING)
    return handler
