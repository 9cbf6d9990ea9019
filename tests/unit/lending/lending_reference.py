"""An independent implementation of the documented schedule rules for the tests, with exact
rationals (fractions.Fraction) and the standard library calendar — no code shared with the
engine."""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from datetime import date
from fractions import Fraction


def clamp(year: int, month: int, day: int) -> date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def reference_schedule(
    principal: int,
    annual: Fraction,
    term: int,
    method: str,
    disbursed: date,
    due_day: int,
    min_first_period_days: int = 0,
    days_per_year: int = 360,
    rnd: Callable[[Fraction], int] | None = None,
) -> list[tuple[date, int, int]]:
    """[(due date, principal part, interest)] by the documented rules; ``rnd`` rounds a
    non-negative rational to the fen (half up by default)."""
    half_up = rnd or globals()["half_up"]
    offset = 1
    while (clamp(disbursed.year, disbursed.month + offset, due_day) - disbursed).days < (
        min_first_period_days
    ):
        offset += 1
    dues = [clamp(disbursed.year, disbursed.month + offset + k, due_day) for k in range(term)]
    first = dues[0]
    month_end = calendar.monthrange(disbursed.year, disbursed.month)[1]
    one_month_later = offset == 1 and (
        first.day == min(disbursed.day, calendar.monthrange(first.year, first.month)[1])
        or (disbursed.day == month_end and first.day >= disbursed.day)
    )
    r = annual / 12
    if one_month_later:
        first_interest = half_up(principal * r)
    else:
        first_interest = half_up(principal * annual * (first - disbursed).days / days_per_year)

    rows: list[tuple[int, int]] = []
    if method == "INTEREST_FIRST":
        rows = [(0, half_up(principal * r)) for _ in range(term - 1)] + [(principal, 0)]
        rows[-1] = (principal, half_up(principal * r))
    elif method == "EQUAL_PRINCIPAL" or annual == 0:
        level = half_up(Fraction(principal, term))
        if term > 1 and level * (term - 1) > principal:
            level = principal // (term - 1)
        balance = principal
        for k in range(term):
            part = level if k < term - 1 else balance
            rows.append((part, half_up(balance * r)))
            balance -= part
    else:
        amount = half_up(principal * r * (1 + r) ** term / ((1 + r) ** term - 1))
        while True:
            rows = []
            balance = principal
            for k in range(term):
                interest = half_up(balance * r)
                part = amount - interest if k < term - 1 else balance
                rows.append((part, interest))
                balance -= part
            if rows[-1][0] >= 0:
                break
            amount -= 1
    rows[0] = (rows[0][0], first_interest)
    return [(due, part, interest) for due, (part, interest) in zip(dues, rows, strict=True)]
