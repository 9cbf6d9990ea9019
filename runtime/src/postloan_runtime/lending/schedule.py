"""The exact repayment-schedule engine shared by monitoring and restructuring.

Pure Python (no grpc, protobuf or sqlalchemy). Amounts are integer fen, rates ``Decimal``.

Rules (also in docs/performance.md, "Schedule engine"):

* **Due dates.** ``due_day`` is 1..31 (default: the disbursement day); in a shorter month it is
  clamped to the month's last day (due day 31: Jan 31, Feb 28/29, Mar 31, Apr 30 …). The first
  due date is the due day in the calendar month after disbursement, one month later while it is
  fewer than ``min_first_period_days`` days after disbursement. Later due dates fall on the due
  day of each following month.
* **Interest.** A regular period accrues ``balance × annual / 12``. The first period is regular
  when the first due date is one whole month after disbursement (:func:`is_anniversary`: same
  day of month, clamped; Jan 15 → Feb 15, Jan 31 → Feb 28 in 2023, not in 2024); otherwise it
  is a broken period accruing ``balance × annual × days / 360`` (``DayCount.ACT_360``, default)
  or ``/ 365``, for all its days.
* **Rounding.** Every interest amount and the level amount (the equal installment ``A`` or the
  equal principal part ``P / n``) is rounded to the fen by ``rounding``, a ``decimal`` rounding
  constant (``ROUND_HALF_UP`` by default). The last installment takes the remaining balance as
  its principal, so principal parts sum to the principal exactly. When the rounded level amount
  would repay the whole principal before the last period (tiny ``P / n``: 1,000 fen over 60
  periods rounds 16.67 up to 17), it is lowered fen by fen until the last principal part is not
  negative.
* **Exactness.** ``A = P·r·(1+r)^n / ((1+r)^n − 1)`` is computed with ``Decimal`` in a context
  of 34 significant digits (``DECIMAL_CONTEXT``). Period interest is computed exactly: the
  ``Decimal`` rate is an exact integer ratio, so ``balance × annual / 12`` is an exact rational
  rounded once by the same rule ``decimal`` applies — the ``Decimal`` result at unlimited
  precision, with integer arithmetic that costs a fifth of Decimal's multiply-divide-quantize.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    InvalidOperation,
)
from enum import StrEnum
from functools import lru_cache, partial
from itertools import accumulate, islice
from operator import add, sub
from typing import NamedTuple

from postloan_runtime.lending.day_count import (
    DayCount,
    due_date_in_month,
    is_anniversary,
)

__all__ = [
    "DECIMAL_CONTEXT",
    "Installment",
    "RepaymentMethod",
    "ScheduleError",
    "build_schedule",
    "first_due_date",
    "rebuild_schedule",
    "remaining_schedule",
    "validate_schedule",
]

# Local context for every Decimal computation of the engine: 34 significant digits (IEEE
# decimal128), exceptional conditions trapped rather than silently producing NaN/Infinity.
DECIMAL_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation])
_ZERO = Decimal(0)
_ONE = Decimal(1)
_TWELVE = Decimal(12)
_MAX_TERM = 600
# DayCount.days_per_year as a plain dict: an enum property costs ~0.5 µs a call.
_DAYS_PER_YEAR = {basis: basis.days_per_year for basis in DayCount}


class ScheduleError(ValueError):
    """Inputs the engine cannot build a schedule from (non-positive principal, negative rate,
    term outside 1..600, due day outside 1..31, unknown method or rounding rule)."""


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "EQUAL_INSTALLMENT"
    """等额本息: a level total A each period (annuity); the last one absorbs the rounding."""
    EQUAL_PRINCIPAL = "EQUAL_PRINCIPAL"
    """等额本金: a level principal part P / n each period plus interest on the balance."""
    INTEREST_FIRST = "INTEREST_FIRST"
    """先息后本: interest each period, the whole principal with the last installment."""


class Installment(NamedTuple):
    """One installment; every amount in integer fen. ``total_fen = principal_fen + interest_fen``
    and ``closing_balance_fen = opening_balance_fen - principal_fen`` (outstanding principal)."""

    sequence: int
    due_date: date
    principal_fen: int
    interest_fen: int
    total_fen: int
    opening_balance_fen: int
    closing_balance_fen: int


# Build an Installment from a 7-tuple at C speed (NamedTuple's own __new__ is Python code).
_new_tuple = tuple.__new__
_make_installment = partial(_new_tuple, Installment)


# --- exact rounding of a non-negative rational num/den to an integer, per decimal's rules ------


def _half_up(num: int, den: int) -> int:
    return (2 * num + den) // (2 * den)


def _half_down(num: int, den: int) -> int:
    q, r = divmod(num, den)
    return q + (2 * r > den)


def _half_even(num: int, den: int) -> int:
    q, r = divmod(num, den)
    return q + (2 * r > den or (2 * r == den and q & 1))


def _down(num: int, den: int) -> int:
    return num // den


def _up(num: int, den: int) -> int:
    return -(-num // den)


def _zero_five_up(num: int, den: int) -> int:
    q, r = divmod(num, den)
    return q + (r != 0 and q % 5 == 0)


# For non-negative values FLOOR equals DOWN and CEILING equals UP.
_RATIO_ROUNDERS: dict[str, Callable[[int, int], int]] = {
    ROUND_HALF_UP: _half_up,
    ROUND_HALF_DOWN: _half_down,
    ROUND_HALF_EVEN: _half_even,
    ROUND_DOWN: _down,
    ROUND_FLOOR: _down,
    ROUND_UP: _up,
    ROUND_CEILING: _up,
    ROUND_05UP: _zero_five_up,
}


# Rules that are floor((2·x + bias) / 2) with bias = a·den + b for x = num / den >= 0 (num, den
# integers): HALF_UP rounds up from r/den >= 1/2, HALF_DOWN from r/den > 1/2, UP from r > 0.
_LINEAR_BIAS: dict[str, tuple[int, int]] = {
    ROUND_HALF_UP: (1, 0),
    ROUND_HALF_DOWN: (1, -1),
    ROUND_DOWN: (0, 0),
    ROUND_FLOOR: (0, 0),
    ROUND_UP: (2, -1),
    ROUND_CEILING: (2, -1),
}


def _check_inputs(
    principal_fen: int, annual_rate: Decimal, term: int, due_day: int, rounding: str
) -> None:
    # type() is, not isinstance: bool is an int subclass and must be refused.
    if type(principal_fen) is not int or principal_fen <= 0:
        raise ScheduleError(f"principal_fen must be a positive int, got {principal_fen!r}")
    if type(annual_rate) is not Decimal or not annual_rate.is_finite() or annual_rate < _ZERO:
        raise ScheduleError(f"annual_rate must be a finite Decimal >= 0, got {annual_rate!r}")
    if type(term) is not int or not 1 <= term <= _MAX_TERM:
        raise ScheduleError(f"term must be an int in 1..{_MAX_TERM}, got {term!r}")
    if type(due_day) is not int or not 1 <= due_day <= 31:
        raise ScheduleError(f"due_day must be an int in 1..31, got {due_day!r}")
    if rounding not in _RATIO_ROUNDERS:
        raise ScheduleError(f"unknown rounding rule {rounding!r}")


def first_due_date(disbursement_date: date, due_day: int, min_first_period_days: int = 0) -> date:
    """The first due date: ``due_day`` (clamped to the month end) in the calendar month after
    disbursement, one month later if that is fewer than ``min_first_period_days`` days after
    disbursement."""
    if not 1 <= due_day <= 31:
        raise ScheduleError(f"due_day must be in 1..31, got {due_day!r}")
    if due_day <= 28 and min_first_period_days <= 1:  # the common case, without clamping
        if disbursement_date.month == 12:
            return date(disbursement_date.year + 1, 1, due_day)
        return date(disbursement_date.year, disbursement_date.month + 1, due_day)
    months = 1
    due = due_date_in_month(disbursement_date.year, disbursement_date.month + months, due_day)
    while (due - disbursement_date).days < min_first_period_days:
        months += 1
        due = due_date_in_month(disbursement_date.year, disbursement_date.month + months, due_day)
    return due


@lru_cache(maxsize=16384)
def _due_dates(year: int, month: int, due_day: int, term: int) -> tuple[date, ...]:
    """Due dates of ``term`` months from (year, month). Cached: a book's loans share few
    grids (disbursement month × due day × term), and building 36 dates is a third of the cost
    of a schedule."""
    if due_day <= 28:
        dates = []
        for _ in range(term):
            dates.append(date(year, month, due_day))
            month += 1
            if month == 13:
                year += 1
                month = 1
        return tuple(dates)
    return tuple(due_date_in_month(year, month + k, due_day) for k in range(term))


@lru_cache(maxsize=8192)
def _annuity_factor(annual_rate: Decimal, term: int) -> Decimal:
    """r·(1+r)^n / ((1+r)^n − 1) for r = annual / 12, with Decimal in DECIMAL_CONTEXT (34
    digits). Cached: a book has few distinct (rate, term) pairs, so (1+r)^n is computed once."""
    ctx = DECIMAL_CONTEXT
    r = ctx.divide(annual_rate, _TWELVE)
    growth = ctx.power(ctx.add(_ONE, r), term)
    return ctx.divide(ctx.multiply(r, growth), ctx.subtract(growth, _ONE))


def _annuity_amount(principal_fen: int, annual_rate: Decimal, term: int, rounding: str) -> int:
    """A = P·r·(1+r)^n / ((1+r)^n − 1) fen, rounded to the fen by ``rounding``."""
    amount = DECIMAL_CONTEXT.multiply(principal_fen, _annuity_factor(annual_rate, term))
    return int(amount.quantize(_ONE, rounding=rounding, context=DECIMAL_CONTEXT))


@lru_cache(maxsize=8192)
def _rate_ratio(annual_rate: Decimal) -> tuple[int, int]:
    """The Decimal rate as an exact integer ratio (num, den)."""
    return annual_rate.as_integer_ratio()


def _level_principal(principal_fen: int, term: int, rounding: str) -> int:
    """P / n rounded to the fen, lowered if needed so the last part (P − (n−1)·q) is not
    negative (only for tiny P / n, e.g. 1000 fen over 60 periods rounds up to 17)."""
    level = _RATIO_ROUNDERS[rounding](principal_fen, term)
    if term > 1 and level * (term - 1) > principal_fen:
        level = principal_fen // (term - 1)
    return level


def build_schedule(
    principal_fen: int,
    annual_rate: Decimal,
    term: int,
    method: RepaymentMethod,
    disbursement_date: date,
    due_day: int | None = None,
    *,
    min_first_period_days: int = 0,
    day_count: DayCount = DayCount.ACT_360,
    rounding: str = ROUND_HALF_UP,
) -> list[Installment]:
    """The exact schedule of a loan of ``principal_fen`` (fen) at the nominal ``annual_rate``
    (e.g. ``Decimal("0.18")``) over ``term`` monthly periods.

    ``due_day`` (1..31, default the disbursement day) is clamped to month ends; the first due
    date follows :func:`first_due_date`. A broken first period accrues daily interest on
    ``day_count``. EQUAL_INSTALLMENT keeps the principal parts of the regular annuity and
    charges the broken period's interest instead of one month's, so only the first (when
    broken) and the last totals differ from A. Raises :class:`ScheduleError` on bad input.
    """
    if due_day is None:
        due_day = disbursement_date.day
    _check_inputs(principal_fen, annual_rate, term, due_day, rounding)
    if method.__class__ is not RepaymentMethod:
        try:
            method = RepaymentMethod(method)
        except ValueError:
            raise ScheduleError(f"unknown repayment method {method!r}") from None
    rnd = _RATIO_ROUNDERS[rounding]
    first = first_due_date(disbursement_date, due_day, min_first_period_days)
    dues = _due_dates(first.year, first.month, due_day, term)

    # The rate as an exact ratio: one month's interest on b fen is b·num / den12 fen, exactly.
    num, den = _rate_ratio(annual_rate)
    den12 = den * 12
    linear = _LINEAR_BIAS.get(rounding)
    if linear is not None:
        # round(b·num / den12) = floor((2·b·num + bias) / (2·den12)) for these rules.
        num2, den24 = 2 * num, 2 * den12
        bias = linear[0] * den12 + linear[1]

        def month_interest(balance: int) -> int:
            return (balance * num2 + bias) // den24

    else:

        def month_interest(balance: int) -> int:
            return rnd(balance * num, den12)

    calendar_months = 12 * (first.year - disbursement_date.year) + (
        first.month - disbursement_date.month
    )
    if calendar_months == 1 and is_anniversary(disbursement_date, first):
        first_interest = month_interest(principal_fen)
    else:
        # Broken first period: daily interest on the day-count basis.
        days = (first - disbursement_date).days
        first_interest = rnd(principal_fen * num * days, den * _DAYS_PER_YEAR[day_count])

    if method is RepaymentMethod.INTEREST_FIRST:
        principals = [0] * (term - 1) + [principal_fen]
        interests = [first_interest] + [month_interest(principal_fen)] * (term - 1)
    elif method is RepaymentMethod.EQUAL_PRINCIPAL or num == 0:
        # Zero-rate equal installments are equal principal parts: A = P / n, remainder last.
        level = _level_principal(principal_fen, term, rounding)
        principals = [level] * (term - 1) + [principal_fen - level * (term - 1)]
        interests = [first_interest]
        add_interest = interests.append
        balance = principal_fen - level
        if linear is not None:
            for _ in range(term - 1):
                add_interest((balance * num2 + bias) // den24)
                balance -= level
        else:
            for _ in range(term - 1):
                add_interest(month_interest(balance))
                balance -= level
    elif term == 1:
        principals = [principal_fen]
        interests = [first_interest]
    else:
        # Rows are built inside the loop: one pass, no intermediate columns (the hot path).
        amount = _annuity_amount(principal_fen, annual_rate, term, rounding)
        regular_interest = month_interest(principal_fen)
        last_due = dues[-1]
        while True:
            # Period 1 repays the regular annuity's principal part whatever its interest.
            part = amount - regular_interest
            balance = principal_fen - part
            rows = [
                _new_tuple(
                    Installment,
                    (
                        1,
                        dues[0],
                        part,
                        first_interest,
                        part + first_interest,
                        principal_fen,
                        balance,
                    ),
                )
            ]
            add_row = rows.append
            middle = zip(range(2, term), islice(dues, 1, term - 1), strict=True)
            if linear is not None:  # the same loop with month_interest inlined, for speed
                for sequence, due in middle:
                    interest = (balance * num2 + bias) // den24
                    part = amount - interest
                    closing = balance - part
                    add_row(
                        _new_tuple(
                            Installment, (sequence, due, part, interest, amount, balance, closing)
                        )
                    )
                    balance = closing
            else:
                for sequence, due in middle:
                    interest = month_interest(balance)
                    part = amount - interest
                    closing = balance - part
                    add_row(
                        _new_tuple(
                            Installment, (sequence, due, part, interest, amount, balance, closing)
                        )
                    )
                    balance = closing
            if balance >= 0:
                interest = month_interest(balance)
                add_row(
                    _new_tuple(
                        Installment,
                        (term, last_due, balance, interest, balance + interest, balance, 0),
                    )
                )
                return rows
            # Rounding A up over-repaid the principal before the last period (tiny P / n):
            # lower A by a fen until the last installment's principal is not negative.
            amount -= 1

    balances = list(accumulate(principals, sub, initial=principal_fen))
    return list(
        map(
            _make_installment,
            zip(
                range(1, term + 1),
                dues,
                principals,
                interests,
                map(add, principals, interests),
                balances,
                islice(balances, 1, None),
                strict=False,
            ),
        )
    )


def rebuild_schedule(
    outstanding_principal_fen: int,
    annual_rate: Decimal,
    term: int,
    start_date: date,
    method: RepaymentMethod,
    due_day: int | None = None,
    *,
    first_sequence: int = 1,
    min_first_period_days: int = 0,
    day_count: DayCount = DayCount.ACT_360,
    rounding: str = ROUND_HALF_UP,
) -> list[Installment]:
    """A new schedule for a restructuring (term extension, re-installment of the overdue
    amount, rate reduction): ``outstanding_principal_fen`` is re-amortised at ``annual_rate``
    over ``term`` periods from ``start_date`` (the plan's effective date, playing the part of
    the disbursement date), numbered from ``first_sequence`` so it can follow the paid part of
    the old schedule. Same rules as :func:`build_schedule`."""
    schedule = build_schedule(
        outstanding_principal_fen,
        annual_rate,
        term,
        method,
        start_date,
        due_day,
        min_first_period_days=min_first_period_days,
        day_count=day_count,
        rounding=rounding,
    )
    if first_sequence != 1:
        offset = first_sequence - 1
        schedule = [i._replace(sequence=i.sequence + offset) for i in schedule]
    return schedule


def remaining_schedule(installments: Sequence[Installment], as_of: date) -> list[Installment]:
    """The installments falling due strictly after ``as_of``; the first one's
    ``opening_balance_fen`` is the principal still scheduled at ``as_of``."""
    return [i for i in installments if i.due_date > as_of]


def validate_schedule(
    principal_fen: int,
    installments: Sequence[Installment],
    disbursement_date: date | None = None,
) -> list[str]:
    """Problems of a supplied schedule, one readable sentence each (empty list: valid).

    Checks: principal positive; at least one installment; sequence numbers 1..n in order; no
    negative amount or balance; total = principal + interest; balances chain from the principal
    down to zero; principal parts sum to the principal exactly; due dates strictly increasing;
    the first due date after ``disbursement_date`` (when given)."""
    problems: list[str] = []
    if principal_fen <= 0:
        problems.append(f"principal must be positive, got {principal_fen} fen")
    if not installments:
        problems.append("schedule has no installments")
        return problems
    expected_opening = principal_fen
    previous_due: date | None = None
    for position, item in enumerate(installments, start=1):
        label = f"installment {item.sequence}"
        if item.sequence != position:
            problems.append(f"{label} is at position {position}: sequence numbers must be 1..n")
        for field in (
            "principal_fen",
            "interest_fen",
            "total_fen",
            "opening_balance_fen",
            "closing_balance_fen",
        ):
            value = getattr(item, field)
            if value < 0:
                problems.append(f"{label}: {field} is negative ({value})")
        if item.total_fen != item.principal_fen + item.interest_fen:
            problems.append(
                f"{label}: total {item.total_fen} != principal {item.principal_fen}"
                f" + interest {item.interest_fen}"
            )
        if item.opening_balance_fen != expected_opening:
            problems.append(
                f"{label}: opening balance {item.opening_balance_fen} != {expected_opening}"
                " (principal minus earlier principal parts)"
            )
        if item.closing_balance_fen != item.opening_balance_fen - item.principal_fen:
            problems.append(
                f"{label}: closing balance {item.closing_balance_fen} != opening balance"
                f" {item.opening_balance_fen} - principal {item.principal_fen}"
            )
        if previous_due is not None and item.due_date <= previous_due:
            problems.append(
                f"{label}: due date {item.due_date} is not after the previous one {previous_due}"
            )
        previous_due = item.due_date
        expected_opening = item.opening_balance_fen - item.principal_fen
    principal_sum = sum(i.principal_fen for i in installments)
    if principal_sum != principal_fen:
        problems.append(
            f"principal parts sum to {principal_sum} fen, not the principal {principal_fen} fen"
        )
    if installments[-1].closing_balance_fen != 0:
        problems.append(
            f"last installment leaves a balance of {installments[-1].closing_balance_fen} fen"
        )
    if disbursement_date is not None and installments[0].due_date <= disbursement_date:
        problems.append(
            f"first due date {installments[0].due_date} is not after the disbursement date"
            f" {disbursement_date}"
        )
    return problems
