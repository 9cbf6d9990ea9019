"""The daily cycle reports a move into the current bucket as LoanCured, as a posting does,
whatever the deployment's bucket set: also when the current bucket spans a few days and the
loan lands in it still some days late. Every LoanCured names where the loan landed."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.adapters.daily_cycle_events import change_events
from postloan.monitoring.v1 import events_pb2

pytestmark = pytest.mark.unit

DAY = dt.date(2024, 3, 17)


def changed_row(bucket: str, dpd: int, old_bucket: str = "X1", old_dpd: int = 31) -> dict:
    """A kind ``C`` row of the batch statement: the bucket moved, nothing else."""
    return {
        "loan_id": "L-1", "borrower_id": "B-1", "currency": "CNY", "plan_id": None,
        "bucket": bucket, "old_bucket": old_bucket, "dpd": dpd, "old_dpd": old_dpd,
        "cls": "NORMAL", "old_cls": "NORMAL", "classification_floor": None, "breach": False,
        "overdue_principal": 0, "overdue_interest": 0, "overdue_penalty": 500,
        "outstanding_principal": 1_000_000,
    }


@pytest.mark.parametrize(("bucket", "dpd"), [("C", 2), ("C", 0)])
def test_a_move_into_the_current_bucket_is_a_cure_naming_where_it_landed(
    bucket: str, dpd: int
) -> None:
    [record] = change_events(changed_row(bucket, dpd), DAY, "C")
    assert isinstance(record.payload, events_pb2.LoanCured)
    assert (record.payload.from_bucket, record.payload.previous_days_past_due) == ("X1", 31)
    assert (record.payload.to_bucket, record.payload.days_past_due) == (bucket, dpd)


def test_a_move_between_delinquent_buckets_is_a_delinquency_change() -> None:
    [record] = change_events(changed_row("X2", 40, old_bucket="X1"), DAY, "C")
    assert isinstance(record.payload, events_pb2.DelinquencyChanged)
    assert (record.payload.to_bucket, record.payload.days_past_due) == ("X2", 40)
