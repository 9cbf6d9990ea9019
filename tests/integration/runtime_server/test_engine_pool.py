"""The service engine's checkout ping: a pooled connection the database dropped is replaced
before anyone uses it (what pool_pre_ping guaranteed), in one round trip."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text

from postloan_runtime.db import create_engine

pytestmark = pytest.mark.integration


async def test_a_connection_the_database_dropped_is_replaced_unseen(make_database):
    url = await make_database("pool")
    engine = create_engine(url, pool_size=1)
    try:
        async def backend_pid() -> int:
            async with engine.connect() as conn:
                return await conn.scalar(text("SELECT pg_backend_pid()"))

        first = await backend_pid()
        assert await backend_pid() == first  # the pooled connection is reused
        admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        # No error reaches the caller: the ping fails, the pool reconnects.
        replaced = await backend_pid()
        assert replaced != first
        assert await backend_pid() == replaced
    finally:
        await engine.dispose()
