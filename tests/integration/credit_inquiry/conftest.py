"""A real credit-inquiry server for the integration tests: a fresh PostgreSQL database migrated
with the service's Alembic revisions, generated keys, the shared server (auth, error mapping)
on a free port, and a ManualClock the tests move."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from consent_harness import START, Harness
from inquiry_harness import START as INQUIRY_START
from inquiry_harness import CountingBureau, InquiryHarness, SimulatorProcess

from credit_inquiry.adapters.bureau import BureauSettings, GrpcSimulatorBureau
from credit_inquiry.entrypoints.app import build_app
from credit_inquiry.service_layer.inquiries import InquirySettings
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc
from postloan_runtime.auth import ServiceIdentity, generate_dev_keys
from postloan_runtime.clock import ManualClock
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.pii import PiiCipher
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


# --- inquiries: the bureau simulator as a real process -------------------------------------


@pytest.fixture(scope="session")
async def bureau_simulator(
    ci_keys_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SimulatorProcess]:
    """One bureau SIMULATOR process for the session (tests that set faults clear them)."""
    proc = SimulatorProcess(
        kind="bureau", keys_dir=ci_keys_dir,
        log_path=tmp_path_factory.mktemp("ci-bureau") / "bureau.log",
    )
    await proc.start()
    yield proc
    proc.stop()


def fast_bureau_settings(address: str) -> BureauSettings:
    # Short backoff keeps failure tests fast and the breaker resets quickly; the deadline leaves
    # room for a loaded CI machine (a 1 s deadline timed out on an ordinary identity check).
    return BureauSettings(
        address=address, deadline_seconds=3.0, max_attempts=3, backoff_initial_seconds=0.01,
        breaker_failure_threshold=3, breaker_reset_seconds=0.5,
    )


@pytest.fixture
def ci_cipher(ci_keys_dir: Path) -> PiiCipher:
    """The server's cipher (a test module may override it, e.g. to refuse version-1 blobs)."""
    return PiiCipher.from_file(ci_keys_dir / "pii-keys.json")


@pytest.fixture
async def inquiry_harness(
    make_database, ci_keys_dir: Path, ci_telemetry: TelemetryHandle,
    bureau_simulator: SimulatorProcess, monkeypatch: pytest.MonkeyPatch, ci_cipher: PiiCipher,
) -> AsyncIterator[InquiryHarness]:
    url = await make_database("credit_inquiry")
    await asyncio.to_thread(upgrade_head, "credit_inquiry", url)
    monkeypatch.setenv("POSTLOAN_KEYS_DIR", str(ci_keys_dir))
    monkeypatch.setenv("POSTLOAN_AUTH_TRUSTED_KEYS", str(ci_keys_dir / "trusted.jwks.json"))
    clock = ManualClock(INQUIRY_START)
    settings = ServiceSettings(
        package="credit_inquiry", name="credit-inquiry", database_url=url,
        grpc_host="127.0.0.1", grpc_port=0, shutdown_grace_seconds=0,
    )
    real = GrpcSimulatorBureau(
        fast_bureau_settings(bureau_simulator.address),
        ServiceIdentity("credit-inquiry", ci_keys_dir / "credit-inquiry.pem"),
    )
    counting = CountingBureau(real)
    app = build_app(
        clock, bureau=counting, cipher=ci_cipher,
        settings=InquirySettings(
            reuse_window=timedelta(days=7), report_retention=timedelta(days=90)
        ),
    )
    app.workers = ()
    server = await start(app, settings, telemetry=ci_telemetry)
    engine = create_engine(url, pool_size=2)
    try:
        async with grpc.aio.insecure_channel(server.address) as channel:
            yield InquiryHarness(
                channel=channel,
                consents=credit_inquiry_pb2_grpc.ConsentServiceStub(channel),
                identities=credit_inquiry_pb2_grpc.IdentityVerificationServiceStub(channel),
                inquiries=credit_inquiry_pb2_grpc.InquiryServiceStub(channel),
                records=credit_inquiry_pb2_grpc.InquiryRecordServiceStub(channel),
                clock=clock,
                engine=engine,
                keys_dir=ci_keys_dir,
                bureau=counting,
                simulator=bureau_simulator,
                metadata=bearer(token_for(ci_keys_dir, ["credit_officer"], subject="op-7")),
            )
    finally:
        await engine.dispose()
        await server.stop(grace=0)
        await real.close()
