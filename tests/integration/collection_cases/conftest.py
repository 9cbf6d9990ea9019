"""The real collection server on a migrated database, consuming two real gRPC event feeds
(monitoring's and restructuring's) served by EventFeedServicer over producer databases."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from cases_harness import START, Harness, Producer

from collection.entrypoints.app import build_app
from collection.entrypoints.events import CollectionEventHandlers
from postloan.common.v1 import events_pb2_grpc
from postloan_runtime.auth import generate_dev_keys
from postloan_runtime.clock import ManualClock
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import create_engine, new_metadata
from postloan_runtime.events.consumer import consumer_worker
from postloan_runtime.events.feed_server import EventFeedServicer
from postloan_runtime.events.transport import GrpcEventSource
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.server import start
from postloan_runtime.telemetry import TelemetryHandle, configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for

ROLES = ["collection_supervisor", "collector", "operator"]


@pytest.fixture(scope="session")
def cases_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("collection-case-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="session")
def cases_telemetry() -> TelemetryHandle:
    return configure_telemetry("collection-case-tests", configure_logs=False)


async def _producer(make_database, name: str) -> tuple[Producer, grpc.aio.Server]:
    url = await make_database(name)
    engine = create_engine(url, pool_size=3)
    async with engine.begin() as conn:
        await conn.run_sync(new_metadata().create_all)  # the producer's runtime tables
    server = grpc.aio.server()
    events_pb2_grpc.add_EventFeedServiceServicer_to_server(
        EventFeedServicer(engine, name, poll_interval=0.05, heartbeat_interval=0.3), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return Producer(engine, f"127.0.0.1:{port}"), server


@pytest.fixture
async def harness(
    make_database, cases_keys_dir: Path, cases_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Harness]:
    monitoring, monitoring_server = await _producer(make_database, "monitoring")
    restructuring, restructuring_server = await _producer(make_database, "restructuring")
    url = await make_database("collection")
    await asyncio.to_thread(upgrade_head, "collection", url)
    monkeypatch.setenv("POSTLOAN_KEYS_DIR", str(cases_keys_dir))
    monkeypatch.setenv("POSTLOAN_AUTH_TRUSTED_KEYS", str(cases_keys_dir / "trusted.jwks.json"))
    clock = ManualClock(START)
    handlers = CollectionEventHandlers(clock)
    app = dataclasses.replace(
        build_app(clock),
        workers=[
            consumer_worker(
                "monitoring", handlers.monitoring(),
                source_factory=lambda running: GrpcEventSource(monitoring.target),
            ),
            consumer_worker(
                "restructuring", handlers.restructuring(),
                source_factory=lambda running: GrpcEventSource(restructuring.target),
            ),
        ],
    )
    settings = ServiceSettings(
        package="collection", name="collection", database_url=url, grpc_host="127.0.0.1",
        grpc_port=0, shutdown_grace_seconds=0,
    )
    server = await start(app, settings, telemetry=cases_telemetry)
    engine = create_engine(url, pool_size=3)
    try:
        async with grpc.aio.insecure_channel(server.address) as channel:
            yield Harness(
                channel=channel, clock=clock, engine=engine, keys_dir=cases_keys_dir,
                metadata=bearer(token_for(cases_keys_dir, ROLES, subject="sup-1")),
                monitoring=monitoring, restructuring=restructuring, address=server.address,
            )
    finally:
        await server.stop(grace=0)
        await engine.dispose()
        for feed in (monitoring_server, restructuring_server):
            await feed.stop(grace=0)
        await monitoring.engine.dispose()
        await restructuring.engine.dispose()
