"""Fixtures for the event tests: a producer and a consumer database (real PostgreSQL) and a
real grpc.aio loopback server serving the producer's feed."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from postloan_runtime.db import create_engine

PROCS = Path(__file__).parent / "procs"
sys.path.insert(0, str(PROCS))

from event_fixtures import (  # noqa: E402
    CONSUMER_SCHEMA,
    PRODUCER_SCHEMA,
    Database,
    FeedServer,
    create_schema,
)


@pytest.fixture
async def producer_db(make_database) -> AsyncIterator[Database]:
    url = await make_database("producer")
    engine = create_engine(url, pool_size=10)
    await create_schema(engine, PRODUCER_SCHEMA)
    yield Database(url, engine)
    await engine.dispose()


@pytest.fixture
async def consumer_db(make_database) -> AsyncIterator[Database]:
    url = await make_database("consumer")
    engine = create_engine(url, pool_size=5)
    await create_schema(engine, CONSUMER_SCHEMA)
    yield Database(url, engine)
    await engine.dispose()


@pytest.fixture
async def feed_server(producer_db: Database) -> AsyncIterator[FeedServer]:
    server = FeedServer(producer_db.engine)
    await server.start()
    yield server
    await server.stop()
