"""Portfolio analytics in SQL over month-end buckets (``bucket_month_ends``, written by the
daily cycle of each month's last day) and the live loan book: delinquency by bucket, the
month-to-month roll-rate matrix, vintage curves and the NPL ratio. Sums are integers (fen,
counts) from the database; rates are exact Decimal quotients (``domain.portfolio.rate``).

Figures on a business date come from that date's month-end snapshot when it is a month end the
daily cycle closed (every partition of that date completed), else from the live book when it is
the latest completed business date; other dates have no figures (NOT_FOUND). A month end whose
cycle has not completed (still running, or some partitions only) holds part of the book: it is
never read, so roll rates from or into it are NOT_FOUND and vintage curves have no point at it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from monitoring.domain.delinquency import BucketSet
from monitoring.domain.portfolio import (
    PAID_OFF,
    month_end,
    month_start,
    months_between,
    next_month_end,
    rate,
)
from monitoring.service_layer.daily_cycle import COMPLETED_DATES_SQL, last_completed_date
from postloan.common.v1 import classification_pb2
from postloan.monitoring.v1 import monitoring_pb2
from postloan_runtime.errors import NotFound
from postloan_runtime.proto_convert import date_to_proto, decimal_to_proto, fen_to_proto

CLASSIFICATIONS = ("NORMAL", "SPECIAL_MENTION", "SUBSTANDARD", "DOUBTFUL", "LOSS")
NON_PERFORMING = frozenset({"SUBSTANDARD", "DOUBTFUL", "LOSS"})

# The live book: active loans with their outstanding principal (schedule in force).
_LIVE = """
    SELECT l.loan_id, l.bucket, l.classification,
      COALESCE((SELECT sum(i.principal_due_fen - i.principal_paid_fen) FROM installments i
                WHERE i.loan_id = l.loan_id AND i.state <> 'SUPERSEDED'), 0) AS principal
    FROM loans l
    WHERE l.state = 'ACTIVE' AND (CAST(:product AS text) IS NULL OR l.product_code = :product)
"""
_SNAPSHOT = """
    SELECT m.loan_id, m.bucket, m.classification, m.outstanding_principal_fen AS principal
    FROM bucket_month_ends m
    WHERE m.month_end = :d AND (CAST(:product AS text) IS NULL OR m.product_code = :product)
