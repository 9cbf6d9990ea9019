"""Calendar rules of the schedule engine: due dates clamped to month ends, the month measure used
for broken periods, APR and present value, and the day-count basis of daily interest.

Pure Python: no grpc, protobuf or sqlalchemy.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "DayCount",
    "add_months",
    "due_date_in_month",
    "is_anniversary",
    "is_month_end",
    "month_length",
    "months_between",
    "whole_months_or_days",
]

_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class DayCount(StrEnum):
    """Basis of daily interest in a broken (not exactly one month) period.

    ACT_360 is the default: the People's Bank of China convention 日利率 = 年利率 / 360, so that
    30 days accrue exactly one month's interest (annual / 12).
    """

    ACT_360 = "ACT_360"
    ACT_365 = "ACT_365"

    @property
    def days_per_year(self) -> int:
        return 360 if self is DayCount.ACT_360 else 365


def month_length(year: int, month: int) -> int:
    """Days in the month (28..31), leap years included."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_LENGTHS[month - 1]


def is_month_end(day: date) -> bool:
    return day.day == month_length(day.year, day.month)


def due_date_in_month(year: int, month: int, due_day: int) -> date:
    """The due date of a month: ``due_day`` (1..31), clamped to the month's last day
    (due day 31 falls on Feb 28/29, Apr 30, …). ``month`` may run past 12 (it is normalised)."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    if due_day > 28:
        due_day = min(due_day, month_length(year, month))
    return date(year, month, due_day)


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole calendar months, its day clamped to the target month's end
    (Jan 31 + 1 month = Feb 28 or 29)."""
    return due_date_in_month(start.year, start.month + months, start.day)


def is_anniversary(start: date, end: date) -> bool:
    """Whether ``end`` falls on the same day of month as ``start`` (a whole number of months
    later or earlier): the same day clamped to ``end``'s month end, or ``start`` is a month end
    (a clamped due date that may stand for due day 29, 30 or 31) and ``end``'s day is not
    earlier. Jan 31 → Feb 28 (non-leap) and Feb 28 → Mar 31 both qualify."""
    if end.day == start.day:
        return True
    return end.day == min(start.day, month_length(end.year, end.month)) or (
        is_month_end(start) and end.day >= start.day
    )


def months_between(start: date, end: date, day_count: DayCount = DayCount.ACT_360) -> Decimal:
    """Length of the period ``start`` → ``end`` (end >= start) in months.

    Whole calendar months when ``end`` is an anniversary of ``start`` (:func:`is_anniversary`:
    Jan 15 → Mar 15 is two months, Jan 31 → Feb 28 and Feb 28 → Mar 31 one each); otherwise
    the actual days / (days_per_year / 12) — days / 30 under ACT_360 — exactly the share of a
    month's interest a broken period accrues (Jan 20 → Feb 29 2024: 40 days, 4/3 of a month).
    """
    months, days = whole_months_or_days(start, end)
    if days == 0:
        return Decimal(months)
    return Decimal(days * 12) / day_count.days_per_year


def whole_months_or_days(start: date, end: date) -> tuple[int, int]:
    """The period ``start`` → ``end`` as (whole months, 0) when ``end`` is an anniversary of
    ``start``, else (0, actual days) — the exact form of :func:`months_between`."""
    if end < start:
        raise ValueError(f"period end {end} is before its start {start}")
    months = 12 * (end.year - start.year) + end.month - start.month
    if months >= 1 and is_anniversary(start, end):
        return months, 0
    return 0, (end - start).days
