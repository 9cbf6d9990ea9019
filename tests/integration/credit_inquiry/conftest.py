"""A real credit-inquiry server for the integration tests: a fresh PostgreSQL database migrated
with the service's Alembic revisions, generated keys, the shared server (auth, error mapping)
on a free port, and a ManualClock the tests move."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from consent_harness import START, Harness

from credit_inquiry.entrypoints.app import build_app
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc
from postloan_runtime.auth import generate_dev_keys
from postloan_runtime.clock import ManualClock
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.server import start
from postloan_runtime.telemetry import TelemetryHandle, configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for


@pytest.fixture(scope="session")
def ci_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("credit-inquiry-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="session")
def ci_telemetry() -> TelemetryHandle:
    return configure_telemetry("credit-inquiry-tests", configure_logs=False)


@pytest.fixture
async def harness(
    make_database, ci_keys_dir: Path, ci_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Harness]:
    url = await make_database("credit_inquiry")
    await asyncio.to_thread(upgrade_head, "credit_inquiry", url)
    monkeypatch.setenv("POSTLOAN_KEYS_DIR", str(ci_keys_dir))
    monkeypatch.setenv("POSTLOAN_AUTH_TRUSTED_KEYS", str(ci_keys_dir / "trusted.jwks.json"))
    clock = ManualClock(START)
    settings = ServiceSettings(
        package="credit_inquiry",
        name="credit-inquiry",
        database_url=url,
        grpc_host="127.0.0.1",
        grpc_port=0,
        shutdown_grace_seconds=0,
    )
    # No workers: the relay would move outbox rows while the tests count them.
    app = build_app(clock)
    app.workers = ()
    server = await start(app, settings, telemetry=ci_telemetry)
    engine = create_engine(url, pool_size=2)
    try:
        async with grpc.aio.insecure_channel(server.address) as channel:
            yield Harness(
                channel=channel,
                stub=credit_inquiry_pb2_grpc.ConsentServiceStub(channel),
                clock=clock,
                engine=engine,
                keys_dir=ci_keys_dir,
                metadata=bearer(token_for(ci_keys_dir, ["credit_officer"], subject="op-7")),
            )
    finally:
        await engine.dispose()
        await server.stop(grace=0)
