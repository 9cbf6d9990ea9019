"""Delinquency rules: days past due around month ends and leap years, grace days, tolerance,
buckets, five-category classification (with a floor), penalty within the rate cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from monitoring.domain.delinquency import (
    DEFAULT_BUCKETS,
    BucketSet,
    ClassificationThresholds,
    InstallmentArrears,
    classify,
    days_past_due,
    effective_penalty_rate,
    penalty_accrual_days,
    penalty_for_days,
)
from monitoring.domain.loans import Classification
from postloan_runtime.lending import build_schedule

pytestmark = pytest.mark.unit


def unpaid(due: dt.date, fen: int = 10_000) -> InstallmentArrears:
    return InstallmentArrears(due_date=due, unpaid_fen=fen)


def test_month_end_due_dates_clamp_and_count_calendar_days() -> None:
    # Due day 31 clamps to Feb 29 in a leap year; days past due count real calendar days.
    schedule = build_schedule(
        1_200_000, Decimal("0.18"), 3, "EQUAL_INSTALLMENT", dt.date(2023, 12, 15), 31
    )
    dues = [i.due_date for i in schedule]
    assert dues == [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31)]
    items = [unpaid(d) for d in dues]
    assert days_past_due(items, dt.date(2024, 1, 31), grace_days=0) == 0  # due today: not late
    assert days_past_due(items, dt.date(2024, 2, 1), grace_days=0) == 1
    assert days_past_due(items, dt.date(2024, 2, 29), grace_days=0) == 29
    assert days_past_due(items, dt.date(2024, 3, 1), grace_days=0) == 30  # leap day counted
    # Oldest unpaid installment drives it, not the latest.
    assert days_past_due(items, dt.date(2024, 4, 1), grace_days=0) == 61


def test_non_leap_february() -> None:
    items = [unpaid(dt.date(2023, 1, 31))]
    assert days_past_due(items, dt.date(2023, 3, 1), grace_days=0) == 29
    assert days_past_due(items, dt.date(2023, 3, 3), grace_days=0) == 31
    assert DEFAULT_BUCKETS.bucket_for(31) == "M2"


def test_grace_days_delay_ageing_but_days_count_from_due_date() -> None:
    items = [unpaid(dt.date(2024, 2, 29))]
    assert days_past_due(items, dt.date(2024, 3, 3), grace_days=3) == 0  # last grace day
    assert days_past_due(items, dt.date(2024, 3, 4), grace_days=3) == 4


def test_tolerance_keeps_small_arrears_current() -> None:
    items = [
        InstallmentArrears(dt.date(2024, 1, 31), unpaid_fen=100),  # at tolerance: ignored
        unpaid(dt.date(2024, 2, 29), 101),  # above
    ]
    assert days_past_due(items, dt.date(2024, 3, 10), grace_days=0, tolerance_fen=100) == 10
    assert days_past_due(items, dt.date(2024, 3, 10), grace_days=0, tolerance_fen=101) == 0
    assert days_past_due(items, dt.date(2024, 3, 10), grace_days=0, tolerance_fen=0) == 39


def test_settled_installments_do_not_count() -> None:
    items = [
        InstallmentArrears(dt.date(2024, 1, 31), unpaid_fen=0, settled=True),
        unpaid(dt.date(2024, 2, 29)),
    ]
    assert days_past_due(items, dt.date(2024, 3, 2), grace_days=0) == 2


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "M0"), (1, "M1"), (30, "M1"), (31, "M2"), (60, "M2"), (61, "M3"), (90, "M3"),
     (91, "M4"), (120, "M4"), (121, "M5"), (150, "M5"), (151, "M6"), (180, "M6"),
     (181, "M7+"), (5000, "M7+")],
)
def test_default_buckets(days: int, bucket: str) -> None:
    assert DEFAULT_BUCKETS.bucket_for(days) == bucket


def test_configured_bucket_set_parses_and_is_validated() -> None:
    buckets = BucketSet.from_bounds("C:0, X1:1, X2:8, X3+:31")
    assert [buckets.bucket_for(d) for d in (0, 7, 8, 30, 31)] == ["C", "X1", "X2", "X2", "X3+"]
    with pytest.raises(ValueError):
        BucketSet.from_bounds("C:1,X:5")  # does not start at 0


@pytest.mark.parametrize(
    ("days", "category"),
    [(0, Classification.NORMAL), (1, Classification.SPECIAL_MENTION),
     (90, Classification.SPECIAL_MENTION), (91, Classification.SUBSTANDARD),
     (270, Classification.SUBSTANDARD), (271, Classification.DOUBTFUL),
     (360, Classification.DOUBTFUL), (361, Classification.LOSS)],
)
def test_default_classification(days: int, category: Classification) -> None:
    assert classify(days) is category


def test_classification_thresholds_and_floor() -> None:
    strict = ClassificationThresholds(
        special_mention_from=1, substandard_from=31, doubtful_from=61, loss_from=91
    )
    assert classify(45, strict) is Classification.SUBSTANDARD
    assert classify(0, floor=Classification.SUBSTANDARD) is Classification.SUBSTANDARD
    assert classify(400, floor=Classification.SUBSTANDARD) is Classification.LOSS
    with pytest.raises(ValueError):
        ClassificationThresholds(substandard_from=300)


def test_penalty_rate_is_capped_and_rounded_half_up_once() -> None:
    cap = Decimal("0.24")
    assert effective_penalty_rate(Decimal("0.09"), Decimal("0.18"), cap) == Decimal("0.06")
    assert effective_penalty_rate(Decimal("0.05"), Decimal("0.12"), cap) == Decimal("0.05")
    assert effective_penalty_rate(Decimal("0.05"), Decimal("0.30"), cap) == Decimal(0)
    # 100 000 fen x 0.06 / 360 = 16.666… fen a day -> 17; 3 days exactly 50.
    assert penalty_for_days(100_000, Decimal("0.06"), 1) == 17
    assert penalty_for_days(100_000, Decimal("0.06"), 3) == 50
    # Half-up: 3 000 fen x 0.06 / 360 = 0.5 fen -> 1.
    assert penalty_for_days(3_000, Decimal("0.06"), 1) == 1
    assert penalty_for_days(0, Decimal("0.06"), 10) == 0


def test_penalty_accrual_days_include_grace_once_it_is_over() -> None:
    due = dt.date(2024, 2, 29)
    assert penalty_accrual_days(due, None, dt.date(2024, 3, 3), grace_days=3) == 0
    assert penalty_accrual_days(due, None, dt.date(2024, 3, 4), grace_days=3) == 4
    assert penalty_accrual_days(due, dt.date(2024, 3, 4), dt.date(2024, 3, 5), grace_days=3) == 1
    assert penalty_accrual_days(due, dt.date(2024, 3, 5), dt.date(2024, 3, 5), grace_days=3) == 0
