"""AIP-155 idempotency on real PostgreSQL: one effect per request_id, same answer for all."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from postloan.common.v1.events_pb2 import GetFeedHeadResponse, SubscribeEventsRequest
from postloan_runtime.app import RunningService
from postloan_runtime.auth import Caller, caller_scope
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import create_engine
from postloan_runtime.errors import FailedPrecondition, InvalidArgument, Unavailable
from postloan_runtime.idempotency import (
    idempotency_sweeper,
    payload_fingerprint,
    purge_expired,
    run_idempotent,
    run_idempotent_in_transaction,
)

pytestmark = pytest.mark.integration

METHOD = "/postloan.test.v1.Probe/PostRepayment"


@pytest.fixture
async def engine(runtime_engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The runtime database plus a table the effects write to, with a pool big enough that
    every concurrent duplicate holds its own connection."""
    async with runtime_engine.begin() as conn:
        await conn.execute(
            text("CREATE TABLE effects (id bigserial PRIMARY KEY, request_id text NOT NULL)")
        )
    engine = create_engine(runtime_engine.url.render_as_string(hide_password=False), pool_size=25)
    yield engine
    await engine.dispose()


async def count_effects(engine: AsyncEngine, request_id: str | None = None) -> int:
    async with engine.connect() as conn:
        query = "SELECT count(*) FROM effects"
        if request_id is None:
            return int((await conn.execute(text(query))).scalar_one())
        return int(
            (
                await conn.execute(text(query + " WHERE request_id = :r"), {"r": request_id})
            ).scalar_one()
        )


async def write_effect(conn: AsyncConnection, request_id: str) -> GetFeedHeadResponse:
    row_id = (
        await conn.execute(
            text("INSERT INTO effects (request_id) VALUES (:r) RETURNING id"), {"r": request_id}
        )
    ).scalar_one()
    return GetFeedHeadResponse(head_position=row_id)


async def test_concurrent_duplicates_apply_the_effect_once(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=7, event_types=["a", "b"])
    calls = 0

    async def effect(conn: AsyncConnection) -> GetFeedHeadResponse:
        nonlocal calls
        calls += 1
        response = await write_effect(conn, request_id)
        await asyncio.sleep(0.3)  # keep the first transaction open while duplicates arrive
        return response

    responses = await asyncio.gather(
        *(
            run_idempotent(
                engine,
                request_id=request_id,
                method=METHOD,
                request=request,
                response_type=GetFeedHeadResponse,
                effect=effect,
            )
            for _ in range(20)
        )
    )
    assert calls == 1
    assert await count_effects(engine, request_id) == 1
    assert len({r.SerializeToString() for r in responses}) == 1
    assert responses[0].head_position > 0
    # A later retry, too, gets the stored response without running the effect.
    again = await run_idempotent(
        engine,
        request_id=request_id,
        method=METHOD,
        request=request,
        response_type=GetFeedHeadResponse,
        effect=effect,
    )
    assert again == responses[0]
    assert calls == 1


async def test_concurrent_duplicates_inside_caller_transactions(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=1)

    async def call() -> GetFeedHeadResponse:
        async with engine.begin() as conn:

            async def effect() -> GetFeedHeadResponse:
                response = await write_effect(conn, request_id)
                await asyncio.sleep(0.2)
                return response

            return await run_idempotent_in_transaction(
                conn,
                request_id=request_id,
                method=METHOD,
                request=request,
                response_type=GetFeedHeadResponse,
                effect=effect,
            )

    responses = await asyncio.gather(*(call() for _ in range(20)))
    assert await count_effects(engine, request_id) == 1
    assert len({r.head_position for r in responses}) == 1


async def test_a_failed_first_call_releases_the_key_to_its_duplicate(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=3)
    attempts = 0

    async def flaky(conn: AsyncConnection) -> GetFeedHeadResponse:
        nonlocal attempts
        attempts += 1
        response = await write_effect(conn, request_id)
        if attempts == 1:
            await asyncio.sleep(0.3)
            raise Unavailable("bureau-simulator")  # transient: not stored
        return response

    results = await asyncio.gather(
        *(
            run_idempotent(
                engine,
                request_id=request_id,
                method=METHOD,
                request=request,
                response_type=GetFeedHeadResponse,
                effect=flaky,
            )
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Unavailable) for r in results) == 1
    assert sum(isinstance(r, GetFeedHeadResponse) for r in results) == 1
    assert attempts == 2
    assert await count_effects(engine, request_id) == 1


async def test_same_request_id_with_another_payload_is_refused(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())

    async def effect(conn: AsyncConnection) -> GetFeedHeadResponse:
        return await write_effect(conn, request_id)

    first = SubscribeEventsRequest(after_position=1)
    await run_idempotent(
        engine,
        request_id=request_id,
        method=METHOD,
        request=first,
        response_type=GetFeedHeadResponse,
        effect=effect,
    )
    for method, request in [
        (METHOD, SubscribeEventsRequest(after_position=2)),
        ("/postloan.test.v1.Probe/Other", first),
    ]:
        with pytest.raises(InvalidArgument) as refused:
            await run_idempotent(
                engine,
                request_id=request_id,
                method=method,
                request=request,
                response_type=GetFeedHeadResponse,
                effect=effect,
            )
        assert refused.value.reason == "REQUEST_ID_REUSED"
        assert [v.field for v in refused.value.violations] == ["request_id"]
    assert await count_effects(engine, request_id) == 1


