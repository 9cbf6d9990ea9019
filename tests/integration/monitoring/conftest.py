"""Fixtures for monitoring's integration tests: a migrated database of its own and the real
monitoring app served by postloan_runtime.server on 127.0.0.1:0 with real authentication."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from monitoring.entrypoints.app import build_app
from postloan.common.v1 import events_pb2_grpc
from postloan.monitoring.v1 import monitoring_pb2_grpc
from postloan_runtime.auth import generate_dev_keys
from postloan_runtime.roles import ROLE_PERMISSIONS
from postloan_runtime.telemetry import TelemetryHandle, configure_telemetry
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.service import service_under_test

PERMISSIONS = (
    "monitoring.loans.register",
    "monitoring.loans.read",
    "monitoring.schedules.compute",
)


@pytest.fixture(scope="session")
def monitoring_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("monitoring-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="session")
def monitoring_telemetry() -> TelemetryHandle:
    return configure_telemetry("monitoring-tests", configure_logs=False)


def _roles_for(permission: str) -> str:
    return next(
        role for role, granted in sorted(ROLE_PERMISSIONS.items())
        if permission in granted and not role.startswith("service:")
    )


@pytest.fixture(scope="session")
def metadata(monitoring_keys_dir: Path) -> tuple[tuple[str, str], ...]:
    """Call metadata of an operator holding every permission these tests use."""
    roles = sorted({_roles_for(p) for p in PERMISSIONS})
    return bearer(token_for(monitoring_keys_dir, roles))


@pytest.fixture(scope="session")
def feed_metadata(monitoring_keys_dir: Path) -> tuple[tuple[str, str], ...]:
    """Call metadata of a peer service allowed to read event feeds (only services are)."""
    from postloan_runtime.auth import is_granted

    role = next(
        role for role, granted in sorted(ROLE_PERMISSIONS.items())
        if role.startswith("service:") and is_granted("events.subscribe", granted)
    )
    return bearer(token_for(monitoring_keys_dir, [role]))


@dataclasses.dataclass
class MonitoringUnderTest:
    address: str
    engine: AsyncEngine
    loans: monitoring_pb2_grpc.LoanServiceStub
    feed: events_pb2_grpc.EventFeedServiceStub
    metadata: tuple[tuple[str, str], ...]
    feed_metadata: tuple[tuple[str, str], ...]


@pytest.fixture
async def monitoring(
    make_database: Callable[[str], Awaitable[str]],
    monitoring_keys_dir: Path,
    monitoring_telemetry: TelemetryHandle,
    metadata: tuple[tuple[str, str], ...],
    feed_metadata: tuple[tuple[str, str], ...],
) -> AsyncIterator[MonitoringUnderTest]:
    """The monitoring app on a freshly migrated database. No background workers: tests move
    the outbox with ``relay_once`` to see each step."""
    async with service_under_test(
        "monitoring", build_app, make_database=make_database, keys_dir=monitoring_keys_dir,
        telemetry=monitoring_telemetry,
    ) as service:
        yield MonitoringUnderTest(
            address=service.address,
            engine=service.engine,
            loans=monitoring_pb2_grpc.LoanServiceStub(service.channel),
            feed=events_pb2_grpc.EventFeedServiceStub(service.channel),
            metadata=metadata,
            feed_metadata=feed_metadata,
        )


from monitoring_harness import monitoring_harness  # noqa: E402,F401 - a shared fixture
