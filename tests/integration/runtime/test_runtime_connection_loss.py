"""A database connection the server dropped (pg_terminate_backend here: a restart, a failover, an
idle timeout on the way): replaced unseen at checkout when it sat idle, and otherwise answered
UNAVAILABLE — retryable with the same request_id — not INTERNAL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import grpc
import pytest
from raising_probe import refusal_for
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime import db
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration


@pytest.fixture
async def one_connection_engine(make_database: Any) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """An engine whose pool holds one connection, and its database's URL."""
    url = await make_database("connection_loss")
    engine = db.create_engine(url, pool_size=1)
    yield engine, url
    await engine.dispose()


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(url: str, pid: int) -> None:
    """Have the server drop backend ``pid`` and wait until it is gone."""
    admin = await asyncpg.connect(url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        for _ in range(200):
            gone = not await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid)
            if gone:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"backend {pid} still there")
    finally:
        await admin.close()


def test_a_connection_is_pinged_unless_new_or_checked_in_within_the_window() -> None:
    window = db.PING_BYPASS_SECONDS
    assert not db.needs_ping({db._FRESH: True}, now=100.0)
    assert db.needs_ping({}, now=100.0)  # checked out, never checked in: no evidence
    assert not db.needs_ping({db._CHECKED_IN_AT: 100.0}, now=100.0 + window / 2)
    assert db.needs_ping({db._CHECKED_IN_AT: 100.0}, now=100.0 + window)
    info = {db._FRESH: True, db._CHECKED_IN_AT: 0.0}
    assert not db.needs_ping(info, now=100.0)
    assert db.needs_ping(info, now=100.0)  # "fresh" counts for the first checkout only


async def test_an_idle_connection_the_server_dropped_is_replaced_at_checkout(
    one_connection_engine: tuple[AsyncEngine, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, url = one_connection_engine
    first = await _backend_pid(engine)
    assert await _backend_pid(engine) == first  # the pooled connection is reused
    monkeypatch.setattr(db, "PING_BYPASS_SECONDS", 0.0)  # as if idle longer than the window
    await _terminate(url, first)
    # The checkout's ping fails, the pool replaces the connection: the caller sees nothing.
    second = await _backend_pid(engine)
    assert second != first
    assert await _backend_pid(engine) == second


async def test_a_connection_dropped_within_the_window_answers_unavailable(
    one_connection_engine: tuple[AsyncEngine, str],
) -> None:
    engine, url = one_connection_engine
    first = await _backend_pid(engine)
    await _terminate(url, first)  # well within the window: no ping at the next checkout
    with pytest.raises(DBAPIError) as lost:
        await _backend_pid(engine)
    assert db.is_connection_lost(lost.value)
    assert not db.is_connection_lost(RuntimeError("connection lost"))
    assert not db.is_transaction_conflict(lost.value)
    # The broken connection was invalidated: the next caller gets a new one.
    assert await _backend_pid(engine) != first

    refused = await refusal_for(lost.value)
    details = decode_error(refused)
    assert details.code is grpc.StatusCode.UNAVAILABLE
    assert details.reason == "DEPENDENCY_UNAVAILABLE"
    assert "pg_backend_pid" not in (refused.details() or "")  # no SQL text leaks
