"""Alembic environment for the restructuring database."""

from postloan_runtime.migration_env import run_migrations
from restructuring.adapters.tables import metadata

run_migrations(metadata)
