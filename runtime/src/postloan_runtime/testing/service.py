"""Run one service in-process for an integration test: a freshly migrated database of its own,
the shared server (auth with generated keys, error mapping, health) on 127.0.0.1:0, and tokens
for the roles a test needs. Every service's test suite uses this instead of its own copy."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime.app import ServiceApp
from postloan_runtime.auth import AuthInterceptor, TokenVerifier
from postloan_runtime.config import SERVICES, ServiceSettings
from postloan_runtime.db import create_engine
from postloan_runtime.grpc_errors import error_domain
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.server import RunningServer, start
from postloan_runtime.telemetry import TelemetryHandle
from postloan_runtime.testing.auth import bearer, token_for


@dataclasses.dataclass
class ServiceUnderTest:
    """A started service: its address, an open channel, its database and a token minter."""

    package: str
    server: RunningServer
    channel: grpc.aio.Channel
    engine: AsyncEngine
    database_url: str
    keys_dir: Path

    @property
    def address(self) -> str:
        return self.server.address

    def metadata(self, *roles: str, subject: str = "test-operator") -> tuple[tuple[str, str], ...]:
        """Call metadata with a valid token for ``roles`` (a single ``service:<kebab>`` role
        gets that service's own identity token)."""
        return bearer(token_for(self.keys_dir, list(roles), subject=subject))


@asynccontextmanager
async def service_under_test(
    package: str,
    build_app: Callable[[], ServiceApp],
    *,
    make_database: Callable[[str], Awaitable[str]],
    keys_dir: Path,
    telemetry: TelemetryHandle,
    with_workers: bool = False,
    workers: Sequence[object] | None = None,
    grpc_port: int = 0,
) -> AsyncIterator[ServiceUnderTest]:
    """Migrate a new database for ``package``, serve ``build_app()`` on it and yield.

    Background workers are off unless ``with_workers`` (or an explicit ``workers`` list), so a
    test can move the outbox itself with ``relay_once`` and count rows without a race.
    Set ``POSTLOAN_KEYS_DIR`` (e.g. with monkeypatch) if the app itself reads keys (peers).
    ``grpc_port`` 0 lets the OS choose; a fixed one lets a peer be told the address first.
    """
    url = await make_database(package)
    await asyncio.to_thread(upgrade_head, package, url)
    app = build_app()
    if workers is not None:
        app = dataclasses.replace(app, workers=list(workers))  # type: ignore[arg-type]
    elif not with_workers:
        app = dataclasses.replace(app, workers=[])
    settings = ServiceSettings(
        package=package,
        name=SERVICES[package][0],
        database_url=url,
        grpc_host="127.0.0.1",
        grpc_port=grpc_port,
        shutdown_grace_seconds=1.0,
    )
    verifier = TokenVerifier.from_jwks_file(keys_dir / "trusted.jwks.json")
    server = await start(
        app,
        settings,
        telemetry=telemetry,
        auth=AuthInterceptor(error_domain(settings.name), verifier),
    )
    engine = create_engine(url, pool_size=2)
    channel = grpc.aio.insecure_channel(server.address)
    try:
        yield ServiceUnderTest(
            package=package,
            server=server,
            channel=channel,
            engine=engine,
            database_url=url,
            keys_dir=keys_dir,
        )
    finally:
        await channel.close()
        await server.stop(grace=0)
        await engine.dispose()
