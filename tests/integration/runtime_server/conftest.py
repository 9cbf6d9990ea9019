"""Fixtures for the shared-server tests: generated keys, one in-memory span exporter for the
session, a database with the runtime tables, and in-process servers on 127.0.0.1:0."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from server_test_app import build_app, declare_undeclared_service, feed_settings

from postloan_runtime.auth import AuthInterceptor, TokenVerifier, generate_dev_keys
from postloan_runtime.db import create_engine, new_metadata
from postloan_runtime.grpc_errors import error_domain
from postloan_runtime.server import RunningServer, start
from postloan_runtime.telemetry import TelemetryHandle, configure_telemetry

PERMISSION = "events.subscribe"


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("postloan-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture(scope="session")
def telemetry(span_exporter: InMemorySpanExporter) -> TelemetryHandle:
    return configure_telemetry(
        "runtime-server-tests", span_exporters=[span_exporter], configure_logs=False
    )


# Used only until postloan_runtime.roles exists (it is written concurrently); then the real
# policy is what these tests exercise.
_STAND_IN_POLICY = {
    "risk_manager": frozenset({"events.subscribe"}),
    "collector": frozenset({"collection.cases.read"}),
    "service:monitoring": frozenset({"events.subscribe"}),
}


def _role_permissions() -> dict[str, frozenset[str]]:
    try:
        from postloan_runtime.roles import ROLE_PERMISSIONS
    except ImportError:
        return dict(_STAND_IN_POLICY)
    return dict(ROLE_PERMISSIONS)


def _policy() -> Callable[[Sequence[str]], frozenset[str]] | None:
    try:
        import postloan_runtime.roles  # noqa: F401
    except ImportError:
        return lambda roles: frozenset().union(*(_STAND_IN_POLICY.get(r, ()) for r in roles))
    return None  # the interceptor's default: roles.permissions_for


@pytest.fixture(scope="session")
def granted_roles(granted_service: str) -> list[str]:
    """Roles whose token may call ``GetFeedHead``: a business role granted
    ``events.subscribe`` if the policy has one, else a service identity that has it."""
    from postloan_runtime.auth import is_granted

    roles = [r for r, p in _role_permissions().items()
             if not r.startswith("service:") and is_granted(PERMISSION, p)]
    return [roles[0]] if roles else [f"service:{granted_service}"]


@pytest.fixture(scope="session")
def granted_service() -> str:
    """A service kebab name whose identity role grants ``events.subscribe``."""
    from postloan_runtime.auth import is_granted

    roles = [r for r, p in _role_permissions().items()
             if r.startswith("service:") and is_granted(PERMISSION, p)]
    assert roles, "some service identity must be allowed to read event feeds"
    return roles[0].removeprefix("service:")


@pytest.fixture(scope="session")
def denied_role() -> str:
    from postloan_runtime.auth import is_granted

    roles = [r for r, p in _role_permissions().items() if not is_granted(PERMISSION, p)]
    return roles[0] if roles else "no-such-role"


@pytest.fixture
async def feed_database(make_database: Callable[[str], Awaitable[str]]) -> str:
    """URL of a fresh database holding the runtime tables."""
    url = await make_database("feed")
    engine = create_engine(url, pool_size=1)
    async with engine.begin() as conn:
        await conn.run_sync(new_metadata().create_all)
    await engine.dispose()
    return url


StartServer = Callable[..., Awaitable[RunningServer]]


@pytest.fixture
async def start_feed_server(
    keys_dir: Path, telemetry: TelemetryHandle
) -> AsyncIterator[StartServer]:
    """``await start_feed_server(database_url, **settings_changes)`` -> a running server;
    every server started is stopped when the test ends."""
    started: list[RunningServer] = []
    declare_undeclared_service()

    async def start_server(database_url: str, **changes: Any) -> RunningServer:
        verifier = TokenVerifier.from_jwks_file(keys_dir / "trusted.jwks.json")
        server = await start(
            build_app(),
            feed_settings(database_url, **changes),
            telemetry=telemetry,
            auth=AuthInterceptor(error_domain("feed-test"), verifier, _policy()),
        )
        started.append(server)
        return server

    yield start_server
    for server in started:
        await server.stop(grace=0)
