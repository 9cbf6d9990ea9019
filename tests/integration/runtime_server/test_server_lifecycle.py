"""Health follows the database; shutdown drains in-flight calls while health says NOT_SERVING;
crashed workers come back."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2
from server_test_app import FEED_SERVICE, AppProcess, feed_settings, wait_for_health

from postloan.common.v1 import events_pb2
from postloan_runtime import server as server_module
from postloan_runtime.app import ServiceApp
from postloan_runtime.auth import AuthInterceptor, TokenVerifier
from postloan_runtime.db import create_engine, new_metadata
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.databases import unique_database_name

pytestmark = pytest.mark.integration

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
GET_FEED_HEAD = f"/{FEED_SERVICE}/GetFeedHead"
APP_SCRIPT = Path(__file__).with_name("server_test_app.py")


def feed_head(channel: grpc.aio.Channel):
    return channel.unary_unary(
        GET_FEED_HEAD,
        request_serializer=events_pb2.GetFeedHeadRequest.SerializeToString,
        response_deserializer=events_pb2.GetFeedHeadResponse.FromString,
    )


async def test_health_follows_the_database(pg_server, start_feed_server):
    name = unique_database_name("health")
    url = pg_server.database_url(name)
    try:
        # The database does not exist yet: the server listens but is not serving.
        server = await start_feed_server(url)
        async with grpc.aio.insecure_channel(server.address) as channel:
            await wait_for_health(channel, NOT_SERVING)
            await asyncio.sleep(1.5)
            await wait_for_health(channel, NOT_SERVING, service=FEED_SERVICE)

            await pg_server.ensure_database(name)
            await wait_for_health(channel, SERVING)
            await wait_for_health(channel, SERVING, service=FEED_SERVICE)

            # Lose it: terminate every connection and drop it.
            await pg_server.drop_database(name)
            await wait_for_health(channel, NOT_SERVING, within_seconds=8)
            await wait_for_health(channel, NOT_SERVING, service=FEED_SERVICE)

            await pg_server.ensure_database(name)
            await wait_for_health(channel, SERVING, within_seconds=8)
    finally:
        await pg_server.drop_database(name)


async def test_in_flight_call_completes_while_health_is_not_serving(
    feed_database, start_feed_server, keys_dir, granted_roles
):
    server = await start_feed_server(feed_database, shutdown_grace_seconds=10)
    metadata = bearer(token_for(keys_dir, granted_roles))
    async with grpc.aio.insecure_channel(server.address) as channel:
        await wait_for_health(channel, SERVING)
        slow = asyncio.ensure_future(
            feed_head(channel)(events_pb2.GetFeedHeadRequest(),
                               metadata=(*metadata, ("x-test-sleep", "2")), timeout=15)
        )
        await asyncio.sleep(0.5)
        stopping = asyncio.ensure_future(server.stop())
        await wait_for_health(channel, NOT_SERVING, within_seconds=1)
        assert not slow.done()
        # While draining, new application calls are refused (retryable), probes still answer.
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await feed_head(channel)(events_pb2.GetFeedHeadRequest(), metadata=metadata,
                                     timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        assert (await slow).head_position == 0
        await asyncio.wait_for(stopping, 5)
        with pytest.raises(grpc.aio.AioRpcError) as after:
            await feed_head(channel)(events_pb2.GetFeedHeadRequest(), metadata=metadata,
                                     timeout=2)
        assert after.value.code() in (grpc.StatusCode.UNAVAILABLE,
                                      grpc.StatusCode.DEADLINE_EXCEEDED)


async def test_sigterm_drains_then_exits(feed_database, keys_dir, granted_roles,
                                          granted_service):
    """``python -m``-style process: SIGTERM -> NOT_SERVING, in-flight call OK, exit 0."""
    env = {
        **os.environ,
        "DATABASE_URL": feed_database,
        "POSTLOAN_KEYS_DIR": str(keys_dir),
        "POSTLOAN_GRPC_PORT": "0",
        "POSTLOAN_SHUTDOWN_GRACE_SECONDS": "10",
        "OTEL_SERVICE_NAME": "feed-test",
    }
    for key in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        env.pop(key, None)
    app = AppProcess(env)
    try:
        await app.start()
        # A peer service's token: this also exercises the service-identity path.
        metadata = bearer(token_for(keys_dir, [f"service:{granted_service}"]))
        async with grpc.aio.insecure_channel(app.address) as channel:
            await wait_for_health(channel, SERVING)
            slow = asyncio.ensure_future(
                feed_head(channel)(events_pb2.GetFeedHeadRequest(),
                                   metadata=(*metadata, ("x-test-sleep", "2")), timeout=15)
            )
            await asyncio.sleep(0.5)
            assert app.process is not None
            app.process.send_signal(signal.SIGTERM)
            await wait_for_health(channel, NOT_SERVING, within_seconds=1.5)
            assert not slow.done()
            assert (await slow).head_position == 0
            assert await app.wait() == 0
            with pytest.raises(grpc.aio.AioRpcError) as after:
                await feed_head(channel)(events_pb2.GetFeedHeadRequest(), metadata=metadata,
                                         timeout=2)
            assert after.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await app.close()
    lines = app.lines
    messages = [line.get("message") for line in lines]
    assert "listening" in messages and "stopped" in messages, messages
    assert "SIGTERM received" in messages
    # A service process runs on uvloop unless POSTLOAN_EVENT_LOOP says otherwise.
    listening = next(line for line in lines if line.get("message") == "listening")
    expected_loop = "asyncio" if os.environ.get("POSTLOAN_EVENT_LOOP") == "asyncio" else "uvloop"
    assert listening["event_loop"] == expected_loop
    assert all(line.get("service") == "feed-test" for line in lines if "service" in line)


async def test_crashed_worker_is_restarted(feed_database, keys_dir, telemetry, monkeypatch):
    monkeypatch.setattr(server_module, "WORKER_BACKOFF_INITIAL_SECONDS", 0.05)
    attempts: list[int] = []
    cancelled = asyncio.Event()

    async def flaky(running) -> None:
        attempts.append(len(attempts))
        if len(attempts) < 3:
            raise RuntimeError("boom")
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    app = ServiceApp(package="monitoring", metadata=new_metadata(), service_names=[FEED_SERVICE],
                     register=lambda server, running: None, workers=[flaky])
    verifier = TokenVerifier.from_jwks_file(keys_dir / "trusted.jwks.json")
    running = await server_module.start(
        app, feed_settings(feed_database), telemetry=telemetry,
        auth=AuthInterceptor("feed-test.postloan", verifier),
    )
    try:
        for _ in range(100):
            if len(attempts) >= 3:
                break
            await asyncio.sleep(0.05)
        assert len(attempts) == 3
    finally:
        await running.stop(grace=0)
    assert cancelled.is_set()


async def test_serve_returns_after_stop_event(feed_database, keys_dir, telemetry):
    from server_test_app import build_app

    ready = server_module.Ready()
    stop = asyncio.Event()
    verifier = TokenVerifier.from_jwks_file(keys_dir / "trusted.jwks.json")
    task = asyncio.ensure_future(server_module.serve(
        build_app(), feed_settings(feed_database), ready=ready, stop=stop, telemetry=telemetry,
        auth=AuthInterceptor("feed-test.postloan", verifier), handle_signals=False,
    ))
    await asyncio.wait_for(ready.wait(), 10)
    assert ready.server is not None and ready.server.port > 0
    stop.set()
    await asyncio.wait_for(task, 10)
    engine = create_engine(feed_database)
    await engine.dispose()
