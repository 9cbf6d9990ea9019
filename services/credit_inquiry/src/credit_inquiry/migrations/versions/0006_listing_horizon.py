"""``inquiry_records_listing_horizon(space, chains)``: the highest listing ``sequence`` below
which no record can still appear.

``sequence`` is drawn when a record is inserted, and appends to different chains commit in
any order, so a listing that pages past the newest visible record could skip an older number
still being committed. Every append draws its numbers while it holds its chain's advisory lock
(exclusive, until its commit). Taking every chain's lock shared therefore waits for the appends
in progress (their window is one insert and the commit) and, once held, the newest committed
``sequence`` is final: a later append draws a higher number. Locks in ascending chain order, as
appends take them. VOLATILE: the max is read with a snapshot taken after the locks (see 0005).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION inquiry_records_listing_horizon(space integer, chains integer)
        RETURNS bigint
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            FOR c IN 0 .. chains - 1 LOOP
                PERFORM pg_advisory_xact_lock_shared(space, c);
            END LOOP;
            RETURN coalesce((SELECT max(sequence) FROM inquiry_records), 0);
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION inquiry_records_listing_horizon(integer, integer)")
