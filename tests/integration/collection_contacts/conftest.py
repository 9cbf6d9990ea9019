"""A real collection server for the contact-gate tests: a fresh database migrated with the
service's Alembic revisions, real authentication, the contact servicers with a ManualClock, the
SMS/IVR channel simulator as a real process and an aiosmtpd SMTP sink on free ports."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
from aiosmtpd.controller import Controller
from contact_harness import START, Harness, SinkHandler, SmtpSink

from collection.adapters.channels import ChannelRouter, SimulatorGateway, SmtpMailer
from collection.entrypoints.app import build_app
from collection.entrypoints.contacts import contact_servicers
from postloan.collection.v1 import collection_pb2, collection_pb2_grpc
from postloan_runtime.app import RunningService
from postloan_runtime.auth import AuthInterceptor, ServiceIdentity, TokenVerifier, generate_dev_keys
from postloan_runtime.clock import ManualClock
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import create_engine
from postloan_runtime.events.feed_server import add_event_feed
from postloan_runtime.grpc_errors import error_domain
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.pii import PiiCipher
from postloan_runtime.server import start
from postloan_runtime.servicers import add_servicers
from postloan_runtime.suite import unused_port
from postloan_runtime.telemetry import TelemetryHandle, configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for

sys.path.insert(0, str(Path(__file__).parent.parent / "simulators"))
from simulator_procs import SimulatorProcess  # noqa: E402


@pytest.fixture(scope="session")
def contact_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("collection-contact-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="session")
def contact_telemetry() -> TelemetryHandle:
    return configure_telemetry("collection-contact-tests", configure_logs=False)


@pytest.fixture(scope="session")
async def channel_simulator(
    contact_keys_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SimulatorProcess]:
    proc = SimulatorProcess(
        kind="channels", keys_dir=contact_keys_dir,
        log_path=tmp_path_factory.mktemp("channels") / "channels.log",
    )
    await proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=unused_port())
    controller.start()
    try:
        yield SmtpSink(controller, handler)
    finally:
        controller.stop()


@pytest.fixture
def contact_cipher(contact_keys_dir: Path) -> PiiCipher:
    """The server's cipher (a test module may override it, e.g. to refuse version-1 blobs)."""
    return PiiCipher.from_file(contact_keys_dir / "pii-keys.json")


async def _serve(
    make_database, keys_dir: Path, telemetry: TelemetryHandle, channels: object,
    cipher: PiiCipher,
) -> AsyncIterator[Harness]:
    url = await make_database("collection_contacts")
    await asyncio.to_thread(upgrade_head, "collection", url)
    clock = ManualClock(START)

    def register(server: grpc.aio.Server, running: RunningService) -> None:
        servicers = contact_servicers(running, clock=clock, channels=channels, cipher=cipher)
        add_servicers(server, collection_pb2, collection_pb2_grpc, servicers)
        add_event_feed(server, running)

    app = dataclasses.replace(build_app(), register=register, workers=[])
    settings = ServiceSettings(
        package="collection", name="collection", database_url=url, grpc_host="127.0.0.1",
        grpc_port=0, shutdown_grace_seconds=0,
    )
    verifier = TokenVerifier.from_jwks_file(keys_dir / "trusted.jwks.json")
    server = await start(
        app, settings, telemetry=telemetry,
        auth=AuthInterceptor(error_domain("collection"), verifier),
    )
    engine = create_engine(url, pool_size=2)
    try:
        async with grpc.aio.insecure_channel(server.address) as channel:
            yield Harness(
                channel=channel,
                contacts=collection_pb2_grpc.ContactServiceStub(channel),
                debtors=collection_pb2_grpc.DebtorServiceStub(channel),
                profiles=collection_pb2_grpc.JurisdictionProfileServiceStub(channel),
                clock=clock,
                engine=engine,
                keys_dir=keys_dir,
                metadata=bearer(
                    token_for(keys_dir, ["collection_supervisor"], subject="supervisor-1")
                ),
            )
    finally:
        await engine.dispose()
        await server.stop(grace=0)


@pytest.fixture
async def harness(
    make_database, contact_keys_dir: Path, contact_telemetry: TelemetryHandle,
    contact_cipher: PiiCipher,
) -> AsyncIterator[Harness]:
    """The server with channels that are not reachable (gate and log tests)."""
    closed = unused_port()
    channels = ChannelRouter(
        SimulatorGateway(
            f"127.0.0.1:{closed}",
            ServiceIdentity("collection", contact_keys_dir / "collection.pem"),
        ),
        SmtpMailer("127.0.0.1", closed),
    )
    async for h in _serve(
        make_database, contact_keys_dir, contact_telemetry, channels, contact_cipher
    ):
        yield h


@pytest.fixture
async def dispatch_harness(
    make_database, contact_keys_dir: Path, contact_telemetry: TelemetryHandle,
    channel_simulator: SimulatorProcess, smtp_sink: SmtpSink, contact_cipher: PiiCipher,
) -> AsyncIterator[Harness]:
    """The server dispatching through the real channel simulator process and the SMTP sink."""
    channels = ChannelRouter(
        SimulatorGateway(
            channel_simulator.address,
            ServiceIdentity("collection", contact_keys_dir / "collection.pem"),
        ),
        SmtpMailer("127.0.0.1", smtp_sink.port),
    )
    async for h in _serve(
        make_database, contact_keys_dir, contact_telemetry, channels, contact_cipher
    ):
        yield h
