"""The business date a posting evaluates delinquency as of: the day after the latest completed
daily cycle, never before the value date, never after today."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.service_layer.repayments import posting_business_date

pytestmark = pytest.mark.unit

TODAY = dt.date(2024, 6, 20)


@pytest.mark.parametrize(
    ("value_date", "completed", "expected"),
    [
        (dt.date(2024, 6, 20), None, TODAY),  # no cycle has run: today
        (dt.date(2024, 6, 18), dt.date(2024, 6, 19), TODAY),  # cycles current: today
        (dt.date(2024, 6, 2), dt.date(2024, 6, 9), dt.date(2024, 6, 10)),  # cycles behind
        (dt.date(2024, 6, 12), dt.date(2024, 6, 9), dt.date(2024, 6, 12)),  # not before value
        (dt.date(2024, 6, 12), dt.date(2024, 6, 25), TODAY),  # never after today
    ],
)
def test_posting_business_date(
    value_date: dt.date, completed: dt.date | None, expected: dt.date
) -> None:
    assert posting_business_date(TODAY, value_date, completed) == expected
