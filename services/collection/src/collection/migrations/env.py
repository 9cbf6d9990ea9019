"""Alembic environment for the collection database."""

from collection.adapters.tables import metadata
from postloan_runtime.migration_env import run_migrations

run_migrations(metadata)
