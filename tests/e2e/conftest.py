"""The suite as separate processes (each service on its own database, real gRPC sockets),
started once for the e2e tests."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from postloan_runtime.embedded_pg import PostgresServer
from postloan_runtime.suite import Suite


@pytest.fixture(scope="session")
def suite(pg_server: PostgresServer) -> Iterator[Suite]:
    state_dir = Path(tempfile.mkdtemp(prefix="postloan-e2e-"))
    running = Suite(
        state_dir=state_dir,
        pg_url=pg_server.admin_url,
        database_prefix=f"e2e_{uuid.uuid4().hex[:8]}",
        free_ports=True,
        extra_env={"POSTLOAN_SHUTDOWN_GRACE_SECONDS": "3"},
    )
    asyncio.run(running.start(timeout=120))
    try:
        yield running
    finally:
        running.pg = None  # the test server outlives the suite; only the services stop here
        running.stop(grace=15)
        names = [f"{running.database_prefix}_{p}" for p in running.services]
        asyncio.run(_drop(pg_server, names))
        if not os.environ.get("POSTLOAN_KEEP_E2E_STATE"):
            import shutil

            shutil.rmtree(state_dir, ignore_errors=True)


async def _drop(server: PostgresServer, names: list[str]) -> None:
    for name in names:
        await server.drop_database(name)
