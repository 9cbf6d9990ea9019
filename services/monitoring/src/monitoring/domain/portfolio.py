"""Portfolio analytics' plain rules: exact rates, month arithmetic. No grpc, no sqlalchemy."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

# Rates are exact Decimal quotients rounded half-even to this many places (a quotient of two
# integers is rarely a finite decimal; ten places keep every figure a person reads exact).
RATE_PLACES: Final = 10
_QUANTUM: Final = Decimal(1).scaleb(-RATE_PLACES)
PAID_OFF: Final = "PAID_OFF"
DEFAULT_DPD_THRESHOLD: Final = 30


def rate(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded half-even to ``RATE_PLACES``; 0 when the denominator is 0."""
    if denominator == 0:
        return Decimal(0).quantize(_QUANTUM)
    return (Decimal(numerator) / Decimal(denominator)).quantize(_QUANTUM, ROUND_HALF_EVEN)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month_end(day: dt.date) -> dt.date:
    return month_end(month_end(day) + dt.timedelta(days=1))


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s (months on book)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month
