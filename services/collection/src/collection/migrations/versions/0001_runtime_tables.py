"""The shared runtime tables: outbox, event feed, inbox, consumer positions, idempotency keys.

Revision ID: 0001
Revises:
"""

from postloan_runtime.runtime_migrations import create_runtime_tables_v1, drop_runtime_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_runtime_tables_v1()


def downgrade() -> None:
    drop_runtime_tables_v1()
