"""Alembic environment for the credit-inquiry database."""

from credit_inquiry.adapters.tables import metadata
from postloan_runtime.migration_env import run_migrations

run_migrations(metadata)
