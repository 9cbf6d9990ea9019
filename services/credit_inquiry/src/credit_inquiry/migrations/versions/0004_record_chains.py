"""The inquiry record chain becomes one hash chain per partition of borrowers.

Appending to a single chain serialized every inquiry of every borrower on one lock held to the
commit. Each record now carries its ``chain`` (a partition of borrowers, a hash of the borrower
id) and its ``chain_sequence`` (gap-free position in that chain); ``sequence`` stays the
service-wide listing order, now drawn from a sequence. Records written before this revision
form chain 0 with ``chain_sequence = sequence``: their hashes (which cover the position in the
chain as ``sequence``) stay valid.

Written out in full so this revision stays what it was when the declared schema changes later.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inquiry_records", sa.Column("chain", sa.SmallInteger(), nullable=True))
    op.add_column("inquiry_records", sa.Column("chain_sequence", sa.BigInteger(), nullable=True))
    # Backfilling is an owner's one-off change of new columns, not of recorded content.
    op.execute("ALTER TABLE inquiry_records DISABLE TRIGGER inquiry_records_no_update_delete")
    op.execute("UPDATE inquiry_records SET chain = 0, chain_sequence = sequence")
    op.execute("ALTER TABLE inquiry_records ENABLE TRIGGER inquiry_records_no_update_delete")
    op.alter_column("inquiry_records", "chain", nullable=False)
    op.alter_column("inquiry_records", "chain_sequence", nullable=False)
    op.create_check_constraint(
        op.f("ck_inquiry_records_chain_sequence_positive"), "inquiry_records",
        "chain_sequence >= 1",
    )
    op.create_unique_constraint(
        op.f("uq_inquiry_records_chain"), "inquiry_records", ["chain", "chain_sequence"]
    )
    op.execute("CREATE SEQUENCE inquiry_records_sequence_seq OWNED BY inquiry_records.sequence")
    op.execute(
        "SELECT setval('inquiry_records_sequence_seq',"
        " coalesce((SELECT max(sequence) FROM inquiry_records), 0) + 1, false)"
    )
    op.execute(
        "ALTER TABLE inquiry_records ALTER COLUMN sequence"
        " SET DEFAULT nextval('inquiry_records_sequence_seq')"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE inquiry_records ALTER COLUMN sequence DROP DEFAULT")
    op.execute("DROP SEQUENCE inquiry_records_sequence_seq")
    op.drop_constraint(
        op.f("uq_inquiry_records_chain"), "inquiry_records", type_="unique"
    )
    op.drop_constraint(
        op.f("ck_inquiry_records_chain_sequence_positive"), "inquiry_records", type_="check"
    )
    op.drop_column("inquiry_records", "chain_sequence")
    op.drop_column("inquiry_records", "chain")
