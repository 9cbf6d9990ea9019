"""Rules of the daily cycle's runs: which business date may run, partitions, phases. Plain
Python (no grpc, no sqlalchemy)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Final

from postloan_runtime.errors import FailedPrecondition

# Event and alert ids of the daily cycle are derived from what they describe (type, loan,
# business date …): a run resumed after a crash writes exactly the ids a clean run would.
EVENT_NAMESPACE: Final = uuid.UUID("0f7b0c5e-5c1e-4e59-9d2b-6a1c1f0d2a11")


def derived_id(*parts: object) -> uuid.UUID:
    """A stable UUID (v5) for ``parts``."""
    return uuid.uuid5(EVENT_NAMESPACE, "|".join(str(p) for p in parts))


class Reasons:
    """FAILED_PRECONDITION reasons of DailyCycleService, as documented in monitoring.proto."""

    DAILY_CYCLE_ALREADY_RUNNING = "DAILY_CYCLE_ALREADY_RUNNING"
    BUSINESS_DATE_OUT_OF_ORDER = "BUSINESS_DATE_OUT_OF_ORDER"
    PARTITION_COUNT_CHANGED = "PARTITION_COUNT_CHANGED"


class RunState(StrEnum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class Phase(IntEnum):
    """DailyCyclePhase numbers (the proto's enum values)."""

    UNSPECIFIED = 0
    DELINQUENCY = 1
    PENALTY = 2
    CLASSIFICATION = 3
    BUCKET_HISTORY = 4
    DUE_SOON = 5
    EARLY_WARNING = 6
    EVENTS = 7


@dataclass(frozen=True)
class RunRecord:
    """A run of one business date and partition, as stored."""

    business_date: dt.date
    partition_index: int
    partition_count: int
    state: RunState
    last_completed_phase: Phase
    cursor_loan_id: str | None
    loans_total: int
    loans_done: int
    loans_changed: int
    events_emitted: int
    started_at: dt.datetime
    completed_at: dt.datetime | None
    failure_reason: str | None


def check_can_run(
    business_date: dt.date,
    partition_count: int,
    existing_same_date: Sequence[RunRecord],
    latest_other_date: dt.date | None,
    unfinished_earlier_date: dt.date | None,
) -> None:
    """Refuse a run that would break the order of business dates or change how the date was
    partitioned. ``latest_other_date``: the latest business date with any run other than this
    one; ``unfinished_earlier_date``: an earlier date with a run not completed (None if none)."""
    for run in existing_same_date:
        if run.partition_count != partition_count:
            raise FailedPrecondition(
                Reasons.PARTITION_COUNT_CHANGED,
                "the business date was started with another partition count",
                metadata={"partition_count": str(run.partition_count)},
            )
    if latest_other_date is not None and latest_other_date > business_date:
        raise FailedPrecondition(
            Reasons.BUSINESS_DATE_OUT_OF_ORDER,
            "a later business date has already been run",
            metadata={"later_business_date": latest_other_date.isoformat()},
        )
    if unfinished_earlier_date is not None:
        raise FailedPrecondition(
            Reasons.BUSINESS_DATE_OUT_OF_ORDER,
            "an earlier business date has not completed",
            metadata={"unfinished_business_date": unfinished_earlier_date.isoformat()},
        )
