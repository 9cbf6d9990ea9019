"""Alembic environment for the collection database."""

from postloan_runtime.migration_env import run_migrations

from collection.adapters.tables import metadata

run_migrations(metadata)
