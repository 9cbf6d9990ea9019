"""Fixtures shared by every test: real PostgreSQL databases (the server named by
POSTLOAN_TEST_DATABASE_URL, or an embedded one) created fresh per test and dropped after."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime.db import create_engine, new_metadata
from postloan_runtime.embedded_pg import PostgresServer
from postloan_runtime.telemetry import TelemetryHandle
from postloan_runtime.testing.databases import test_server, unique_database_name


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fault-trials", type=int, default=None,
        help="trials of the fault campaign (tests/faults; default 20 or "
             "$POSTLOAN_FAULT_TRIALS)",
    )


@pytest.fixture(scope="session")
def pg_server() -> PostgresServer:
    return test_server()


MakeDatabase = Callable[[str], Awaitable[str]]


@pytest.fixture
async def make_database(pg_server: PostgresServer) -> AsyncIterator[MakeDatabase]:
    """Create empty databases on demand (``await make_database("name")`` -> postgresql:// URL);
    all of them are dropped when the test ends."""
    created: list[str] = []

    async def make(prefix: str = "db") -> str:
        name = unique_database_name(prefix)
        created.append(name)
        return await pg_server.ensure_database(name)

    yield make
    for name in created:
        await pg_server.drop_database(name)


@pytest.fixture
async def runtime_engine(make_database: MakeDatabase) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database holding only the shared runtime tables."""
    url = await make_database("runtime")
    engine = create_engine(url, pool_size=5)
    metadata: MetaData = new_metadata()
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)  # tests only; services migrate with Alembic
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated token-signing, service-identity and PII keys for this test session."""
    from postloan_runtime.auth import generate_dev_keys

    folder = tmp_path_factory.mktemp("postloan-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="session")
def test_telemetry() -> TelemetryHandle:
    """The session's telemetry (no exporter unless a test adds one; logs left to pytest)."""
    from postloan_runtime.telemetry import configure_telemetry

    return configure_telemetry("postloan-tests", configure_logs=False)
