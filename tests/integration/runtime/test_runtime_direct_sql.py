"""Statements run on the driver connection (postloan_runtime.direct_sql) behave as the same
statements run through SQLAlchemy: in the caller's transaction (or in AUTOCOMMIT), with the
same exceptions (connection loss and transaction conflicts included) and the same spans."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime import db
from postloan_runtime.direct_sql import DirectStatement, to_positional
from postloan_runtime.telemetry import instrument_engine

pytestmark = pytest.mark.integration

INSERT_NOTE_SQL = "INSERT INTO service_notes (key, value) VALUES (:key, :value)"
INSERT_NOTE = DirectStatement(INSERT_NOTE_SQL)
READ_NOTE = DirectStatement("SELECT value FROM service_notes WHERE key = :key")
TXID = DirectStatement("SELECT txid_current()")


@pytest.fixture
async def url(runtime_engine: AsyncEngine) -> AsyncIterator[str]:
    yield runtime_engine.url.render_as_string(hide_password=False)


async def note(engine: AsyncEngine, key: str) -> str | None:
    async with engine.connect() as conn:
        value = await conn.scalar(text("SELECT value FROM service_notes WHERE key = :k"),
                                  {"k": key})
    return value


def test_named_parameters_become_numbered_once_each() -> None:
    sql, names = to_positional(
        "SELECT :a, CAST(:b AS date), :a::text, x::int FROM t WHERE y = :b_2 AND z = :b")
    assert sql == "SELECT $1, CAST($2 AS date), $1::text, x::int FROM t WHERE y = $3 AND z = $2"
    assert names == ("a", "b", "b_2")


async def test_the_first_statement_of_a_transaction_is_inside_it(
    runtime_engine: AsyncEngine,
) -> None:
    async with runtime_engine.connect() as conn, conn.begin() as transaction:
        await INSERT_NOTE.execute(conn, {"key": "k1", "value": "v"})
        ours = await TXID.fetchval(conn, {})
        theirs = (await conn.execute(text("SELECT txid_current()"))).scalar_one()
        assert ours == theirs  # one transaction, begun before the direct statement
        await transaction.rollback()
    assert await note(runtime_engine, "k1") is None  # rolled back with it
    async with runtime_engine.begin() as conn:
        await conn.execute(text("SELECT 1"))  # SQLAlchemy first, then a direct statement
        await INSERT_NOTE.execute(conn, {"key": "k2", "value": "v2"})
        assert (await READ_NOTE.fetchrow(conn, {"key": "k2"}))["value"] == "v2"
    assert await note(runtime_engine, "k2") == "v2"


async def test_autocommit_writes_at_once_and_otherwise_it_autobegins(
    runtime_engine: AsyncEngine,
) -> None:
    async with runtime_engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await INSERT_NOTE.execute(conn, {"key": "auto", "value": "a"})
        assert await note(runtime_engine, "auto") == "a"  # seen by another connection
    async with runtime_engine.connect() as conn:  # no begin(): as SQLAlchemy, it autobegins
        await INSERT_NOTE.execute(conn, {"key": "loose", "value": "x"})
        assert conn.in_transaction()
        assert await note(runtime_engine, "loose") is None  # not committed yet
    assert await note(runtime_engine, "loose") is None  # closed without commit: rolled back
    async with runtime_engine.connect() as conn:
        await INSERT_NOTE.execute(conn, {"key": "kept", "value": "y"})
        await conn.commit()
    assert await note(runtime_engine, "kept") == "y"
    with pytest.raises(TypeError, match="missing parameter 'value'"):
        async with runtime_engine.begin() as conn:
            await INSERT_NOTE.execute(conn, {"key": "half"})


async def test_json_goes_in_as_text_and_comes_back_decoded(runtime_engine: AsyncEngine) -> None:
    document = {"amount_fen": 12345, "reasons": ["a", "b"], "nested": {"x": None}}
    async with runtime_engine.begin() as conn:
        value = await DirectStatement("SELECT CAST(:doc AS jsonb) AS doc").fetchval(
            conn, {"doc": json.dumps(document)})
    assert value == document


async def test_driver_errors_are_sqlalchemy_errors(runtime_engine: AsyncEngine) -> None:
    async with runtime_engine.begin() as conn:
        await INSERT_NOTE.execute(conn, {"key": "dup", "value": "1"})
    with pytest.raises(IntegrityError) as duplicate:
        async with runtime_engine.begin() as conn:
            await INSERT_NOTE.execute(conn, {"key": "dup", "value": "2"})
    assert duplicate.value.orig.sqlstate == "23505"  # type: ignore[union-attr]
    # Bound values stay out of an error's text, through SQLAlchemy as directly (hide_parameters).
    phone = "13812345678"
    for statement in (INSERT_NOTE, text(INSERT_NOTE_SQL)):
        with pytest.raises(IntegrityError) as refused:
            async with runtime_engine.begin() as conn:
                if isinstance(statement, DirectStatement):
                    await statement.execute(conn, {"key": "dup", "value": phone})
                else:
                    await conn.execute(statement, {"key": "dup", "value": phone})
        assert phone not in str(refused.value) and "INSERT INTO service_notes" in str(refused.value)
    conflict = DirectStatement(
        "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$")
    with pytest.raises(DBAPIError) as aborted:
        async with runtime_engine.begin() as conn:
            await conflict.execute(conn, {})
    assert db.is_transaction_conflict(aborted.value)
    assert not db.is_connection_lost(aborted.value)


async def test_a_lost_connection_is_invalidated_as_sqlalchemy_does(make_database: Any) -> None:
    url = await make_database("direct_loss")
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            pid = await DirectStatement("SELECT pg_backend_pid()").fetchval(
                await conn.execution_options(isolation_level="AUTOCOMMIT"), {})
        admin = await asyncpg.connect(url)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        with pytest.raises(DBAPIError) as lost:
            async with engine.begin() as conn:  # checked in just now: not pinged
                await DirectStatement("SELECT 1").fetchval(conn, {})
        assert lost.value.connection_invalidated and db.is_connection_lost(lost.value)
        async with engine.begin() as conn:  # the pool replaced it
            assert await DirectStatement("SELECT 2").fetchval(conn, {}) == 2
    finally:
        await engine.dispose()


async def test_a_direct_statement_gets_the_span_sqlalchemy_would_give_it(url: str) -> None:
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    engine = db.create_engine(url, pool_size=1)
    instrument_engine(engine, provider)
    sql = "SELECT value FROM service_notes WHERE key = :key"
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql), {"key": "x"})
            await DirectStatement(sql).fetch(conn, {"key": "x"})
        with pytest.raises(DBAPIError):
            async with engine.begin() as conn:
                await DirectStatement("SELECT nope").fetch(conn, {})
    finally:
        await engine.dispose()
    by_sqlalchemy, direct, failed = exporter.get_finished_spans()
    assert direct.name == by_sqlalchemy.name == "SELECT"
    assert direct.kind == by_sqlalchemy.kind
    expected = dict(by_sqlalchemy.attributes)
    expected["db.statement"] = "SELECT value FROM service_notes WHERE key = $1"
    assert dict(direct.attributes) == expected
    assert failed.status.status_code.name == "ERROR" and "nope" in failed.status.description
