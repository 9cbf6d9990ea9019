"""Each service's Alembic history builds exactly the schema its tables module declares (storage
parameters included, which Alembic's comparison does not cover), and a second upgrade is a
no-op."""

from __future__ import annotations

import asyncio
import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from postloan_runtime.config import SERVICES
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("package", sorted(SERVICES))
async def test_migrations_build_the_declared_schema(make_database, package: str) -> None:
    url = await make_database(f"mig_{package}")
    await asyncio.to_thread(upgrade_head, package, url)
    await asyncio.to_thread(upgrade_head, package, url)  # idempotent
    metadata = importlib.import_module(f"{package}.adapters.tables").metadata
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            diffs = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
            stored = dict((await conn.execute(text(
                "SELECT relname, reloptions FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace"
            ))).all())
    finally:
        await engine.dispose()
    assert diffs == [], f"{package}: migrations and tables.py disagree: {diffs}"
    declared = {
        table.name: sorted(f"{key}={value}" for key, value in options.items())
        for table in metadata.tables.values()
        if (options := table.dialect_options["postgresql"]["with"])
    }
    assert {name: sorted(stored.get(name) or []) for name in declared} == declared