"""


async def _closed(conn: AsyncConnection, day: dt.date) -> bool:
    """Whether ``day``'s daily cycle completed in every partition: only then is its month-end
    snapshot the whole book."""
    return bool(await conn.scalar(
        text(f"SELECT EXISTS (SELECT 1 FROM ({COMPLETED_DATES_SQL}) d WHERE business_date = :d)"),
        {"d": day},
    ))


def _not_closed(day: dt.date) -> NotFound:
    return NotFound("month-end figures", day.isoformat(),
                    message="the daily cycle of that month end has not completed: no figures")


async def _source(conn: AsyncConnection, engine: AsyncEngine, as_of: dt.date | None) -> tuple[
    dt.date, str
]:
    """The business date of the figures and the SQL of the book on it."""
    latest = await last_completed_date(engine)
    day = as_of or latest
    if day is None:
        raise NotFound("daily cycle", "latest",
                       message="no daily cycle has completed: no figures yet")
    if day == month_end(day) and await _closed(conn, day) and await conn.scalar(
        text("SELECT EXISTS (SELECT 1 FROM bucket_month_ends WHERE month_end = :d)"), {"d": day}
    ):
        return day, _SNAPSHOT
    if day == latest:
        return day, _LIVE
    raise NotFound("business date figures", day.isoformat(),
                   message="figures exist for month ends and the latest completed business date")


async def delinquency_by_bucket(
    engine: AsyncEngine, buckets: BucketSet, *, as_of: dt.date | None, product: str | None
) -> monitoring_pb2.GetDelinquencyByBucketResponse:
    async with engine.connect() as conn:
        day, book = await _source(conn, engine, as_of)
        rows = (await conn.execute(
            text(f"SELECT bucket, count(*) AS n, sum(principal)::bigint AS principal "
                 f"FROM ({book}) b GROUP BY bucket"),
            {"d": day, "product": product},
        )).mappings().all()
    by_bucket = {r["bucket"]: (r["n"], r["principal"]) for r in rows}
    total_n = sum(n for n, _ in by_bucket.values())
    total_p = sum(p for _, p in by_bucket.values())
    current = buckets.buckets[0].code
    response = monitoring_pb2.GetDelinquencyByBucketResponse(
        as_of=date_to_proto(day), total_loan_count=total_n,
        total_outstanding_principal=fen_to_proto(total_p),
        delinquency_rate=decimal_to_proto(
            rate(total_p - by_bucket.get(current, (0, 0))[1], total_p)
        ),
    )
    for bucket in buckets.buckets:
        n, principal = by_bucket.get(bucket.code, (0, 0))
        response.rows.add(
            bucket=bucket.code, loan_count=n, outstanding_principal=fen_to_proto(principal),
            share_of_count=decimal_to_proto(rate(n, total_n)),
            share_of_balance=decimal_to_proto(rate(principal, total_p)),
        )
    return response


async def npl_ratio(
    engine: AsyncEngine, *, as_of: dt.date | None, product: str | None
) -> monitoring_pb2.GetNplRatioResponse:
    async with engine.connect() as conn:
        day, book = await _source(conn, engine, as_of)
        rows = (await conn.execute(
            text(f"SELECT classification, count(*) AS n, sum(principal)::bigint AS principal "
                 f"FROM ({book}) b GROUP BY classification"),
            {"d": day, "product": product},
        )).mappings().all()
    by_class = {r["classification"]: (r["n"], r["principal"]) for r in rows}
    total = sum(p for _, p in by_class.values())
    npl = sum(p for c, (_, p) in by_class.items() if c in NON_PERFORMING)
    response = monitoring_pb2.GetNplRatioResponse(
        as_of=date_to_proto(day), non_performing_principal=fen_to_proto(npl),
        total_outstanding_principal=fen_to_proto(total),
        npl_ratio=decimal_to_proto(rate(npl, total)),
    )
    for code in CLASSIFICATIONS:
        n, principal = by_class.get(code, (0, 0))
        response.rows.add(
            classification=classification_pb2.LoanClassification.Value(
                f"LOAN_CLASSIFICATION_{code}"
            ),
            loan_count=n, outstanding_principal=fen_to_proto(principal),
        )
    return response


_ROLL_SQL = text(
    """
    SELECT f.bucket AS from_bucket,
      COALESCE(t.bucket, 'PAID_OFF') AS to_bucket,
      count(*) AS n, sum(f.outstanding_principal_fen)::bigint AS principal
    FROM bucket_month_ends f
    JOIN loans l ON l.loan_id = f.loan_id
    LEFT JOIN bucket_month_ends t ON t.loan_id = f.loan_id AND t.month_end = :to_end
    WHERE f.month_end = :from_end
      AND (CAST(:product AS text) IS NULL OR f.product_code = :product)
      AND (t.loan_id IS NOT NULL
           OR (l.state = 'PAID_OFF' AND l.paid_off_date <= :to_end))
    GROUP BY 1, 2
    """
)


async def roll_rate_matrix(
    engine: AsyncEngine,
    buckets: BucketSet,
    *,
    from_month: dt.date,
    to_month: dt.date | None,
    by_balance: bool,
    product: str | None,
) -> monitoring_pb2.GetRollRateMatrixResponse:
    """Loans by bucket at the end of ``from_month`` against their bucket at the end of
    ``to_month`` (default the next month); loans paid off in between go to PAID_OFF. Each cell's
    rate is its share of the from-bucket row, by count or by outstanding principal at the end of
    ``from_month``. NOT_FOUND unless the daily cycle completed both month ends: a loan missing
    from an unfinished one would drop out of the matrix unseen."""
    from_end = month_end(from_month)
    to_end = month_end(to_month) if to_month else next_month_end(from_month)
    async with engine.connect() as conn:
        for end in (from_end, to_end):
            if not await _closed(conn, end):
                raise _not_closed(end)
        rows = (await conn.execute(
            _ROLL_SQL, {"from_end": from_end, "to_end": to_end, "product": product}
        )).mappings().all()
    order = [b.code for b in buckets.buckets] + [PAID_OFF]
    rank = {code: i for i, code in enumerate(order)}
    row_totals: dict[str, int] = defaultdict(int)
    for r in rows:
        row_totals[r["from_bucket"]] += r["principal"] if by_balance else r["n"]
    response = monitoring_pb2.GetRollRateMatrixResponse(
        buckets=order,
        basis=(monitoring_pb2.RATE_BASIS_BALANCE if by_balance
               else monitoring_pb2.RATE_BASIS_COUNT),
    )
    for r in sorted(rows, key=lambda r: (rank.get(r["from_bucket"], len(order)),
                                         rank.get(r["to_bucket"], len(order)))):
        weight = r["principal"] if by_balance else r["n"]
        response.cells.add(
            from_bucket=r["from_bucket"], to_bucket=r["to_bucket"], loan_count=r["n"],
            outstanding_principal=fen_to_proto(r["principal"]),
            rate=decimal_to_proto(rate(weight, row_totals[r["from_bucket"]])),
        )
    return response


_VINTAGE_SQL = text(
    f"""
    WITH v AS (
      SELECT l.loan_id, date_trunc('month', l.disbursement_date)::date AS vintage,
        l.principal_fen
      FROM loans l
      WHERE l.disbursement_date >= :from_v AND l.disbursement_date < :to_v_next
    ),
    -- Month ends the daily cycle completed only: an unfinished one holds part of the book.
    ends AS (
      SELECT d.business_date AS month_end FROM ({COMPLETED_DATES_SQL}) d
      WHERE EXISTS (SELECT 1 FROM bucket_month_ends m WHERE m.month_end = d.business_date)
    ),
    first_bad AS (
      SELECT m.loan_id, min(m.month_end) AS first_bad FROM bucket_month_ends m
      WHERE m.days_past_due >= :threshold AND m.month_end IN (SELECT month_end FROM ends)
        AND m.disbursement_month >= :from_v AND m.disbursement_month < :to_v_next
      GROUP BY m.loan_id
    )
    SELECT v.vintage, e.month_end,
      count(*) FILTER (WHERE fb.first_bad <= e.month_end) AS bad_n,
      COALESCE(sum(v.principal_fen) FILTER (WHERE fb.first_bad <= e.month_end), 0)::bigint
        AS bad_principal
    FROM v JOIN ends e ON e.month_end >= v.vintage
    LEFT JOIN first_bad fb ON fb.loan_id = v.loan_id
    GROUP BY v.vintage, e.month_end
    ORDER BY v.vintage, e.month_end
    """
)
_VINTAGE_SIZES = text(
    """
    SELECT date_trunc('month', disbursement_date)::date AS vintage, count(*) AS n,
      sum(principal_fen)::bigint AS principal
    FROM loans WHERE disbursement_date >= :from_v AND disbursement_date < :to_v_next
    GROUP BY 1 ORDER BY 1
    """
)


async def vintage_curves(
    engine: AsyncEngine,
    *,
    from_vintage: dt.date,
    to_vintage: dt.date,
    threshold: int,
    max_months_on_book: int,
    by_balance: bool,
) -> monitoring_pb2.GetVintageCurvesResponse:
    """Per disbursement month: the share of its loans (by count, or by principal disbursed)
    that were at or beyond ``threshold`` days past due at any month end up to each months on
    book (cumulative; months on book 0 is the disbursement month's own end). Points at every
    month end the daily cycle completed."""
    params: dict[str, Any] = {
        "from_v": month_start(from_vintage),
        "to_v_next": month_end(to_vintage) + dt.timedelta(days=1),
        "threshold": threshold,
    }
    async with engine.connect() as conn:
        sizes = (await conn.execute(_VINTAGE_SIZES, params)).mappings().all()
        points = (await conn.execute(_VINTAGE_SQL, params)).mappings().all()
    by_vintage: dict[dt.date, list[Any]] = defaultdict(list)
    for p in points:
        by_vintage[p["vintage"]].append(p)
    response = monitoring_pb2.GetVintageCurvesResponse(days_past_due_threshold=threshold)
    for size in sizes:
        curve = response.curves.add(
            vintage=date_to_proto(size["vintage"]), loan_count=size["n"],
            disbursed_principal=fen_to_proto(size["principal"]),
        )
        for p in by_vintage[size["vintage"]]:
            mob = months_between(size["vintage"], p["month_end"])
            if max_months_on_book and mob > max_months_on_book:
                break
            curve.points.add(
                months_on_book=mob,
                rate=decimal_to_proto(
                    rate(p["bad_principal"], size["principal"]) if by_balance
                    else rate(p["bad_n"], size["n"])
                ),
            )
    return response
