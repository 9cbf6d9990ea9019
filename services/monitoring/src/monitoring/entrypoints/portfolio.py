"""The PortfolioAnalyticsService servicer: validates each request, then reads the figures
(service_layer.portfolio)."""

from __future__ import annotations

import datetime as dt
from typing import Final

import grpc

from monitoring.domain.delinquency import BucketSet, DelinquencyPolicy
from monitoring.domain.portfolio import DEFAULT_DPD_THRESHOLD, month_start
from monitoring.entrypoints.loans import _identifier
from monitoring.service_layer import portfolio as use_cases
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan_runtime import proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.validation import Violations

EARLIEST_DATE: Final = dt.date(2000, 1, 1)
MAX_DPD_THRESHOLD: Final = 3650
MAX_MONTHS_ON_BOOK: Final = 600
BASES: Final = (monitoring_pb2.RATE_BASIS_COUNT, monitoring_pb2.RATE_BASIS_BALANCE)


def _by_balance(v: Violations, basis: int) -> bool:
    if basis and basis not in BASES:
        v.add("basis", "is not a known value")
    return basis != monitoring_pb2.RATE_BASIS_COUNT


class PortfolioAnalyticsServicer(monitoring_pb2_grpc.PortfolioAnalyticsServiceServicer):
    """GetDelinquencyByBucket, GetRollRateMatrix, GetVintageCurves, GetNplRatio."""

    def __init__(
        self,
        running: RunningService,
        *,
        clock: Clock | None = None,
        buckets: BucketSet | None = None,
    ) -> None:
        self._running = running
        self._clock = clock or SystemClock()
        self._buckets = buckets or DelinquencyPolicy().buckets

    def _date(self, v: Violations, request: object, field: str, *, required: bool
              ) -> dt.date | None:
        return proto_validation.date(
            v, request, field, required=required, earliest=EARLIEST_DATE,  # type: ignore[arg-type]
            latest=self._clock.today(),
        )

    async def GetDelinquencyByBucket(  # noqa: N802 - gRPC method name
        self,
        request: monitoring_pb2.GetDelinquencyByBucketRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.GetDelinquencyByBucketResponse:
        v = Violations()
        as_of = self._date(v, request, "as_of", required=False)
        product = _identifier(v, request.product_code, "product_code", required=False)
        v.raise_if_any()
        return await use_cases.delinquency_by_bucket(
            self._running.engine, self._buckets, as_of=as_of, product=product
        )

    async def GetNplRatio(  # noqa: N802
        self, request: monitoring_pb2.GetNplRatioRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetNplRatioResponse:
        v = Violations()
        as_of = self._date(v, request, "as_of", required=False)
        product = _identifier(v, request.product_code, "product_code", required=False)
        v.raise_if_any()
        return await use_cases.npl_ratio(self._running.engine, as_of=as_of, product=product)

    async def GetRollRateMatrix(  # noqa: N802
        self, request: monitoring_pb2.GetRollRateMatrixRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetRollRateMatrixResponse:
        v = Violations()
        from_month = self._date(v, request, "from_month", required=True)
        to_month = self._date(v, request, "to_month", required=False)
        if from_month and to_month and month_start(to_month) <= month_start(from_month):
            v.add("to_month", "must be a month after from_month")
        by_balance = _by_balance(v, request.basis)
        product = _identifier(v, request.product_code, "product_code", required=False)
        v.raise_if_any()
        assert from_month is not None  # noqa: S101 - validated
        return await use_cases.roll_rate_matrix(
            self._running.engine, self._buckets, from_month=from_month, to_month=to_month,
            by_balance=by_balance, product=product,
        )

    async def GetVintageCurves(  # noqa: N802
        self, request: monitoring_pb2.GetVintageCurvesRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetVintageCurvesResponse:
        v = Violations()
        from_vintage = self._date(v, request, "from_vintage", required=True)
        to_vintage = self._date(v, request, "to_vintage", required=True)
        if from_vintage and to_vintage and month_start(to_vintage) < month_start(from_vintage):
            v.add("to_vintage", "must not be before from_vintage")
        v.int_range(request.days_past_due_threshold, "days_past_due_threshold", minimum=0,
                    maximum=MAX_DPD_THRESHOLD)
        v.int_range(request.max_months_on_book, "max_months_on_book", minimum=0,
                    maximum=MAX_MONTHS_ON_BOOK)
        by_balance = _by_balance(v, request.basis)
        v.raise_if_any()
        assert from_vintage is not None and to_vintage is not None  # noqa: S101 - validated
        return await use_cases.vintage_curves(
            self._running.engine, from_vintage=from_vintage, to_vintage=to_vintage,
            threshold=request.days_past_due_threshold or DEFAULT_DPD_THRESHOLD,
            max_months_on_book=request.max_months_on_book, by_balance=by_balance,
        )
