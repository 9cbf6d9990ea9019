"""Fixtures for restructuring's integration tests: the real monitoring and restructuring apps
(and collection's, when it builds) served by postloan_runtime.server on loopback sockets, each on
its own migrated database, with real authentication; restructuring reaches its peers through
peer_channel with its own service identity."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
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
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import create_engine
from postloan_runtime.grpc_errors import error_domain
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.server import RunningServer, start
from postloan_runtime.telemetry import TelemetryHandle, configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for
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

    def as_role(self, *roles: str, subject: str = "op-1") -> tuple[tuple[str, str], ...]:
        return bearer(token_for(self.keys_dir, list(roles), subject=subject))

    async def start_monitoring(self) -> None:
        self.monitoring_server = await _serve(
            build_monitoring(), "monitoring", self.monitoring_url, self.monitoring_port,
            self.keys_dir, self.telemetry,
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


@pytest.fixture
async def suite(
    make_database: Callable[[str], Awaitable[str]],
    restructuring_keys_dir: Path,
    restructuring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Suite]:
    monitoring_url = await make_database("monitoring")
    upgrade_head("monitoring", monitoring_url)
    restructuring_url = await make_database("restructuring")
    upgrade_head("restructuring", restructuring_url)
    monitoring_port = free_port()
    monkeypatch.setenv("POSTLOAN_KEYS_DIR", str(restructuring_keys_dir))
    monkeypatch.setenv("POSTLOAN_MONITORING_ADDRESS", f"127.0.0.1:{monitoring_port}")
    # Nothing listens there unless a test starts collection.
    monkeypatch.setenv("POSTLOAN_COLLECTION_ADDRESS", f"127.0.0.1:{free_port()}")
    monitoring = await _serve(build_monitoring(), "monitoring", monitoring_url, monitoring_port,
                              restructuring_keys_dir, restructuring_telemetry)
    app = build_restructuring(policy=TEST_POLICY, activation_poll_seconds=0.05)
    # The activation worker runs; the relay, sweeper, expiry and feed consumer do not (tests
    # read the outbox).
    app = dataclasses.replace(app, workers=[app.workers[2]])
    restructuring = await _serve(app, "restructuring", restructuring_url, 0,
                                 restructuring_keys_dir, restructuring_telemetry)
    engine = create_engine(restructuring_url, pool_size=2)
    channel = grpc.aio.insecure_channel(restructuring.address)
    monitoring_channel = grpc.aio.insecure_channel(f"127.0.0.1:{monitoring_port}")
    running = Suite(
        keys_dir=restructuring_keys_dir, telemetry=restructuring_telemetry,
        monitoring_url=monitoring_url, monitoring_port=monitoring_port,
        monitoring_server=monitoring, restructuring=restructuring, engine=engine,
        channel=channel, plans=restructuring_pb2_grpc.PlanServiceStub(channel),
        observation=restructuring_pb2_grpc.ObservationServiceStub(channel),
        monitoring_channel=monitoring_channel,
        loans=monitoring_pb2_grpc.LoanServiceStub(monitoring_channel),
    )
    try:
        yield running
    finally:
        await channel.close()
        await monitoring_channel.close()
        await restructuring.stop(grace=0)
        await running.stop_monitoring()
        await engine.dispose()
