"""The daily cycle's set-based SQL, generated from the delinquency policy (bucket set,
classification thresholds, tolerance, rate cap) so the database applies the same rules as
``monitoring.domain.delinquency``.

Per batch of loans (a loan-id range within one hash partition), one statement locks the
loans and one more accrues penalty, ages every unpaid installment, recomputes each loan's days
past due, bucket and classification, writes what changed (loans, installments, bucket history,
month-end buckets) and returns the rows the events are built from. No per-loan round trips.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from sqlalchemy import TextClause, text

from monitoring.domain.delinquency import CLASSIFICATION_ORDER, DelinquencyPolicy

# Hash range of a loan id: hashtext() is int4; shifted to 0..2^32-1 and scaled to K ranges.
PARTITION_PREDICATE: Final = (
    "(((hashtext({alias}.loan_id)::bigint + 2147483648) * :partition_count) >> 32)"
    " = :partition_index"
)


# Installment-due-soon notices go out this many days before the due date (T-1 and T-3).
DUE_SOON_DAYS: Final = (1, 3)
_DUE_SOON_DATES: Final = ", ".join(f":d + {days}" for days in DUE_SOON_DAYS)
# The furthest due date the batch acts on: the last due-soon notice day.
_HORIZON: Final = f":d + {max(DUE_SOON_DAYS)}"


def partition_predicate(alias: str) -> str:
    """SQL true for loans of partition ``:partition_index`` of ``:partition_count``."""
    return PARTITION_PREDICATE.format(alias=alias)


def bucket_case(policy: DelinquencyPolicy, column: str) -> str:
    """CASE expression giving the bucket code for days past due in ``column``."""
    parts = ["CASE"]
    for bucket in policy.buckets.buckets:
        if bucket.max_days is None:
            parts.append(f" ELSE '{bucket.code}'")
        else:
            parts.append(f" WHEN {column} <= {bucket.max_days} THEN '{bucket.code}'")
    parts.append(" END")
    return "".join(parts)


# Best first, as in ``CLASSIFICATION_ORDER``: "no better than the floor" is the greater rank.
_ORDER_ARRAY: Final = "ARRAY[{}]::text[]".format(
    ", ".join(f"'{c.value}'" for c in CLASSIFICATION_ORDER)
)


def classification_case(
    policy: DelinquencyPolicy, column: str, floor_column: str | None = None
) -> str:
    """SQL giving the five-category classification for days past due in ``column``, no better
    than the classification in ``floor_column`` (NULL = no floor), as ``classify`` does."""
    if floor_column is None:
        parts = ["CASE"]
        for first_day, category in policy.classification.ladder:
            parts.append(f" WHEN {column} >= {first_day} THEN '{category.value}'")
        parts.append(" ELSE 'NORMAL' END")
        return "".join(parts)
    # 1-based ranks in the order; GREATEST ignores the NULL rank of a missing floor.
    by_days = ["CASE"]
    for first_day, category in policy.classification.ladder:
        rank = CLASSIFICATION_ORDER.index(category) + 1
        by_days.append(f" WHEN {column} >= {first_day} THEN {rank}")
    by_days.append(" ELSE 1 END")
    return (
        f"({_ORDER_ARRAY})[GREATEST({''.join(by_days)},"
        f" array_position({_ORDER_ARRAY}, {floor_column}::text))]"
    )


def batch_bounds_sql() -> TextClause:
    """The next batch: the ids (in order) of up to ``:batch_size`` active loans of the partition
    after ``:after``, the last of them and their count."""
    return text(
        f"""
        SELECT array_agg(loan_id ORDER BY loan_id) AS ids, max(loan_id) AS upto,
          count(*) AS n FROM (
          SELECT l.loan_id FROM loans l
          WHERE l.state = 'ACTIVE' AND l.loan_id > :after AND {partition_predicate('l')}
          ORDER BY l.loan_id LIMIT :batch_size
        ) batch
        """
    )


def candidate_ids_sql() -> TextClause:
    """The loans of the partition after ``:after``, in id order, that the cycle of ``:d`` can
    change: an unpaid installment falling due (ageing) or due on a notice day (due-soon events),
    installments in arrears (days past due, penalty, plan breaches) and loans whose stored status
    is not plainly current (a cure, an upgrade or a lifted floor to write). For every other loan
    the batch statement would write nothing and emit nothing, so it is not examined (tested
    against ``DailyCyclePolicy.examine_all_loans``). Served by three partial indexes (migration
    0007) rather than a scan of the book."""
    return _typed(
        f"""
        SELECT DISTINCT c.loan_id FROM (
          SELECT i.loan_id FROM installments i
          WHERE i.state = 'PENDING' AND (i.due_date <= :d OR i.due_date IN ({_DUE_SOON_DATES}))
          UNION ALL
          SELECT i.loan_id FROM installments i WHERE i.state IN ('DUE', 'OVERDUE')
          UNION ALL
          SELECT l.loan_id FROM loans l WHERE l.not_current
        ) c
        -- Loans no longer active are left out by the batch statement itself.
        WHERE c.loan_id > :after AND {partition_predicate('c')}
        ORDER BY c.loan_id
        """
    )


def loans_to_examine_count_sql() -> TextClause:
    """How many loans of the partition a full sweep examines: all active ones. (A run of the
    candidates counts the ids it reads.)"""
    return text(
        "SELECT count(*) FROM loans l WHERE l.state = 'ACTIVE' AND " + partition_predicate("l")
    )


def is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


_DATE_PARAM: Final = re.compile(r":d\b")


def _typed(sql: str) -> TextClause:
    # asyncpg infers a parameter's type from its first use; say once and for all that :d is a
    # date (":d::date" would not be read as a bind parameter).
    return text(_DATE_PARAM.sub("CAST(:d AS date)", sql))


def _outstanding_principal(alias: str) -> str:
    """The unpaid principal of loan ``alias`` on its current schedule (all open installments,
    not only those the batch reads)."""
    return (
        "(SELECT COALESCE(sum(o.principal_due_fen - o.principal_paid_fen), 0) FROM installments o"
        f" WHERE o.loan_id = {alias}.loan_id AND o.schedule_version = {alias}.schedule_version"
        " AND o.state NOT IN ('PAID', 'SUPERSEDED'))"
    )


def lock_batch_sql() -> TextClause:
    """Lock the batch's active loans (``:ids``, ``:first``, ``:last``) in id order, in the
    batch's transaction right before :func:`batch_sql`; returns how many.

    A statement of its own because the batch statement's snapshot predates any wait for a row
    lock: after waiting for a posting it would write installment states and penalty computed
    from the unpaid rows over the paid ones. Postings, reversals and ReplaceSchedule lock the
    loan row before its installments, so a posting has either committed before this lock (the
    batch statement's new snapshot sees it) or waits for the batch; both take loans before
    installments, so they cannot deadlock. FOR NO KEY UPDATE conflicts with their FOR UPDATE,
    not with foreign-key checks."""
    return text(
        """
        SELECT count(*) FROM (
          SELECT 1 FROM loans l
          WHERE l.loan_id = ANY(CAST(:ids AS text[])) AND l.loan_id BETWEEN :first AND :last
            AND l.state = 'ACTIVE'
          ORDER BY l.loan_id
          FOR NO KEY UPDATE
        ) locked
        """
    )


def batch_sql(policy: DelinquencyPolicy, business_date: dt.date) -> TextClause:
    """The batch statement, run after :func:`lock_batch_sql`. Parameters: ``:d`` (business
    date), ``:ids`` (the batch's loan ids from :func:`candidate_ids_sql` or
    :func:`batch_bounds_sql`, ascending), ``:first`` and ``:last`` (the first and last of
    them), ``:now``, ``:tolerance``, ``:rate_cap``, ``:fpd_days``.

    Returns one row per event-worthy change (kind ``C``) and per installment due in 1 or 3 days
    (kind ``S``)."""
    unpaid = (
        "(i.principal_due_fen - i.principal_paid_fen + i.interest_due_fen - i.interest_paid_fen"
        " + i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen)"
    )
    month_end = ""
    if is_month_end(business_date):
        month_end = f""",
        month_end AS (
          INSERT INTO bucket_month_ends (month_end, loan_id, product_code, disbursement_month,
            bucket, days_past_due, classification, outstanding_principal_fen)
          SELECT :d, c.loan_id, c.product_code, date_trunc('month', c.disbursement_date)::date,
            CASE WHEN c.fresher THEN c.old_bucket ELSE c.bucket END,
            CASE WHEN c.fresher THEN c.old_dpd ELSE c.dpd END,
            CASE WHEN c.fresher THEN c.old_cls ELSE c.cls END,
            {_outstanding_principal('c')}
          FROM calc c
          ON CONFLICT DO NOTHING
          RETURNING 1
        )"""
    return _typed(
        f"""
        WITH b AS (
          SELECT l.loan_id, l.borrower_id, l.currency, l.product_code, l.disbursement_date,
            l.version, l.schedule_version, l.grace_days, l.days_past_due AS old_dpd,
            l.bucket AS old_bucket, l.classification AS old_cls, l.status_as_of,
            l.status_as_of > :d AS fresher, l.plan_id, l.breach_days_past_due,
            l.breach_reported_plan_id, l.classification_floor,
            LEAST(l.penalty_annual_rate, GREATEST(:rate_cap - l.current_annual_rate, 0))
              AS penalty_rate
          FROM loans l
          -- The batch's ids (an array gives the planner the true size), and their range: the
          -- ids ascend, so every read of loans and installments below is an index range scan
          -- of this batch's stretch of the book, not a walk from its first id.
          WHERE l.loan_id = ANY(CAST(:ids AS text[])) AND l.loan_id BETWEEN :first AND :last
            AND l.state = 'ACTIVE'
        ),
        -- Only installments due by the horizon (D+3): ageing, arrears, penalty, due-soon
        -- notices. One due later is PENDING, stays so and counts for nothing but the
        -- outstanding principal, which is read below for the few rows that report it (a
        -- PENDING installment past the horizon cannot be DUE or OVERDUE: a posting ages
        -- installments only up to its own date, which then becomes the loan's status_as_of,
        -- and a loan whose stored status is fresher than D is not re-aged).
        -- Penalty: the principal-days accrued (unpaid principal x days since the last
        -- accrual) are added to the installment's exact total, and the penalty grows by
        -- round(total x rate / 360) - round(previous total x rate / 360): rounded once on the
        -- total, so the fen do not depend on how the days were split into runs.
        inst AS MATERIALIZED (
          SELECT a.*,
            CASE WHEN a.accrues
              THEN round((a.principal_days + a.principal_days_added) * a.penalty_rate / 360.0)
                - round(a.principal_days * a.penalty_rate / 360.0)
              ELSE 0 END::bigint AS penalty_increment
          FROM (
            SELECT i.loan_id, i.schedule_version, i.sequence, i.due_date,
              i.state AS old_state, i.days_past_due AS old_idpd, b.fresher, b.penalty_rate,
              i.principal_due_fen - i.principal_paid_fen AS principal_unpaid,
              i.interest_due_fen - i.interest_paid_fen AS interest_unpaid,
              GREATEST(i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen, 0)
                AS penalty_unpaid,
              {unpaid} AS unpaid,
              (i.due_date + b.grace_days < :d AND {unpaid} > :tolerance) AS past_due,
              (i.due_date + b.grace_days < :d AND {unpaid} > :tolerance
                AND COALESCE(i.penalty_accrued_through, i.due_date) < :d) AS accrues,
              i.penalty_principal_days AS principal_days,
              (i.principal_due_fen - i.principal_paid_fen)
                * (:d - GREATEST(COALESCE(i.penalty_accrued_through, i.due_date), i.due_date))
                AS principal_days_added
            FROM b JOIN installments i
              ON i.loan_id = b.loan_id AND i.schedule_version = b.schedule_version
            WHERE i.state NOT IN ('PAID', 'SUPERSEDED') AND i.loan_id BETWEEN :first AND :last
              AND i.due_date <= {_HORIZON}
          ) a
        ),
        inst_new AS (
          SELECT s.*,
            CASE WHEN s.due_date > :d THEN 'PENDING' WHEN s.past_due THEN 'OVERDUE'
              ELSE 'DUE' END AS new_state,
            CASE WHEN s.past_due THEN :d - s.due_date ELSE 0 END AS new_idpd
          FROM inst s
        ),
        inst_upd AS (
          UPDATE installments i SET
            penalty_due_fen = i.penalty_due_fen + s.penalty_increment,
            penalty_principal_days = CASE WHEN s.accrues
              THEN i.penalty_principal_days + s.principal_days_added
              ELSE i.penalty_principal_days END,
            penalty_accrued_through =
              CASE WHEN s.accrues THEN :d ELSE i.penalty_accrued_through END,
            state = CASE WHEN s.fresher THEN i.state ELSE s.new_state END,
            days_past_due = CASE WHEN s.fresher THEN i.days_past_due ELSE s.new_idpd END
          FROM inst_new s
          WHERE i.loan_id = s.loan_id AND i.schedule_version = s.schedule_version
            AND i.sequence = s.sequence AND i.loan_id BETWEEN :first AND :last
            AND (s.accrues OR (NOT s.fresher
                 AND (s.new_state <> s.old_state OR s.new_idpd <> s.old_idpd)))
          RETURNING 1
        ),
        agg AS (
          SELECT s.loan_id,
            min(s.due_date) FILTER (WHERE s.past_due) AS oldest_due,
            min(s.sequence) FILTER (WHERE s.past_due) AS oldest_sequence,
            max(s.due_date) FILTER (WHERE s.due_date <= :d) AS last_due,
            COALESCE(sum(s.principal_unpaid) FILTER (WHERE s.due_date <= :d), 0)
              AS overdue_principal,
            COALESCE(sum(s.interest_unpaid) FILTER (WHERE s.due_date <= :d), 0)
              AS overdue_interest,
            COALESCE(sum(s.penalty_unpaid + s.penalty_increment)
              FILTER (WHERE s.due_date <= :d), 0) AS overdue_penalty
          -- From inst, not inst_new: inst_new then has one reader and is inlined there.
          FROM inst s GROUP BY s.loan_id
        ),
        calc0 AS (
          SELECT b.*, COALESCE(a.oldest_sequence, 0) AS oldest_sequence, a.last_due,
            COALESCE(a.overdue_principal, 0) AS overdue_principal,
            COALESCE(a.overdue_interest, 0) AS overdue_interest,
            COALESCE(a.overdue_penalty, 0) AS overdue_penalty,
            CASE WHEN a.oldest_due IS NULL THEN 0 ELSE :d - a.oldest_due END AS dpd
          FROM b LEFT JOIN agg a ON a.loan_id = b.loan_id
        ),
        calc AS (
          SELECT c.*, {bucket_case(policy, 'c.dpd')} AS bucket,
            {classification_case(policy, 'c.dpd', 'c.classification_floor')} AS cls,
            (c.plan_id IS NOT NULL AND c.breach_days_past_due IS NOT NULL
              AND c.dpd > c.breach_days_past_due
              AND c.breach_reported_plan_id IS DISTINCT FROM c.plan_id) AS breach
          FROM calc0 c
        ),
        changed AS (
          SELECT * FROM calc c
          WHERE NOT c.fresher AND (c.dpd <> c.old_dpd OR c.bucket <> c.old_bucket
            OR c.cls <> c.old_cls OR c.breach OR c.last_due > c.status_as_of)
        ),
        loan_upd AS (
          UPDATE loans l SET days_past_due = c.dpd, bucket = c.bucket, classification = c.cls,
            status_as_of = :d,
            breach_reported_plan_id =
              CASE WHEN c.breach THEN c.plan_id ELSE l.breach_reported_plan_id END
          FROM changed c
          -- Guards only: the loans are locked (lock_batch_sql) before this statement reads.
          WHERE l.loan_id = c.loan_id AND l.loan_id BETWEEN :first AND :last
            AND l.version = c.version
            AND l.classification_floor IS NOT DISTINCT FROM c.classification_floor
          RETURNING l.loan_id
        ),
        history AS (
          INSERT INTO bucket_history (loan_id, business_date, from_bucket, to_bucket,
            days_past_due, overdue_fen, cause, recorded_at)
          SELECT c.loan_id, :d, c.old_bucket, c.bucket, c.dpd,
            c.overdue_principal + c.overdue_interest + c.overdue_penalty, 'DAILY_CYCLE', :now
          FROM changed c JOIN loan_upd u ON u.loan_id = c.loan_id
          WHERE c.bucket <> c.old_bucket
          ORDER BY c.loan_id
          RETURNING 1
        ){month_end}
        SELECT 'C' AS kind, c.loan_id, c.borrower_id, c.currency, c.old_bucket, c.bucket,
          c.old_dpd, c.dpd, c.old_cls, c.cls, c.overdue_principal, c.overdue_interest,
          c.overdue_penalty, {_outstanding_principal('c')} AS outstanding_principal,
          c.plan_id, c.breach,
          c.breach_days_past_due, c.oldest_sequence, c.schedule_version,
          c.classification_floor, NULL::int AS sequence, NULL::date AS due_date,
          NULL::bigint AS amount_due,
          (SELECT count(*) FROM inst_upd) AS installments_updated
        FROM changed c JOIN loan_upd u ON u.loan_id = c.loan_id
        WHERE c.bucket <> c.old_bucket OR c.cls <> c.old_cls OR c.breach
           OR (c.old_dpd < :fpd_days AND c.dpd >= :fpd_days AND c.schedule_version = 1
               AND c.oldest_sequence = 1)
        UNION ALL
        SELECT 'S', s.loan_id, b.borrower_id, b.currency, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          s.sequence, s.due_date, s.unpaid, NULL
        FROM inst s JOIN b ON b.loan_id = s.loan_id
        WHERE s.due_date IN ({_DUE_SOON_DATES}) AND s.unpaid > 0
        ORDER BY 2, 1
        """
    )


def bare_days_past_due_sql(policy: DelinquencyPolicy) -> TextClause:
    """The benchmark's reference: one bare UPDATE setting every active loan's days past due
    from its installments (same rule: grace, tolerance), writing only the loans that change."""
    unpaid = (
        "(i.principal_due_fen - i.principal_paid_fen + i.interest_due_fen - i.interest_paid_fen"
        " + i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen)"
    )
    return _typed(
        f"""
        UPDATE loans l SET days_past_due = x.dpd
        FROM (
          SELECT l2.loan_id,
            COALESCE(:d - min(i.due_date) FILTER (
              WHERE i.due_date + l2.grace_days < :d AND {unpaid} > :tolerance), 0) AS dpd
          FROM loans l2 JOIN installments i
            ON i.loan_id = l2.loan_id AND i.schedule_version = l2.schedule_version
          WHERE l2.state = 'ACTIVE' AND i.state NOT IN ('PAID', 'SUPERSEDED')
          GROUP BY l2.loan_id
        ) x
        WHERE l.loan_id = x.loan_id AND l.days_past_due <> x.dpd
        """
    )
