"""collection: what became of each pre-due reminder (the reminder worker sends them behind the
gate): outcome, attempts, when to try again, the gate check and the contact attempt.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OUTCOMES = "'SENT', 'REFUSED', 'DEFERRED', 'NO_CONTACT_POINT', 'EXPIRED'"
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("pre_due_reminders", sa.Column("outcome", sa.String(32), nullable=True))
    op.add_column(
        "pre_due_reminders",
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("pre_due_reminders", sa.Column("next_attempt_at", _TS, nullable=True))
    op.add_column("pre_due_reminders", sa.Column("channel", sa.String(16), nullable=True))
    op.add_column(
        "pre_due_reminders", sa.Column("check_id", UUID(as_uuid=True), nullable=True)
    )
    op.add_column(
        "pre_due_reminders", sa.Column("attempt_id", UUID(as_uuid=True), nullable=True)
    )
    op.add_column(
        "pre_due_reminders",
        sa.Column("refusal_reasons", ARRAY(sa.String(64)), nullable=True),
    )
    op.create_check_constraint(
        "ck_pre_due_reminders_outcome_known", "pre_due_reminders",
        f"outcome IS NULL OR outcome IN ({_OUTCOMES})",
    )
    # Done (dispatched_at set) exactly when the outcome is final.
    op.create_check_constraint(
        "ck_pre_due_reminders_done_when_final", "pre_due_reminders",
        "(dispatched_at IS NULL) = (outcome IS NULL OR outcome = 'DEFERRED')",
    )


def downgrade() -> None:
    op.drop_constraint("ck_pre_due_reminders_done_when_final", "pre_due_reminders")
    op.drop_constraint("ck_pre_due_reminders_outcome_known", "pre_due_reminders")
    for column in ("refusal_reasons", "attempt_id", "check_id", "channel", "next_attempt_at",
                   "attempts", "outcome"):
        op.drop_column("pre_due_reminders", column)
