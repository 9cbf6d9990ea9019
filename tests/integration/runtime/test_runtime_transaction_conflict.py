"""A transaction PostgreSQL aborts for a concurrent one (a real deadlock here) reaches the
client as ABORTED / CONCURRENT_MODIFICATION — retryable with the same request_id, since the
whole transaction, request_id claim included, was rolled back — not as INTERNAL."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from raising_probe import refusal_for
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime.db import is_transaction_conflict, retry_transaction_conflicts
from postloan_runtime.errors import Aborted
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration


async def _deadlock(engine: AsyncEngine) -> BaseException:
    """Two transactions lock rows 1 and 2 in opposite orders; return what the loser raised."""
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS probe (id int PRIMARY KEY, n int)"))
        await conn.execute(text("INSERT INTO probe VALUES (1, 0), (2, 0) ON CONFLICT DO NOTHING"))
    both_hold_one = asyncio.Barrier(2)

    async def worker(first: int, second: int) -> BaseException | None:
        try:
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE probe SET n = n + 1 WHERE id = :i"), {"i": first})
                await both_hold_one.wait()
                await conn.execute(text("UPDATE probe SET n = n + 1 WHERE id = :i"), {"i": second})
        except Exception as exc:  # noqa: BLE001 - the deadlock is the point
            return exc
        return None

    outcomes = await asyncio.gather(worker(1, 2), worker(2, 1))
    losers = [o for o in outcomes if o is not None]
    assert len(losers) == 1, outcomes
    return losers[0]


async def test_a_real_deadlock_is_a_transaction_conflict_and_answers_aborted(
    runtime_engine: AsyncEngine,
) -> None:
    raised = await _deadlock(runtime_engine)
    assert is_transaction_conflict(raised)
    assert not is_transaction_conflict(RuntimeError("deadlock detected"))
    refused = await refusal_for(raised)
    details = decode_error(refused)
    assert details.code is grpc.StatusCode.ABORTED
    assert details.reason == "CONCURRENT_MODIFICATION"
    assert "probe" not in (refused.details() or "")  # no SQL text reaches the client


async def test_a_unit_of_work_that_lost_a_deadlock_runs_again(runtime_engine: AsyncEngine) -> None:
    raised = await _deadlock(runtime_engine)
    calls: list[int] = []

    async def unit_of_work() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise raised
        return "done"

    assert await retry_transaction_conflicts(unit_of_work) == "done"
    assert len(calls) == 2

    async def always_loses() -> str:
        calls.append(1)
        raise raised

    calls.clear()
    with pytest.raises(type(raised)):
        await retry_transaction_conflicts(always_loses, attempts=3)
    assert len(calls) == 3

    async def other_failure() -> str:
        calls.append(1)
        raise ValueError("not a conflict")

    calls.clear()
    with pytest.raises(ValueError):
        await retry_transaction_conflicts(other_failure)
    assert len(calls) == 1


async def test_errors_the_caller_names_as_conflicts_are_retried_then_aborted() -> None:
    """``also_conflict``: e.g. a number a concurrent writer took first; retried like a
    serialization failure, the last one answered ABORTED, anything else propagates at once."""
    calls: list[int] = []

    def taken(exc: Exception) -> bool:
        return isinstance(exc, LookupError)

    async def loses_once() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise LookupError("number taken")
        return "done"

    assert await retry_transaction_conflicts(loses_once, also_conflict=taken) == "done"
    assert len(calls) == 2

    async def always_loses() -> str:
        calls.append(1)
        raise LookupError("number taken")

    calls.clear()
    with pytest.raises(Aborted):
        await retry_transaction_conflicts(always_loses, attempts=3, also_conflict=taken)
    assert len(calls) == 3

    async def other_failure() -> str:
        calls.append(1)
        raise ValueError("not a conflict")

    calls.clear()
    with pytest.raises(ValueError):
        await retry_transaction_conflicts(other_failure, also_conflict=taken)
    assert len(calls) == 1
