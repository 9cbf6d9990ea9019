"""A synthetic loan book generated set-based in SQL (``generate_series``), for the daily
cycle's tests and benchmark: realistic monthly installments (equal principal, 18% a year,
interest on the remaining balance), disbursements spread over the year before the business
date, paid installments settled on or a few days around their due date, and a deterministic
share of loans (``overdue_percent``) that stopped paying 1..6 installments ago. Deterministic:
the same arguments give the same book."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_LOANS = text(
    """
    INSERT INTO loans (loan_id, borrower_id, product_code, currency, principal_fen, annual_rate,
      current_annual_rate, term_periods, repayment_method, disbursement_date, due_day,
      grace_days, penalty_annual_rate, prepayment_rule, state, version, schedule_version,
      status_as_of, days_past_due, bucket, classification, registration_fingerprint,
      registered_at)
    SELECT :prefix || lpad(n::text, 9, '0'), 'B' || lpad((n % :borrowers)::text, 9, '0'),
      CASE WHEN n % 3 = 0 THEN 'CASH-12M' ELSE 'CARD-12M' END, 'CNY',
      (100000 + (abs(hashtext('p' || n)) % 4900) * 1000)::bigint, 0.1800, 0.1800, :term,
      'EQUAL_PRINCIPAL', d.disbursed, LEAST(extract(day FROM d.disbursed)::int, 28),
      3, 0.0900, 'SHORTEN_TERM', 'ACTIVE', 1, 1, d.disbursed, 0, 'M0', 'NORMAL', 'synthetic',
      now()
    FROM generate_series(1, :n) n
    CROSS JOIN LATERAL (
      SELECT (CAST(:start AS date) - (abs(hashtext('d' || n)) % 360))::date AS disbursed
    ) d
    """
)

_INSTALLMENTS = text(
    """
    INSERT INTO installments (loan_id, schedule_version, sequence, due_date, principal_due_fen,
      interest_due_fen, state, paid_on, principal_paid_fen, interest_paid_fen)
    SELECT x.loan_id, 1, x.k, x.due_date, x.principal_part, x.interest_part,
      CASE WHEN x.paid THEN 'PAID' ELSE 'PENDING' END,
      CASE WHEN x.paid THEN x.due_date + ((abs(hashtext(x.loan_id || x.k)) % 7) - 4) END,
      CASE WHEN x.paid THEN x.principal_part ELSE 0 END,
      CASE WHEN x.paid THEN x.interest_part ELSE 0 END
    FROM (
      SELECT l.loan_id, k, (l.disbursement_date + make_interval(months => k))::date AS due_date,
        CASE WHEN k < l.term_periods THEN l.principal_fen / l.term_periods
          ELSE l.principal_fen - (l.principal_fen / l.term_periods) * (l.term_periods - 1)
        END AS principal_part,
        round((l.principal_fen - (l.principal_fen / l.term_periods) * (k - 1)) * 0.18 / 12)::bigint
          AS interest_part,
        -- Paid when due before the book date, unless the loan is in the overdue share and the
        -- installment is among its last 1..6 due ones.
        (l.disbursement_date + make_interval(months => k))::date < CAST(:start AS date)
          AND NOT (abs(hashtext('o' || l.loan_id)) % 100 < :overdue_percent
            AND (l.disbursement_date + make_interval(months => k))::date
                >= CAST(:start AS date)
                   - make_interval(months => 1 + abs(hashtext('m' || l.loan_id)) % 6))
          AS paid
      FROM loans l CROSS JOIN generate_series(1, l.term_periods) k
      WHERE l.loan_id LIKE :prefix || '%'
    ) x
    """
)

_SETTLED = text(
    """
    UPDATE loans l SET state = 'PAID_OFF', paid_off_date = x.last_paid
    FROM (SELECT loan_id, max(paid_on) AS last_paid FROM installments
          WHERE loan_id LIKE :prefix || '%' GROUP BY loan_id
          HAVING bool_and(state = 'PAID')) x
    WHERE l.loan_id = x.loan_id
    """
)


async def generate_book(
    conn: AsyncConnection,
    n: int,
    *,
    as_of: dt.date,
    overdue_percent: int = 8,
    term: int = 12,
    prefix: str = "L",
    borrowers: int | None = None,
) -> None:
    """Insert ``n`` loans (ids ``<prefix>000000001``…) with their installments as they stand
    on ``as_of`` (statuses are those of the disbursement date: run the daily cycle to age
    them)."""
    params = {"n": n, "start": as_of, "prefix": prefix, "term": term,
              "overdue_percent": overdue_percent, "borrowers": borrowers or n}
    await conn.execute(_LOANS, params)
    await conn.execute(_INSTALLMENTS, params)
    await conn.execute(_SETTLED, params)
