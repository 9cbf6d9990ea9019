"""monitoring: revolving credit lines, the append-only log of actions on them (reduce limit,
freeze, unfreeze) and the link from loans to the line they were drawn from.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_lines",
        sa.Column("credit_line_id", sa.String(64), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("credit_limit_fen", sa.BigInteger(), nullable=False),
        sa.Column("original_limit_fen", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credit_line_id", name="pk_credit_lines"),
        sa.CheckConstraint(
            "original_limit_fen > 0", name="ck_credit_lines_original_limit_positive"
        ),
        sa.CheckConstraint(
            "credit_limit_fen >= 0 AND credit_limit_fen <= original_limit_fen",
            name="ck_credit_lines_limit_within_original",
        ),
        sa.CheckConstraint(
            "state IN ('ACTIVE', 'FROZEN')", name="ck_credit_lines_state_known"
        ),
    )
    op.create_index(
        "ix_credit_lines_borrower_id", "credit_lines", ["borrower_id", "credit_line_id"]
    )
    # Before this revision RegisterLoan refused every credit_line_id, so no loan names a line.
    op.create_foreign_key(
        "fk_loans_credit_line_id_credit_lines", "loans", "credit_lines",
        ["credit_line_id"], ["credit_line_id"], ondelete="RESTRICT",
    )

    op.create_table(
        "credit_line_actions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("action_id", sa.Uuid(), nullable=False),
        sa.Column("credit_line_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("previous_limit_fen", sa.BigInteger(), nullable=False),
        sa.Column("new_limit_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("alert_id", sa.Uuid(), nullable=True),
        sa.Column("taken_by", sa.String(128), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_credit_line_actions"),
        sa.UniqueConstraint("action_id", name="uq_credit_line_actions_action_id"),
        sa.ForeignKeyConstraint(
            ["credit_line_id"], ["credit_lines.credit_line_id"],
            name="fk_credit_line_actions_credit_line_id_credit_lines", ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.alert_id"],
            name="fk_credit_line_actions_alert_id_alerts", ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "action IN ('REDUCE_LIMIT', 'FREEZE', 'UNFREEZE')",
            name="ck_credit_line_actions_action_known",
        ),
        sa.CheckConstraint(
            "previous_limit_fen >= 0 AND new_limit_fen >= 0",
            name="ck_credit_line_actions_limits_non_negative",
        ),
        sa.CheckConstraint(
            "(action = 'REDUCE_LIMIT' AND new_limit_fen < previous_limit_fen)"
            " OR (action <> 'REDUCE_LIMIT' AND new_limit_fen = previous_limit_fen)",
            name="ck_credit_line_actions_limit_change_matches_action",
        ),
    )
    op.create_index(
        "ix_credit_line_actions_credit_line_id", "credit_line_actions", ["credit_line_id", "id"]
    )
    # The action log is never lost: refuse UPDATE and DELETE on it at the database.
    op.execute(
        """
        CREATE FUNCTION credit_line_actions_is_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'credit_line_actions is append-only';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER credit_line_actions_append_only BEFORE UPDATE OR DELETE"
        " ON credit_line_actions FOR EACH ROW EXECUTE FUNCTION credit_line_actions_is_append_only()"
    )


def downgrade() -> None:
    op.drop_table("credit_line_actions")
    op.execute("DROP FUNCTION IF EXISTS credit_line_actions_is_append_only()")
    op.drop_constraint("fk_loans_credit_line_id_credit_lines", "loans", type_="foreignkey")
    op.drop_table("credit_lines")
