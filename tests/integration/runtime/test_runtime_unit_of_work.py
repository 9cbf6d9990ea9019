"""Idempotent calls inside a unit of work: the response is written at commit, in the statement
that inserts the outbox rows; same answers, same refusals, same single effect as when it is
written at once (test_runtime_idempotency.py covers that path)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan.common.v1.events_pb2 import GetFeedHeadResponse, SubscribeEventsRequest
from postloan_runtime.db import create_engine
from postloan_runtime.errors import InvalidArgument
from postloan_runtime.events.outbox import DomainEventRecord, append_events
from postloan_runtime.idempotency import _deferred_responses, run_idempotent_in_transaction
from postloan_runtime.testing.statements import statement_log
from postloan_runtime.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration

METHOD = "/postloan.test.v1.Probe/RecordThing"


@pytest.fixture
async def engine(runtime_engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    async with runtime_engine.begin() as conn:
        await conn.execute(
            text("CREATE TABLE effects (id bigserial PRIMARY KEY, request_id text NOT NULL)")
        )
    engine = create_engine(runtime_engine.url.render_as_string(hide_password=False), pool_size=15)
    yield engine
    await engine.dispose()


async def call(
    engine: AsyncEngine,
    request_id: str,
    request: SubscribeEventsRequest,
    *,
    events: int = 1,
    commit: bool = True,
    pause: float = 0.0,
) -> tuple[GetFeedHeadResponse, int]:
    """One RPC's transaction: claim, effect (a row, ``events`` events), commit. Returns the
    response and how many times the effect ran."""
    ran = 0
    async with UnitOfWork(engine) as uow:

        async def effect() -> GetFeedHeadResponse:
            nonlocal ran
            ran += 1
            row_id = (
                await uow.connection.execute(
                    text("INSERT INTO effects (request_id) VALUES (:r) RETURNING id"),
                    {"r": request_id},
                )
            ).scalar_one()
            for n in range(events):
                uow.record_event(GetFeedHeadResponse(head_position=row_id * 100 + n), request_id)
            await asyncio.sleep(pause)
            return GetFeedHeadResponse(head_position=row_id)

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=request_id,
            method=METHOD,
            request=request,
            response_type=GetFeedHeadResponse,
            effect=effect,
        )
        if commit:
            await uow.commit()
    return response, ran


async def stored(engine: AsyncEngine, request_id: str) -> tuple[bytes | None, list[int]]:
    async with engine.connect() as conn:
        response = (
            await conn.execute(
                text("SELECT response FROM idempotency_keys WHERE request_id = :r"),
                {"r": request_id},
            )
        ).scalar_one_or_none()
        heads = [
            GetFeedHeadResponse.FromString(payload).head_position
            for payload in (
                await conn.execute(
                    text("SELECT payload FROM outbox WHERE ordering_key = :r ORDER BY id"),
                    {"r": request_id},
                )
            ).scalars()
        ]
    return response, heads


async def test_response_and_events_are_one_statement_and_replay_alike(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=3)
    seen = statement_log(engine)
    first, ran = await call(engine, request_id, request, events=3)
    assert ran == 1
    # Claim, effect, then the response and the outbox rows together: three statements.
    assert len(seen) == 3, seen
    assert seen[2].startswith("WITH recorded AS (UPDATE idempotency_keys")
    response, heads = await stored(engine, request_id)
    assert response == first.SerializeToString(deterministic=True)
    base = first.head_position * 100
    assert heads == [base, base + 1, base + 2]  # outbox ids in the order recorded

    again, ran = await call(engine, request_id, request, events=3)
    assert (again, ran) == (first, 0)
    assert (await stored(engine, request_id))[1] == heads  # no new events on a replay

    with pytest.raises(InvalidArgument) as refused:
        await call(engine, request_id, SubscribeEventsRequest(after_position=4))
    assert refused.value.reason == "REQUEST_ID_REUSED"


async def test_a_response_without_events_is_written_too(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())
    first, _ = await call(engine, request_id, SubscribeEventsRequest(), events=0)
    assert (await stored(engine, request_id)) == (first.SerializeToString(deterministic=True), [])
    assert await call(engine, request_id, SubscribeEventsRequest(), events=0) == (first, 0)


async def test_two_idempotent_calls_in_one_unit_of_work(engine: AsyncEngine) -> None:
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    answers = []
    async with UnitOfWork(engine) as uow:
        for n, request_id in enumerate(ids):

            async def effect(n: int = n) -> GetFeedHeadResponse:
                return GetFeedHeadResponse(head_position=n + 1)

            answers.append(
                await run_idempotent_in_transaction(
                    uow.connection,
                    request_id=request_id,
                    method=METHOD,
                    request=SubscribeEventsRequest(after_position=n),
                    response_type=GetFeedHeadResponse,
                    effect=effect,
                )
            )
        uow.record_event(GetFeedHeadResponse(head_position=9), ids[0])
        await uow.commit()
    for request_id, answer in zip(ids, answers, strict=True):
        assert (await stored(engine, request_id))[0] == answer.SerializeToString()


async def test_no_commit_leaves_no_key_no_event_and_no_pending_response(
    engine: AsyncEngine,
) -> None:
    request_id = str(uuid.uuid4())
    _, ran = await call(engine, request_id, SubscribeEventsRequest(), commit=False)
    assert ran == 1
    async with engine.connect() as conn:
        keys = (
            await conn.execute(
                text("SELECT count(*) FROM idempotency_keys WHERE request_id = :r"),
                {"r": request_id},
            )
        ).scalar_one()
    assert keys == 0 and (await stored(engine, request_id)) == (None, [])
    assert len(_deferred_responses) == 0  # the unit of work unregistered its connection
    # The key was rolled back with the rest: a retry runs the effect.
    assert (await call(engine, request_id, SubscribeEventsRequest()))[1] == 1


async def test_concurrent_duplicates_in_units_of_work_apply_the_effect_once(
    engine: AsyncEngine,
) -> None:
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=1)
    results = await asyncio.gather(
        *(call(engine, request_id, request, pause=0.3) for _ in range(10))
    )
    assert sum(ran for _, ran in results) == 1
    assert len({response.SerializeToString() for response, _ in results}) == 1
    response, heads = await stored(engine, request_id)
    assert response == results[0][0].SerializeToString()
    assert len(heads) == 1


async def test_a_connection_outside_a_unit_of_work_writes_at_once(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())
    seen = statement_log(engine)
    async with engine.begin() as conn:
        await run_idempotent_in_transaction(
            conn,
            request_id=request_id,
            method=METHOD,
            request=SubscribeEventsRequest(),
            response_type=GetFeedHeadResponse,
            effect=lambda: asyncio.sleep(0, GetFeedHeadResponse(head_position=5)),
        )
        assert seen[-1].startswith("UPDATE idempotency_keys SET response")
        events = [DomainEventRecord(GetFeedHeadResponse(head_position=n), request_id)
                  for n in range(3)]
        await append_events(conn, events)
    assert await stored(engine, request_id) == (
        GetFeedHeadResponse(head_position=5).SerializeToString(), [0, 1, 2]
    )
