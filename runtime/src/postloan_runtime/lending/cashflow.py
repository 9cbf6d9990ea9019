"""Annualized cost rate (APR, the IRR method) and present value of dated cash flows.

Pure Python (no grpc, protobuf or sqlalchemy); Decimal in a 34-digit local context.

**Time measure.** A cash flow's time is counted in months from the start date along the sorted
distinct cash-flow dates, each step measured by :func:`months_between` (whole calendar months,
month ends clamped; a part month counts days / 30 under ACT_360). For a schedule every
installment is then exactly one month after the previous one, and a broken first period counts
exactly as much of a month as it accrued interest for.

**APR rule.** The lender's rule follows the People's Bank of China's IRR method (announcement
[2021] No. 3, used for the 24% cap check): the monthly internal rate of return ``i`` solving
``Σ amount_k · (1 + i)^(−t_k) = principal`` times 12 (nominal, not compounded). XIRR on actual
days is not used: it does not equal the nominal rate for a plain monthly schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import NamedTuple

from postloan_runtime.lending.day_count import DayCount, months_between
from postloan_runtime.lending.schedule import DECIMAL_CONTEXT, Installment

__all__ = ["Cashflow", "annualized_cost_rate", "cashflows_of", "present_value"]

_ONE = Decimal(1)
_TWELVE = Decimal(12)
_APR_QUANTUM = Decimal("1e-12")
_TOLERANCE = Decimal("1e-24")


class Cashflow(NamedTuple):
    """A payment by the borrower of ``amount_fen`` (integer fen) on ``on``."""

    on: date
    amount_fen: int


def cashflows_of(installments: Sequence[Installment]) -> list[Cashflow]:
    """The installments' totals as cash flows on their due dates."""
    return [Cashflow(i.due_date, i.total_fen) for i in installments]


def _timed(
    start: date, cashflows: Iterable[tuple[date, int]], day_count: DayCount
) -> list[tuple[Decimal, int]]:
    """(months from ``start``, amount) per distinct date; dates on or before ``start`` get 0."""
    by_date: dict[date, int] = {}
    for on, amount in cashflows:
        by_date[on] = by_date.get(on, 0) + amount
    timed: list[tuple[Decimal, int]] = []
    months = Decimal(0)
    previous = start
    for on in sorted(by_date):
        if on > previous:
            months += months_between(previous, on, day_count)
            previous = on
        timed.append((months, by_date[on]))
    return timed


def _discount_factor(rate: Decimal, months: Decimal) -> Decimal:
    # (1 + rate)^(−months): exact integer powers for whole months, exp/ln for a part month.
    if months == months.to_integral_value():
        return (_ONE + rate) ** -int(months)
    return (-(months * (_ONE + rate).ln())).exp()


def annualized_cost_rate(
    principal_fen: int,
    disbursement_date: date,
    cashflows: Iterable[tuple[date, int]],
    *,
    day_count: DayCount = DayCount.ACT_360,
) -> Decimal:
    """The annualized cost rate (APR by the IRR method, see the module docstring) of a loan that
    put ``principal_fen`` in the borrower's hands on ``disbursement_date`` — net of any up-front
    fee — against ``cashflows`` (date, fen) the borrower pays back: installments, fees.

    Returns a Decimal fraction per year (0.18 = 18%) rounded to 12 decimal places; safeguarded
    Newton iteration (bisection when a step leaves the bracket) converges to 1e-24."""
    if principal_fen <= 0:
        raise ValueError(f"principal_fen must be positive, got {principal_fen}")
    flows = list(cashflows)
    if any(amount < 0 for _, amount in flows):
        raise ValueError("cash flows paid by the borrower cannot be negative")
    if any(on < disbursement_date for on, _ in flows):
        raise ValueError("a cash flow is dated before the disbursement")
    with localcontext(DECIMAL_CONTEXT):
        timed = _timed(disbursement_date, flows, day_count)
        if not any(months > 0 and amount > 0 for months, amount in timed):
            raise ValueError("no repayment after the disbursement date")
        whole = all(months == months.to_integral_value() for months, _ in timed)
        principal = Decimal(principal_fen)

        def excess_and_slope(rate: Decimal) -> tuple[Decimal, Decimal]:
            # f(i) = Σ a·(1+i)^−t − P (decreasing in i) and f'(i) = Σ −t·a·(1+i)^(−t−1).
            base = _ONE + rate
            if whole:
                value = slope = Decimal(0)
                for months, amount in timed:
                    factor = base ** -int(months)
                    value += amount * factor
                    slope -= months * amount * factor
            else:
                log_base = base.ln()
                value = slope = Decimal(0)
                for months, amount in timed:
                    factor = (-(months * log_base)).exp() if months else _ONE
                    value += amount * factor
                    slope -= months * amount * factor
            return value - principal, slope / base

        low, high = Decimal("-0.99"), Decimal("0.05")
        while excess_and_slope(high)[0] > 0:
            low, high = high, high * 2
            if high > 1000:
                raise ValueError("annualized cost rate beyond 12,000% a year")
        rate = (low + high) / 2
        for _ in range(200):
            value, slope = excess_and_slope(rate)
            if value > 0:
                low = rate
            else:
                high = rate
            step = value / slope if slope else Decimal(0)
            candidate = rate - step
            if not low < candidate < high:
                candidate = (low + high) / 2
            if abs(candidate - rate) < _TOLERANCE or high - low < _TOLERANCE:
                rate = candidate
                break
            rate = candidate
        return (rate * _TWELVE).quantize(_APR_QUANTUM, rounding=ROUND_HALF_EVEN)


def present_value(
    cashflows: Iterable[tuple[date, int]],
    annual_discount_rate: Decimal,
    valuation_date: date,
    *,
    day_count: DayCount = DayCount.ACT_360,
) -> Decimal:
    """Present value in fen at ``valuation_date`` of ``cashflows`` (date, fen), discounted
    monthly at ``annual_discount_rate`` / 12 over the module's time measure — the same measure
    as the APR, so a schedule discounted at its own APR is worth its principal.

    Cash flows on or before ``valuation_date`` (already due, e.g. arrears) count at face value.
    The result is an unrounded Decimal (34 digits) so NPV differences are rounded only once,
    e.g. the restructuring loss ``present_value(old) - present_value(new)``."""
    if annual_discount_rate <= -12:
        raise ValueError("annual discount rate must be above -1200%")
    with localcontext(DECIMAL_CONTEXT):
        rate = annual_discount_rate / _TWELVE
        total = Decimal(0)
        for months, amount in _timed(valuation_date, cashflows, day_count):
            total += amount * _discount_factor(rate, months) if months else Decimal(amount)
        return total
