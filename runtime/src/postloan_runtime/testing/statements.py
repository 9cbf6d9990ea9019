"""Every statement an engine sends, for tests that count round trips: read from the statement
spans (telemetry.instrument_engine), so statements SQLAlchemy runs and those run on the driver
connection (direct_sql) are both seen, in the order they ended."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime.telemetry import instrument_engine


class StatementLog(Sequence[str]):
    """The statement texts (placeholders, no values) sent since it was made."""

    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self._exporter = exporter

    def _texts(self) -> list[str]:
        return [
            str(span.attributes.get("db.statement", span.name) if span.attributes else span.name)
            for span in self._exporter.get_finished_spans()
        ]

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._texts()[index]

    def __len__(self) -> int:
        return len(self._exporter.get_finished_spans())

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts())

    def __repr__(self) -> str:
        return repr(self._texts())

    def clear(self) -> None:
        self._exporter.clear()


def statement_log(engine: AsyncEngine) -> StatementLog:
    """Start logging ``engine``'s statements (an engine not instrumented before)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrument_engine(engine, provider)
    return StatementLog(exporter)
