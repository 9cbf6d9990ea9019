"""Portfolio analytics never read a month end the daily cycle has not completed: its snapshot
holds only the partitions that ran, so figures on it, roll rates from or into it and vintage
points at it would silently leave loans out."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from monitoring_harness import Harness, pb_date

from monitoring.service_layer.daily_cycle import run_daily_cycle
from postloan.monitoring.v1 import monitoring_pb2
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration


async def _cycle(h: Harness, day: dt.date, partition: int = 0, partitions: int = 1) -> None:
    h.clock.set_business_date(day)
    async for _ in run_daily_cycle(
        h.engine, day, partition, partitions, clock=h.clock  # type: ignore[arg-type]
    ):
        pass


async def _not_found(call: object) -> dict[str, str]:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call  # type: ignore[misc]
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    return decode_error(error.value).metadata


async def test_a_month_end_with_some_partitions_done_has_no_figures(
    monitoring_harness: Harness,
) -> None:
    h = monitoring_harness
    analytics, md = h.analytics, h.metadata
    assert analytics is not None
    h.clock.set_business_date(dt.date(2024, 1, 30))
    for i in range(8):
        await h.register(borrower=f"B-P{i}", principal=120_000, loan_id=f"L-P{i}")
    await _cycle(h, dt.date(2024, 1, 30))
    jan31 = dt.date(2024, 1, 31)
    await _cycle(h, jan31, 0, 2)  # partition 0 of 2 only: part of the book in the snapshot

    by_bucket = monitoring_pb2.GetDelinquencyByBucketRequest(as_of=pb_date(jan31))
    assert (await _not_found(analytics.GetDelinquencyByBucket(by_bucket, metadata=md)))[
        "id"] == "2024-01-31"
    await _not_found(analytics.GetNplRatio(
        monitoring_pb2.GetNplRatioRequest(as_of=pb_date(jan31)), metadata=md))
    latest = await analytics.GetDelinquencyByBucket(
        monitoring_pb2.GetDelinquencyByBucketRequest(), metadata=md)
    assert (latest.as_of, latest.total_loan_count) == (pb_date(dt.date(2024, 1, 30)), 8)
    vintages = monitoring_pb2.GetVintageCurvesRequest(
        from_vintage=pb_date(jan31), to_vintage=pb_date(jan31),
        basis=monitoring_pb2.RATE_BASIS_COUNT)
    [curve] = (await analytics.GetVintageCurves(vintages, metadata=md)).curves
    assert (curve.loan_count, list(curve.points)) == (8, [])

    # The other partition done: the month end is closed and read whole.
    await _cycle(h, jan31, 1, 2)
    assert (await analytics.GetDelinquencyByBucket(by_bucket, metadata=md)).total_loan_count == 8
    [curve] = (await analytics.GetVintageCurves(vintages, metadata=md)).curves
    assert [p.months_on_book for p in curve.points] == [0]


async def test_no_roll_rates_into_a_month_that_has_not_closed(
    monitoring_harness: Harness,
) -> None:
    h = monitoring_harness
    analytics, md = h.analytics, h.metadata
    assert analytics is not None
    h.clock.set_business_date(dt.date(2024, 1, 31))
    for name, term in (("A", 1), ("B", 12), ("C", 12)):
        await h.register(borrower=f"B-R{name}", principal=120_000, term=term,
                         loan_id=f"L-R{name}")
    await _cycle(h, dt.date(2024, 1, 31))
    await h.pay("L-RA", await h.installment_total("L-RA", 1), dt.date(2024, 2, 10))
    await _cycle(h, dt.date(2024, 2, 15))
    # 15 February: the end of February is not closed; only the loan paid off would show.
    jan = pb_date(dt.date(2024, 1, 1))
    count = monitoring_pb2.RATE_BASIS_COUNT
    for request in (
        monitoring_pb2.GetRollRateMatrixRequest(from_month=jan, basis=count),
        monitoring_pb2.GetRollRateMatrixRequest(
            from_month=jan, to_month=pb_date(dt.date(2024, 2, 1)), basis=count),
    ):
        metadata = await _not_found(analytics.GetRollRateMatrix(request, metadata=md))
        assert metadata == {"resource": "month-end figures", "id": "2024-02-29"}

    await _cycle(h, dt.date(2024, 2, 29))
    matrix = await analytics.GetRollRateMatrix(
        monitoring_pb2.GetRollRateMatrixRequest(from_month=jan, basis=count), metadata=md)
    # B and C missed installment 1 (due 10 February): 19 days past due at the month end.
    assert {(c.from_bucket, c.to_bucket): c.loan_count for c in matrix.cells} == {
        ("M0", "M1"): 2, ("M0", "PAID_OFF"): 1}
