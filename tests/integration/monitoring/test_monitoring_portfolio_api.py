"""Portfolio analytics on a small book run through real daily cycles (31 January to 31 March
2024, every day) against tables computed by hand:

  loan  vintage   principal  term  behaviour
  A     Jan 10    120 000    12    pays every installment on its due date
  B     Jan 10    240 000    12    never pays (due 10 Feb: 19 dpd on 29 Feb, 50 on 31 Mar)
  C     Jan 10    360 000    12    pays the first installment, not the second (21 dpd 31 Mar)
  D     Jan 10    480 000     1    pays its only installment on 10 Feb: paid off
  E     Feb  5    600 000    12    never pays (first due 5 Mar: 26 dpd on 31 Mar)

Equal principal, so the principal part is an exact twelfth (10 000 / 20 000 / 30 000 /
50 000 fen). Classification thresholds for the test: special mention from 1, substandard from
25, doubtful from 45, loss from 60 days past due."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from monitoring_harness import Harness, pb_date

from monitoring.domain.delinquency import ClassificationThresholds, DelinquencyPolicy
from monitoring.service_layer.daily_cycle import DailyCyclePolicy, run_daily_cycle
from postloan.common.v1 import classification_pb2
from postloan.monitoring.v1 import monitoring_pb2
from postloan_runtime.cli_reports import (
    bucket_rows,
    fetch_portfolio,
    npl_rows,
    roll_rate_rows,
    vintage_rows,
)
from postloan_runtime.proto_convert import decimal_from_proto
from postloan_runtime.testing.auth import bearer

pytestmark = pytest.mark.integration

POLICY = DailyCyclePolicy(delinquency=DelinquencyPolicy(
    classification=ClassificationThresholds(special_mention_from=1, substandard_from=25,
                                            doubtful_from=45, loss_from=60)))
JAN = dt.date(2024, 1, 10)
FEB = dt.date(2024, 2, 5)


async def run_book(h: Harness) -> None:
    start = dt.date(2024, 1, 31)
    h.clock.set_business_date(start)
    for name, principal, term in (("A", 120_000, 12), ("B", 240_000, 12), ("C", 360_000, 12),
                                  ("D", 480_000, 1)):
        await h.register(borrower=f"B-{name}", principal=principal, term=term, disbursed=JAN,
                         loan_id=f"L-{name}")
    day = start
    while day <= dt.date(2024, 3, 31):
        h.clock.set_business_date(day)
        if day == FEB:
            await h.register(borrower="B-E", principal=600_000, term=12, disbursed=FEB,
                             due_day=5, loan_id="L-E")
        if day == dt.date(2024, 2, 10):
            for loan_id in ("L-A", "L-C", "L-D"):
                await h.pay(loan_id, await h.installment_total(loan_id, 1), day)
        if day == dt.date(2024, 3, 10):
            await h.pay("L-A", await h.installment_total("L-A", 2), day)
        async for _ in run_daily_cycle(h.engine, day, 0, 1, clock=h.clock, policy=POLICY):
            pass
        day += dt.timedelta(days=1)


def rate(message) -> Decimal:
    return decimal_from_proto(message)


@pytest.fixture
async def book(monitoring_harness: Harness) -> Harness:
    await run_book(monitoring_harness)
    return monitoring_harness


async def test_hand_computed_tables(book: Harness) -> None:
    analytics, md = book.analytics, book.metadata
    assert analytics is not None

    # --- delinquency by bucket on 31 March (the month-end snapshot) and live (latest date).
    for as_of in (pb_date(dt.date(2024, 3, 31)), None):
        request = monitoring_pb2.GetDelinquencyByBucketRequest()
        if as_of is not None:
            request.as_of.CopyFrom(as_of)
        by_bucket = await analytics.GetDelinquencyByBucket(request, metadata=md)
        assert by_bucket.as_of == pb_date(dt.date(2024, 3, 31))
        rows = {r.bucket: (r.loan_count, r.outstanding_principal.minor_units,
                           rate(r.share_of_count), rate(r.share_of_balance))
                for r in by_bucket.rows if r.loan_count}
        # A 100 000 (two twelfths paid); C 330 000, E 600 000; B 240 000. Total 1 270 000.
        assert rows == {
            "M0": (1, 100_000, Decimal("0.2500000000"), Decimal("0.0787401575")),
            "M1": (2, 930_000, Decimal("0.5000000000"), Decimal("0.7322834646")),
            "M2": (1, 240_000, Decimal("0.2500000000"), Decimal("0.1889763780")),
        }
        assert [r.bucket for r in by_bucket.rows][:3] == ["M0", "M1", "M2"]
        assert by_bucket.total_loan_count == 4
        assert by_bucket.total_outstanding_principal.minor_units == 1_270_000
        assert rate(by_bucket.delinquency_rate) == Decimal("0.9212598425")  # 1 170 000 / 1 270 000

    # --- NPL ratio: C special mention (21), E substandard (26), B doubtful (50).
    npl = await analytics.GetNplRatio(monitoring_pb2.GetNplRatioRequest(), metadata=md)
    rows = {classification_pb2.LoanClassification.Name(r.classification): (
        r.loan_count, r.outstanding_principal.minor_units) for r in npl.rows}
    assert rows == {
        "LOAN_CLASSIFICATION_NORMAL": (1, 100_000),
        "LOAN_CLASSIFICATION_SPECIAL_MENTION": (1, 330_000),
        "LOAN_CLASSIFICATION_SUBSTANDARD": (1, 600_000),
        "LOAN_CLASSIFICATION_DOUBTFUL": (1, 240_000),
        "LOAN_CLASSIFICATION_LOSS": (0, 0),
    }
    assert npl.non_performing_principal.minor_units == 840_000
    assert rate(npl.npl_ratio) == Decimal("0.6614173228")  # 840 000 / 1 270 000

    # --- roll rates January → February: A, C stay M0; B rolls to M1; D pays off.
    jan_feb = await analytics.GetRollRateMatrix(monitoring_pb2.GetRollRateMatrixRequest(
        from_month=pb_date(dt.date(2024, 1, 1)), basis=monitoring_pb2.RATE_BASIS_COUNT),
        metadata=md)
    assert {(c.from_bucket, c.to_bucket): (c.loan_count, rate(c.rate)) for c in jan_feb.cells} == {
        ("M0", "M0"): (2, Decimal("0.5000000000")),
        ("M0", "M1"): (1, Decimal("0.2500000000")),
        ("M0", "PAID_OFF"): (1, Decimal("0.2500000000")),
    }
    by_balance = await analytics.GetRollRateMatrix(monitoring_pb2.GetRollRateMatrixRequest(
        from_month=pb_date(dt.date(2024, 1, 15))), metadata=md)  # the day is ignored
    assert by_balance.basis == monitoring_pb2.RATE_BASIS_BALANCE
    # Balances at 31 January: A+C 480 000, B 240 000, D 480 000 of 1 200 000.
    assert {(c.from_bucket, c.to_bucket): rate(c.rate) for c in by_balance.cells} == {
        ("M0", "M0"): Decimal("0.4000000000"),
        ("M0", "M1"): Decimal("0.2000000000"),
        ("M0", "PAID_OFF"): Decimal("0.4000000000"),
    }
    # February → March: of M0 (A, C, E) A stays, C and E roll to M1; B (M1) rolls to M2.
    feb_mar = await analytics.GetRollRateMatrix(monitoring_pb2.GetRollRateMatrixRequest(
        from_month=pb_date(dt.date(2024, 2, 1)), to_month=pb_date(dt.date(2024, 3, 1)),
        basis=monitoring_pb2.RATE_BASIS_COUNT), metadata=md)
    assert [(c.from_bucket, c.to_bucket, c.loan_count, rate(c.rate)) for c in feb_mar.cells] == [
        ("M0", "M0", 1, Decimal("0.3333333333")),
        ("M0", "M1", 2, Decimal("0.6666666667")),
        ("M1", "M2", 1, Decimal("1.0000000000")),
    ]
    assert list(feb_mar.buckets)[:2] == ["M0", "M1"] and feb_mar.buckets[-1] == "PAID_OFF"

    # --- vintage curves, DPD30+ (default) and DPD15+, by count and by principal disbursed.
    curves = await analytics.GetVintageCurves(monitoring_pb2.GetVintageCurvesRequest(
        from_vintage=pb_date(dt.date(2024, 1, 1)), to_vintage=pb_date(dt.date(2024, 2, 1)),
        basis=monitoring_pb2.RATE_BASIS_COUNT), metadata=md)
    assert curves.days_past_due_threshold == 30
    table = {(c.vintage.month, c.loan_count, c.disbursed_principal.minor_units):
             [(p.months_on_book, rate(p.rate)) for p in c.points] for c in curves.curves}
    zero = Decimal("0E-10")
    assert table == {
        (1, 4, 1_200_000): [(0, zero), (1, zero), (2, Decimal("0.2500000000"))],  # B at 50
        (2, 1, 600_000): [(0, zero), (1, zero)],  # E at 26
    }
    dpd15 = await analytics.GetVintageCurves(monitoring_pb2.GetVintageCurvesRequest(
        from_vintage=pb_date(dt.date(2024, 1, 1)), to_vintage=pb_date(dt.date(2024, 2, 1)),
        days_past_due_threshold=15, max_months_on_book=1), metadata=md)
    # By principal disbursed: B 240 000 of 1 200 000 at MOB 1 (19 dpd); E 600 000 of 600 000.
    assert {c.vintage.month: [(p.months_on_book, rate(p.rate)) for p in c.points]
            for c in dpd15.curves} == {
        1: [(0, zero), (1, Decimal("0.2000000000"))],
        2: [(0, zero), (1, Decimal("1.0000000000"))],
    }


async def test_cli_report_renders_the_rpc_figures_and_writes_charts(
    book: Harness, tmp_path
) -> None:
    from typer.testing import CliRunner

    from postloan_runtime.cli import app
    from postloan_runtime.testing.auth import token_for

    token = token_for(book.keys_dir, ["risk_manager"])
    out_dir = tmp_path / "charts"
    result = await asyncio.to_thread(
        CliRunner().invoke, app,
        ["report", "portfolio", "--address", book.address, "--token", token,
         "--out-dir", str(out_dir), "--vintages-back", "2", "--width", "200"],
    )
    assert result.exit_code == 0, result.output
    # The figures the tables show are the RPCs' own.
    channel = grpc.aio.insecure_channel(book.address)
    try:
        figures = await fetch_portfolio(
            channel, bearer(token), as_of=None, from_month=None, vintages_back=2, threshold=30)
    finally:
        await channel.close()
    assert figures.from_month == dt.date(2024, 2, 1)  # the last two closed month ends
    lines = [cells(line) for line in result.output.splitlines()]
    for row in (bucket_rows(figures) + npl_rows(figures) + roll_rate_rows(figures)
                + vintage_rows(figures)):
        assert list(row) in lines, row
    assert ["M1", "930", "2", "930,000.00", "0.7322834646"] not in lines  # sanity of cells()
    assert ["M1", "2", "9,300.00", "0.5000000000", "0.7322834646"] in lines
    assert "NPL ratio 0.6614173228" in " ".join(result.output.split())  # titles wrap
    # Four charts, each a real PNG, at the printed paths.
    printed = [line.removeprefix("chart: ") for line in result.output.splitlines()
               if line.startswith("chart: ")]
    assert len(printed) == 4
    for path in map(Path, printed):
        assert path.parent == out_dir and path.stat().st_size > 1000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def cells(line: str) -> list[str]:
    """The cells of a rich table row (``│ a │ b │``)."""
    return [c.strip() for c in line.strip().strip("│").split("│")] if "│" in line else []
