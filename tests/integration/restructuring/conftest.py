"""Fixtures for restructuring's integration tests: the real monitoring and restructuring apps
(and collection's, when a test asks for it) served by postloan_runtime.server on loopback
sockets, each on its own migrated database, with real authentication; restructuring reaches its
peers through peer_channel with its own service identity."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from monitoring.entrypoints.app import build_app as build_monitoring
from postloan.monitoring.v1 import monitoring_pb2_grpc
from postloan.restructuring.v1 import restructuring_pb2_grpc
from postloan_runtime.auth import AuthInterceptor, TokenVerifier, generate_dev_keys
from postloan_runtime.clock import Clock
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import create_engine
from postloan_runtime.grpc_errors import error_domain
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.server import RunningServer, start
from postloan_runtime.telemetry import TelemetryHandle, configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.service import ServiceUnderTest, service_under_test
from restructuring.entrypoints.app import build_app as build_restructuring
from restructuring.service_layer.plans import RestructuringPolicy

TABLES = ("plans", "agreements", "observation_periods", "outbox", "idempotency_keys")


@pytest.fixture(scope="session")
def restructuring_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("restructuring-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="session")
def restructuring_telemetry() -> TelemetryHandle:
    return configure_telemetry("restructuring-tests", configure_logs=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclasses.dataclass
class Suite:
    keys_dir: Path
    telemetry: TelemetryHandle
    monitoring_url: str
    monitoring_port: int
    monitoring_server: RunningServer | None
    restructuring: RunningServer
    engine: AsyncEngine
    channel: grpc.aio.Channel
    plans: restructuring_pb2_grpc.PlanServiceStub
    observation: restructuring_pb2_grpc.ObservationServiceStub
    monitoring_channel: grpc.aio.Channel
    loans: monitoring_pb2_grpc.LoanServiceStub
    monitoring_engine: AsyncEngine
    collection: ServiceUnderTest | None = None
    clock: Clock | None = None

    def as_role(self, *roles: str, subject: str = "op-1") -> tuple[tuple[str, str], ...]:
        return bearer(token_for(self.keys_dir, list(roles), subject=subject))

    async def start_monitoring(self) -> None:
        self.monitoring_server = await _serve(
            build_monitoring(clock=self.clock), "monitoring", self.monitoring_url,
            self.monitoring_port, self.keys_dir, self.telemetry,
        )

    async def stop_monitoring(self) -> None:
        if self.monitoring_server is not None:
            await self.monitoring_server.stop(grace=0)
            self.monitoring_server = None

    async def counts(self) -> dict[str, int]:
        async with self.engine.connect() as conn:
            return {t: int(await conn.scalar(text(f"SELECT count(*) FROM {t}")) or 0)
                    for t in TABLES}

    async def outbox_types(self) -> list[str]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(text("SELECT event_type FROM outbox ORDER BY id"))
            return [r[0].rsplit(".", 1)[-1] for r in rows]


async def _serve(app, package: str, url: str, port: int, keys_dir: Path,  # noqa: ANN001
                 telemetry: TelemetryHandle) -> RunningServer:
    settings = ServiceSettings(package=package, name=package, database_url=url,
                               grpc_host="127.0.0.1", grpc_port=port,
                               shutdown_grace_seconds=0.5)
    verifier = TokenVerifier.from_jwks_file(keys_dir / "trusted.jwks.json")
    return await start(app, settings, telemetry=telemetry,
                       auth=AuthInterceptor(error_domain(package), verifier))


TEST_POLICY = RestructuringPolicy(
    discount_rate=Decimal("0.10"), retry_base_seconds=0.05, retry_max_seconds=0.3,
)
# The restructuring app's workers, in build_app's order.
WORKER_NAMES = ("relay", "sweeper", "activation", "expiry", "consumer")


@asynccontextmanager
async def open_suite(
    make_database: Callable[[str], Awaitable[str]],
    keys_dir: Path,
    telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
    *,
    workers: Sequence[str] = ("activation",),
    clock: Clock | None = None,
    with_collection: bool = False,
) -> AsyncIterator[Suite]:
    """Monitoring and restructuring (and collection, when asked) served on loopback sockets,
    each on its own migrated database, sharing ``clock`` when one is given. Restructuring runs
    only the named ``workers``; collection runs none (tests read its tables and outbox)."""
    monitoring_url = await make_database("monitoring")
    upgrade_head("monitoring", monitoring_url)
    restructuring_url = await make_database("restructuring")
    upgrade_head("restructuring", restructuring_url)
    monitoring_port = free_port()
    monkeypatch.setenv("POSTLOAN_KEYS_DIR", str(keys_dir))
    monkeypatch.setenv("POSTLOAN_AUTH_TRUSTED_KEYS", str(keys_dir / "trusted.jwks.json"))
    monkeypatch.setenv("POSTLOAN_MONITORING_ADDRESS", f"127.0.0.1:{monitoring_port}")
    async with AsyncExitStack() as stack:
        collection: ServiceUnderTest | None = None
        if with_collection:
            from collection.entrypoints.app import build_app as build_collection

            collection = await stack.enter_async_context(service_under_test(
                "collection", lambda: build_collection(clock), make_database=make_database,
                keys_dir=keys_dir, telemetry=telemetry,
            ))
            monkeypatch.setenv("POSTLOAN_COLLECTION_ADDRESS", collection.address)
        else:
            # Nothing listens there.
            monkeypatch.setenv("POSTLOAN_COLLECTION_ADDRESS", f"127.0.0.1:{free_port()}")
        monitoring = await _serve(build_monitoring(clock=clock), "monitoring", monitoring_url,
                                  monitoring_port, keys_dir, telemetry)
        app = build_restructuring(policy=TEST_POLICY, clock=clock, activation_poll_seconds=0.05,
                                  expiry_poll_seconds=0.05)
        named = dict(zip(WORKER_NAMES, app.workers, strict=True))
        app = dataclasses.replace(app, workers=[named[name] for name in workers])
        restructuring = await _serve(app, "restructuring", restructuring_url, 0, keys_dir,
                                     telemetry)
        engine = create_engine(restructuring_url, pool_size=2)
        monitoring_engine = create_engine(monitoring_url, pool_size=2)
        channel = grpc.aio.insecure_channel(restructuring.address)
        monitoring_channel = grpc.aio.insecure_channel(f"127.0.0.1:{monitoring_port}")
        running = Suite(
            keys_dir=keys_dir, telemetry=telemetry,
            monitoring_url=monitoring_url, monitoring_port=monitoring_port,
            monitoring_server=monitoring, restructuring=restructuring, engine=engine,
            channel=channel, plans=restructuring_pb2_grpc.PlanServiceStub(channel),
            observation=restructuring_pb2_grpc.ObservationServiceStub(channel),
            monitoring_channel=monitoring_channel,
            loans=monitoring_pb2_grpc.LoanServiceStub(monitoring_channel),
            monitoring_engine=monitoring_engine, collection=collection, clock=clock,
        )
        try:
            yield running
        finally:
            await channel.close()
            await monitoring_channel.close()
            await restructuring.stop(grace=0)
            await running.stop_monitoring()
            await engine.dispose()
            await monitoring_engine.dispose()


@pytest.fixture
async def suite(
    make_database: Callable[[str], Awaitable[str]],
    restructuring_keys_dir: Path,
    restructuring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Suite]:
    """The activation worker runs; the relay, sweeper, expiry and feed consumer do not (tests
    read the outbox); collection is not started."""
    async with open_suite(make_database, restructuring_keys_dir, restructuring_telemetry,
                          monkeypatch) as running:
        yield running


@pytest.fixture
async def suite_with_collection(
    make_database: Callable[[str], Awaitable[str]],
    restructuring_keys_dir: Path,
    restructuring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Suite]:
    """As ``suite``, with the real collection service (no workers) answering PauseCase."""
    async with open_suite(make_database, restructuring_keys_dir, restructuring_telemetry,
                          monkeypatch, with_collection=True) as running:
        yield running


@pytest.fixture
def open_suite_with(
    make_database: Callable[[str], Awaitable[str]],
    restructuring_keys_dir: Path,
    restructuring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., AbstractAsyncContextManager[Suite]]:
    """``open_suite`` with this test's fixtures bound: ``async with open_suite_with(workers=...,
    clock=..., with_collection=...) as suite``."""

    def opener(**options: object) -> AbstractAsyncContextManager[Suite]:
        return open_suite(make_database, restructuring_keys_dir, restructuring_telemetry,
                          monkeypatch, **options)  # type: ignore[arg-type]

    return opener
