"""Alembic environment for the credit-inquiry database."""

from postloan_runtime.migration_env import run_migrations

from credit_inquiry.adapters.tables import metadata

run_migrations(metadata)
