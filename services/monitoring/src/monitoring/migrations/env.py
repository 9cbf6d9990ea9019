"""Alembic environment for the monitoring database."""

from postloan_runtime.migration_env import run_migrations

from monitoring.adapters.tables import metadata

run_migrations(metadata)
