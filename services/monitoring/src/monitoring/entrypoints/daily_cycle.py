"""DailyCycleService (RunDailyCycle streams progress, GetDailyCycleStatus, ListDailyCycleRuns)
and LoanService.ListBucketHistory (a mixin the app adds to the loan servicer)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Final

import grpc
from sqlalchemy import text

from monitoring.adapters.daily_cycle_events import run_to_proto
from monitoring.domain.delinquency import BucketSet, DelinquencyPolicy
from monitoring.entrypoints.loans import (
    _identifier,
    decode_page_token,
    decode_position_token,
    encode_page_token,
    encode_position_token,
)
from monitoring.service_layer import daily_cycle as use_cases
from monitoring.service_layer.daily_cycle import DEFAULT_BATCH_SIZE, DailyCyclePolicy
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime import proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.errors import NotFound
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto
from postloan_runtime.validation import Violations

EARLIEST_DATE: Final = dt.date(2000, 1, 1)
MAX_PARTITIONS: Final = 1024
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 500
_RUNS_DIGEST: Final = "runs"
CAUSE_TO_PROTO: Final = {
    "DAILY_CYCLE": resources_pb2.DELINQUENCY_CHANGE_CAUSE_DAILY_CYCLE,
    "REPAYMENT": resources_pb2.DELINQUENCY_CHANGE_CAUSE_REPAYMENT,
    "REVERSAL": resources_pb2.DELINQUENCY_CHANGE_CAUSE_REVERSAL,
    "SCHEDULE_REPLACED": resources_pb2.DELINQUENCY_CHANGE_CAUSE_SCHEDULE_REPLACED,
}


class DailyCycleServicer(monitoring_pb2_grpc.DailyCycleServiceServicer):
    def __init__(
        self,
        running: RunningService,
        *,
        clock: Clock | None = None,
        policy: DailyCyclePolicy | None = None,
    ) -> None:
        self._running = running
        self._clock = clock or SystemClock()
        self._policy = policy or DailyCyclePolicy()

    async def RunDailyCycle(  # noqa: N802 - gRPC method name
        self, request: monitoring_pb2.RunDailyCycleRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[monitoring_pb2.RunDailyCycleResponse]:
        v = Violations()
        v.request_id(request.request_id)
        # A business date cannot be ahead of the business calendar's today.
        day = proto_validation.date(
            v, request, "business_date", earliest=EARLIEST_DATE, latest=self._clock.today()
        )
        count = request.partition_count or 1
        v.int_range(request.partition_count, "partition_count", minimum=0,
                    maximum=MAX_PARTITIONS)
        if not 0 <= request.partition_index < count:
            v.add("partition_index", "must be in 0..partition_count-1")
        v.raise_if_any()
        assert day is not None  # noqa: S101 - checked above
        # The run itself is the idempotency record: a repeat (same or new request_id) resumes
        # an unfinished run or replays a completed one without changing anything.
        async for progress in use_cases.run_daily_cycle(
            self._running.engine, day, request.partition_index, count,
            clock=self._clock, policy=self._policy,
        ):
            yield monitoring_pb2.RunDailyCycleResponse(
                run=run_to_proto(progress.run),
                phase=int(progress.phase),  # type: ignore[arg-type]
                phase_loans_done=progress.loans_done,
                phase_loans_total=progress.loans_total,
            )

    async def GetDailyCycleStatus(  # noqa: N802
        self,
        request: monitoring_pb2.GetDailyCycleStatusRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.GetDailyCycleStatusResponse:
        v = Violations()
        day = proto_validation.date(v, request, "business_date", earliest=EARLIEST_DATE)
        v.raise_if_any()
        assert day is not None  # noqa: S101
        runs = await use_cases.runs_of_date(self._running.engine, day)
        last = await use_cases.last_completed_date(self._running.engine)
        response = monitoring_pb2.GetDailyCycleStatusResponse(
            runs=[run_to_proto(r) for r in runs],
            completed=bool(runs) and len(runs) == runs[0].partition_count
            and all(r.state.value == "COMPLETED" for r in runs),
        )
        if last is not None:
            response.last_completed_business_date.CopyFrom(date_to_proto(last))
        return response

    async def ListDailyCycleRuns(  # noqa: N802
        self,
        request: monitoring_pb2.ListDailyCycleRunsRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.ListDailyCycleRunsResponse:
        v = Violations()
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE,
                                maximum=MAX_PAGE_SIZE)
        token = decode_page_token(v, request.page_token, _RUNS_DIGEST)
        after = None
        if token is not None:
            try:
                day_text, _, index_text = token.partition("|")
                after = (dt.date.fromisoformat(day_text), int(index_text))
                if not 0 <= after[1] < MAX_PARTITIONS:  # an int column: no overflow in SQL
                    raise ValueError("partition index out of range")
            except ValueError:
                after = None
                v.add("page_token", "is not a token this service issued")
        v.raise_if_any()
        runs, more = await use_cases.list_runs(
            self._running.engine, after=after, page_size=page_size
        )
        next_token = ""
        if more:
            last = runs[-1]
            next_token = encode_page_token(
                f"{last.business_date.isoformat()}|{last.partition_index}", _RUNS_DIGEST
            )
        return monitoring_pb2.ListDailyCycleRunsResponse(
            runs=[run_to_proto(r) for r in runs], next_page_token=next_token
        )


class BucketHistoryMixin:
    """LoanService.ListBucketHistory, mixed into the loan servicer by the app."""

    _running: RunningService

    async def ListBucketHistory(  # noqa: N802
        self,
        request: monitoring_pb2.ListBucketHistoryRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.ListBucketHistoryResponse:
        v = Violations()
        loan_id = _identifier(v, request.loan_id, "loan_id")
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE,
                                maximum=MAX_PAGE_SIZE)
        digest = f"bh:{request.loan_id}"[:40]
        after_id = decode_position_token(v, request.page_token, digest) or 0
        v.raise_if_any()
        async with self._running.engine.connect() as conn:
            currency = await conn.scalar(
                text("SELECT currency FROM loans WHERE loan_id = :l"), {"l": loan_id}
            )
            if currency is None:
                raise NotFound("loan", loan_id or "")
            rows = (await conn.execute(
                text("SELECT id, business_date, from_bucket, to_bucket, days_past_due, "
                     "overdue_fen, cause FROM bucket_history WHERE loan_id = :l AND id > :a "
                     "ORDER BY id LIMIT :n"),
                {"l": loan_id, "a": after_id, "n": page_size + 1},
            )).all()
        more = len(rows) > page_size
        rows = rows[:page_size]
        return monitoring_pb2.ListBucketHistoryResponse(
            entries=[
                resources_pb2.BucketHistoryEntry(
                    business_date=date_to_proto(r.business_date), from_bucket=r.from_bucket,
                    to_bucket=r.to_bucket, days_past_due=r.days_past_due,
                    overdue_amount=fen_to_proto(r.overdue_fen, currency),
                    cause=CAUSE_TO_PROTO[r.cause],
                )
                for r in rows
            ],
            next_page_token=encode_position_token(rows[-1].id, digest) if more else "",
        )


# Deployment settings (see docs/conventions.md).
TOLERANCE_ENV: Final = "POSTLOAN_MONITORING_ARREARS_TOLERANCE_FEN"
BUCKETS_ENV: Final = "POSTLOAN_MONITORING_BUCKETS"
BATCH_SIZE_ENV: Final = "POSTLOAN_MONITORING_DAILY_CYCLE_BATCH_SIZE"
EXAMINE_ALL_ENV: Final = "POSTLOAN_MONITORING_DAILY_CYCLE_EXAMINE_ALL_LOANS"
IN_FLIGHT_ENV: Final = "POSTLOAN_MONITORING_DAILY_CYCLE_BATCHES_IN_FLIGHT"


def daily_cycle_policy_from_env(rate_cap: Decimal | None = None) -> DailyCyclePolicy:
    """The daily cycle's policy from the environment: tolerance (fen), bucket set
    (``M0:0,M1:1,…``), batch size, a full sweep of every loan (``true``), batches in flight
    per partition; the rate cap is the loan policy's."""
    import os

    delinquency = DelinquencyPolicy()
    changes: dict[str, object] = {}
    if tolerance := os.environ.get(TOLERANCE_ENV):
        changes["tolerance_fen"] = int(tolerance)
    if buckets := os.environ.get(BUCKETS_ENV):
        changes["buckets"] = BucketSet.from_bounds(buckets)
    if rate_cap is not None:
        changes["rate_cap"] = rate_cap
    delinquency = dataclasses.replace(delinquency, **changes)  # type: ignore[arg-type]
    batch_size = int(os.environ.get(BATCH_SIZE_ENV) or DEFAULT_BATCH_SIZE)
    examine_all = os.environ.get(EXAMINE_ALL_ENV, "").strip().lower() in ("1", "true", "yes")
    in_flight = int(os.environ.get(IN_FLIGHT_ENV) or DailyCyclePolicy.batches_in_flight)
    return DailyCyclePolicy(
        delinquency=delinquency, batch_size=batch_size, examine_all_loans=examine_all,
        batches_in_flight=in_flight,
    )
