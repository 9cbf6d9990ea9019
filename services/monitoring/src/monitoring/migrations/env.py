"""Alembic environment for the monitoring database."""

from monitoring.adapters.tables import metadata
from postloan_runtime.migration_env import run_migrations

run_migrations(metadata)