async def test_a_domain_refusal_is_stored_and_its_writes_undone(engine: AsyncEngine) -> None:
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=9)
    calls = 0

    async def refuse(conn: AsyncConnection) -> GetFeedHeadResponse:
        nonlocal calls
        calls += 1
        await write_effect(conn, request_id)  # rolled back with the savepoint
        raise FailedPrecondition("LOAN_SETTLED", "the loan is settled", {"loan_id": "L-1"})

    for _ in range(2):
        with pytest.raises(FailedPrecondition) as refused:
            await run_idempotent(
                engine,
                request_id=request_id,
                method=METHOD,
                request=request,
                response_type=GetFeedHeadResponse,
                effect=refuse,
            )
        assert refused.value.reason == "LOAN_SETTLED"
        assert refused.value.metadata == {"loan_id": "L-1"}
    assert calls == 1
    assert await count_effects(engine, request_id) == 0


async def test_expired_keys_are_purged(engine: AsyncEngine) -> None:
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    old_id, new_id = str(uuid.uuid4()), str(uuid.uuid4())
    request = SubscribeEventsRequest()

    async def run(request_id: str, now: dt.datetime) -> GetFeedHeadResponse:
        async def effect(conn: AsyncConnection) -> GetFeedHeadResponse:
            return await write_effect(conn, request_id)

        return await run_idempotent(
            engine,
            request_id=request_id,
            method=METHOD,
            request=request,
            response_type=GetFeedHeadResponse,
            effect=effect,
            ttl=dt.timedelta(days=1),
            now=now,
        )

    await run(old_id, t0)
    await run(new_id, t0 + dt.timedelta(days=5))
    assert await purge_expired(engine, t0 + dt.timedelta(days=3), batch_size=1) == 1
    assert await purge_expired(engine, t0 + dt.timedelta(days=3)) == 0
    async with engine.connect() as conn:
        left = (await conn.execute(text("SELECT request_id FROM idempotency_keys"))).scalars()
        assert list(left) == [new_id]
    # Once purged, the id is free: the effect runs again.
    await run(old_id, t0 + dt.timedelta(days=3))
    assert await count_effects(engine, old_id) == 2


async def test_sweeper_worker_purges_with_the_database_clock(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO idempotency_keys (request_id, method, request_hash, expires_at) "
                "VALUES ('gone', 'm', 'h', now() - interval '1 minute'), "
                "('kept', 'm', 'h', now() + interval '1 day')"
            )
        )
    settings = ServiceSettings("monitoring", "monitoring", "", "127.0.0.1", 0, 1.0)
    worker = idempotency_sweeper(interval=dt.timedelta(seconds=0.05))
    sweeping = worker(RunningService(settings=settings, engine=engine))
    task = asyncio.ensure_future(sweeping)
    try:
        for _ in range(100):
            async with engine.connect() as conn:
                keys = set(
                    (await conn.execute(text("SELECT request_id FROM idempotency_keys"))).scalars()
                )
            if keys == {"kept"}:
                break
            await asyncio.sleep(0.05)
        assert keys == {"kept"}
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_empty_request_id_is_refused(engine: AsyncEngine) -> None:
    async def effect(conn: AsyncConnection) -> GetFeedHeadResponse:
        raise AssertionError("must not run")

    with pytest.raises(InvalidArgument):
        await run_idempotent(
            engine,
            request_id="",
            method=METHOD,
            request=SubscribeEventsRequest(),
            response_type=GetFeedHeadResponse,
            effect=effect,
        )


async def test_another_caller_reusing_a_request_id_gets_no_stored_response(
    engine: AsyncEngine,
) -> None:
    """A request_id is bound to the caller that first used it: the same payload under another
    subject is refused as a reuse (nothing replayed, nothing written); the first caller's retry
    still gets its stored answer."""
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=3)

    async def effect(conn: AsyncConnection) -> GetFeedHeadResponse:
        return await write_effect(conn, request_id)

    def call() -> Awaitable[GetFeedHeadResponse]:
        return run_idempotent(
            engine,
            request_id=request_id,
            method=METHOD,
            request=request,
            response_type=GetFeedHeadResponse,
            effect=effect,
        )

    owner = Caller(subject="op-owner", roles=("collector",), kind="person")
    other = Caller(subject="op-other", roles=("collector",), kind="person")
    with caller_scope(owner):
        first = await call()
    with caller_scope(other), pytest.raises(InvalidArgument) as refused:
        await call()
    assert refused.value.reason == "REQUEST_ID_REUSED"
    with caller_scope(owner):
        assert await call() == first
    assert await count_effects(engine, request_id) == 1


async def test_a_key_stored_before_caller_binding_still_replays(engine: AsyncEngine) -> None:
    """A key stored with the payload-only fingerprint (before keys were bound to their caller)
    replays its stored answer to a retry across the upgrade, under any caller, instead of
    refusing it; another payload under it is still refused."""
    request_id = str(uuid.uuid4())
    request = SubscribeEventsRequest(after_position=5)
    stored = GetFeedHeadResponse(head_position=77)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO idempotency_keys (request_id, method, request_hash, response,"
                " expires_at) VALUES (:r, :m, :h, :resp, now() + interval '1 day')"
            ),
            {"r": request_id, "m": METHOD, "h": payload_fingerprint(METHOD, request),
             "resp": stored.SerializeToString()},
        )

    async def effect(conn: AsyncConnection) -> GetFeedHeadResponse:
        return await write_effect(conn, request_id)

    with caller_scope(Caller(subject="svc", roles=("service:restructuring",), kind="service")):
        replayed = await run_idempotent(
            engine, request_id=request_id, method=METHOD, request=request,
            response_type=GetFeedHeadResponse, effect=effect,
        )
        assert replayed == stored
        with pytest.raises(InvalidArgument):
            await run_idempotent(
                engine, request_id=request_id, method=METHOD,
                request=SubscribeEventsRequest(after_position=6),
                response_type=GetFeedHeadResponse, effect=effect,
            )
    assert await count_effects(engine, request_id) == 0
