"""``inquiry_chain_heads(space, chains)``: lock record chains and read their heads in one
statement.

An append must read a chain's head only after it holds the chain's advisory lock. A single
plain statement cannot do both: under READ COMMITTED its snapshot is taken before it waits for
the lock, so it would miss the record the previous holder committed meanwhile. A VOLATILE
function takes a fresh snapshot for each query it runs, so the head query after the lock sees
every committed append. Locks are taken in ascending chain order (no deadlock between appends
to several chains).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION inquiry_chain_heads(space integer, chains integer[])
        RETURNS TABLE (chain integer, chain_sequence bigint, record_hash varchar)
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(space, ordered.c)
            FROM (SELECT DISTINCT unnest(chains) AS c ORDER BY 1) AS ordered;
            RETURN QUERY
            SELECT wanted.c, head.chain_sequence, head.record_hash
            FROM (SELECT DISTINCT unnest(chains) AS c) AS wanted
            LEFT JOIN LATERAL (
                SELECT r.chain_sequence, r.record_hash FROM inquiry_records AS r
                WHERE r.chain = wanted.c ORDER BY r.chain_sequence DESC LIMIT 1
            ) AS head ON true;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION inquiry_chain_heads(integer, integer[])")
