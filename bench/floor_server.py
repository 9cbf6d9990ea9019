"""One floor server for bench/bench_floor.py (a process of its own; prints its port, then serves).

    python bench/floor_server.py DSN MODE ROWS REPLY_SIZE PORT [--upstream ADDR]
        [--batched] [--stack KEYS_DIR]

MODE is ``none`` (no database work: the reply alone), ``read`` (one prepared SELECT by primary
key), ``write`` (a row checked under a share
lock and a record appended, one autocommit statement) or ``rmw`` (BEGIN, SELECT … FOR UPDATE, a
decision in Python, INSERT, COMMIT). ``--upstream`` first calls another floor server over gRPC
(with a service token when both are behind the stack).

``--batched`` coalesces the calls that arrive while the database is busy: whatever is queued when
one of four flushers is free goes to PostgreSQL as one statement (write) or one transaction
(rmw) over arrays, one commit for the lot (group commit done by the server). A lone caller still
gets a batch of one at once, so nothing waits for company.

``--stack`` serves the handler through the suite's own shared server
(:func:`postloan_runtime.server.start_standalone`: OpenTelemetry span per call, drain, token
verification and authorization, error mapping), at ``EventFeedService/GetFeedHead`` so that a
``service:monitoring`` token is authorized, with keys from KEYS_DIR; the database work stays on
the bare asyncpg pool. That is the least any RPC of the suite does: the layers every call must
pass (a verified caller, a span in the shared trace) around its least database work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import grpc

READ = "SELECT id, holder, valid FROM floor_grants WHERE id = $1"
WRITE = (
    "WITH grant_row AS (SELECT id FROM floor_grants WHERE id = $1 AND valid FOR SHARE) "
    "INSERT INTO floor_records (grant_id, payload) SELECT id, $2 FROM grant_row RETURNING seq"
)
LOCK = "SELECT id, holder, valid FROM floor_grants WHERE id = $1 FOR UPDATE"
APPEND = "INSERT INTO floor_records (grant_id, payload) VALUES ($1, $2) RETURNING seq"
WRITE_MANY = (
    "WITH grant_rows AS (SELECT id FROM floor_grants WHERE id = ANY($1::int[]) AND valid"
    " FOR SHARE) INSERT INTO floor_records (grant_id, payload)"
    " SELECT batch.grant_id, batch.payload FROM unnest($1::int[], $2::bytea[])"
    " AS batch (grant_id, payload) JOIN grant_rows ON grant_rows.id = batch.grant_id"
    " RETURNING grant_id"
)
LOCK_MANY = (
    "SELECT id, holder, valid FROM floor_grants WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE"
)
APPEND_MANY = (
    "INSERT INTO floor_records (grant_id, payload)"
    " SELECT * FROM unnest($1::int[], $2::bytea[]) RETURNING grant_id"
)
FEED_METHOD = "/postloan.common.v1.EventFeedService/GetFeedHead"
FLOOR_METHOD = "/bench.Floor/Call"
BATCH_LIMIT = 256
FLUSHERS = 4

Work = Callable[[int, bytes], Awaitable[bool]]
# The loop keeps only weak references to tasks: the flushers live here while the server runs.
_FLUSHERS_RUNNING: set[asyncio.Task[None]] = set()


def single_call_work(pool: asyncpg.Pool, mode: str) -> Work:
    """One call, its own statement(s): True when the grant was found (and the record written)."""

    async def work(key: int, request: bytes) -> bool:
        if mode == "none":
            return True
        async with pool.acquire() as connection:
            if mode == "read":
                return await connection.fetchrow(READ, key) is not None
            if mode == "write":
                return await connection.fetchrow(WRITE, key, request) is not None
            async with connection.transaction():  # four round trips
                row = await connection.fetchrow(LOCK, key)
                if row is None or not row["valid"]:
                    return False
                return await connection.fetchrow(APPEND, key, request) is not None

    return work


def batched_work(pool: asyncpg.Pool, mode: str) -> Work:
    """Calls queue up; up to ``FLUSHERS`` batches are in the database at once."""
    if mode not in ("write", "rmw"):
        raise SystemExit("--batched applies to write and rmw")
    queue: list[tuple[int, bytes, asyncio.Future[bool]]] = []
    wake = asyncio.Event()

    async def flush(batch: list[tuple[int, bytes, asyncio.Future[bool]]]) -> set[int]:
        keys = [key for key, _, _ in batch]
        payloads = [payload for _, payload, _ in batch]
        async with pool.acquire() as connection:
            if mode == "write":
                rows = await connection.fetch(WRITE_MANY, keys, payloads)
                return {row["grant_id"] for row in rows}
            async with connection.transaction():
                locked = await connection.fetch(LOCK_MANY, keys)
                valid = {row["id"] for row in locked if row["valid"]}  # the decision, per call
                chosen = [(key, payload) for key, payload in zip(keys, payloads, strict=True)
                          if key in valid]
                rows = await connection.fetch(
                    APPEND_MANY, [key for key, _ in chosen], [payload for _, payload in chosen])
                return {row["grant_id"] for row in rows}

    async def flusher() -> None:
        while True:
            await wake.wait()
            batch = queue[:BATCH_LIMIT]
            del queue[:BATCH_LIMIT]
            if not queue:
                wake.clear()
            if not batch:
                continue
            try:
                written = await flush(batch)
            except Exception as exc:  # every caller in the batch sees the failure
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for key, _, future in batch:
                if not future.done():
                    future.set_result(key in written)

    _FLUSHERS_RUNNING.update(
        asyncio.get_running_loop().create_task(flusher()) for _ in range(FLUSHERS)
    )

    async def work(key: int, request: bytes) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        queue.append((key, request, future))
        wake.set()
        return await future

    return work


async def main(args: argparse.Namespace) -> None:
    pool = await asyncpg.create_pool(args.dsn, min_size=16, max_size=16)
    work = batched_work(pool, args.mode) if args.batched else single_call_work(pool, args.mode)
    reply = bytes(args.reply_size)
    upstream = None
    upstream_metadata: tuple[tuple[str, str], ...] | None = None
    if args.upstream:
        channel = grpc.aio.insecure_channel(args.upstream)
        # Behind the stack the upstream is a stack server too: a verified caller on each call.
        upstream = channel.unary_unary(FEED_METHOD if args.stack else FLOOR_METHOD)
        if args.stack:
            from postloan_runtime.auth import mint_service_token
            from postloan_runtime.testing.auth import bearer

            upstream_metadata = bearer(mint_service_token(args.stack, "monitoring", 3600))
    calls = iter(range(1 << 62))

    async def handle(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        key = next(calls) % args.rows  # rows in turn, whatever the client sends
        if upstream is not None:  # the read another service answers, as QuotePlan's loan read
            await upstream(request, timeout=30, metadata=upstream_metadata)
        if not await work(key, request):
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "no grant")
        return reply

    def register(server: Any) -> None:
        service, method = (FEED_METHOD if args.stack else FLOOR_METHOD)[1:].split("/")
        server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
            service, {method: grpc.unary_unary_rpc_method_handler(handle)})])

    if args.stack:
        os.environ["POSTLOAN_KEYS_DIR"] = args.stack
        from postloan.common.v1 import events_pb2  # noqa: F401 - its permission, in the pool
        from postloan_runtime.logs import configure_logging
        from postloan_runtime.server import start_standalone

        configure_logging("monitoring")  # INFO, as a service runs
        running = await start_standalone(
            "monitoring", [FEED_METHOD[1:].split("/")[0]], register, port=args.port)
        print(running.port, flush=True)
        await running.server.wait_for_termination()
        return
    server = grpc.aio.server()
    register(server)
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")  # SO_REUSEPORT: several processes
    await server.start()
    print(port, flush=True)
    await server.wait_for_termination()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dsn")
    parser.add_argument("mode", choices=["none", "read", "write", "rmw"])
    parser.add_argument("rows", type=int)
    parser.add_argument("reply_size", type=int)
    parser.add_argument("port", type=int)
    parser.add_argument("--upstream")
    parser.add_argument("--batched", action="store_true")
    parser.add_argument("--stack", metavar="KEYS_DIR")
    return parser.parse_args()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(parse()))
