"""Annualized cost rate (APR, the IRR method) and present value of dated cash flows.

Pure Python (no grpc, protobuf or sqlalchemy); Decimal in the engine's 34-digit context.

**Time measure.** A cash flow's time is counted in months from the start date along the sorted
distinct cash-flow dates, each step measured by :func:`months_between`: whole calendar months
when the later date is an anniversary of the earlier one (same day of month, clamped to month
ends), otherwise actual days / 30 (ACT_360; days × 12 / 365 for ACT_365). So every installment
of a schedule is exactly one month after the previous one, and a broken first period counts as
exactly the share of a month it accrued interest for.

**APR rule.** The lender's rule follows the People's Bank of China's IRR method (announcement
[2021] No. 3, used for the 24% cap check): the monthly internal rate of return ``i`` solving
``Σ amount_k · (1 + i)^(−t_k) = principal`` times 12 (nominal, not compounded). XIRR on actual
days is not used: it does not equal the nominal rate for a plain monthly schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import NamedTuple

from postloan_runtime.lending.day_count import DayCount, whole_months_or_days
from postloan_runtime.lending.schedule import DECIMAL_CONTEXT, Installment

__all__ = ["Cashflow", "annualized_cost_rate", "cashflows_of", "present_value"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_TWELVE = Decimal(12)
_APR_QUANTUM = Decimal("1e-12")
_TOLERANCE = Decimal("1e-20")  # on the monthly rate; the APR is reported to 1e-12


class Cashflow(NamedTuple):
    """A payment by the borrower of ``amount_fen`` (integer fen) on ``on``."""

    on: date
    amount_fen: int


def cashflows_of(installments: Sequence[Installment]) -> list[Cashflow]:
    """The installments' totals as cash flows on their due dates."""
    return [Cashflow(i.due_date, i.total_fen) for i in installments]


def _timed(
    start: date, cashflows: Iterable[tuple[date, int]], day_count: DayCount
) -> list[tuple[int, int, int]]:
    """(whole months, r, amount) from ``start`` per distinct date, exactly: the time is whole
    months plus r / days_per_year of a month (0 <= r < days_per_year); dates on or before
    ``start`` get 0. Integer division, not Fraction arithmetic: the same exact times, cheaply."""
    by_date: dict[date, int] = {}
    for on, amount in cashflows:
        by_date[on] = by_date.get(on, 0) + amount
    per_year = day_count.days_per_year
    timed: list[tuple[int, int, int]] = []
    months, days = 0, 0
    previous = start
    for on in sorted(by_date):
        if on > previous:
            step_months, step_days = whole_months_or_days(previous, on)
            months, days = months + step_months, days + step_days
            previous = on
        whole, remainder = divmod(days * 12, per_year)
        timed.append((months + whole, remainder, by_date[on]))
    return timed


def _fraction_decimal(fraction: Fraction) -> Decimal:
    return Decimal(fraction.numerator) / Decimal(fraction.denominator)


class _Discounting:
    """Σ a·(1+i)^−t and its derivative over fixed cash-flow times, for any monthly rate i.

    t = whole months + a fraction: (1+i)^−t = v^whole · (1+i)^−fraction with v = 1/(1+i).
    Times are sorted, so v^whole grows by one multiplication per month, and exp/ln are needed
    once per distinct fraction (one for a schedule with a broken first period)."""

    def __init__(self, timed: list[tuple[int, int, int]], day_count: DayCount) -> None:
        per_year = day_count.days_per_year
        decimal_of = {
            r: _fraction_decimal(Fraction(r, per_year)) for r in {r for _, r, _ in timed if r}
        }
        self.flows = [(whole, decimal_of[r] if r else _ZERO, amount) for whole, r, amount in timed]
        self.fractions = sorted(set(decimal_of.values()))
        # What every evaluation needs, converted once: the amount (exactly) and the time
        # whole + fraction (rounded as before: this runs in the caller's engine context).
        self._terms = [
            (whole, fraction, Decimal(amount), whole + fraction)
            for whole, fraction, amount in self.flows
        ]

    def value_and_slope(self, rate: Decimal) -> tuple[Decimal, Decimal]:
        """(Σ a·(1+i)^−t, Σ −t·a·(1+i)^(−t−1)) in the current context."""
        base = _ONE + rate
        v = _ONE / base
        log_base = base.ln() if self.fractions else _ZERO
        partial = {fraction: (-(fraction * log_base)).exp() for fraction in self.fractions}
        value = slope = _ZERO
        power, power_of = _ONE, 0
        for whole, fraction, amount, time in self._terms:
            if whole != power_of:
                power *= v if whole == power_of + 1 else v ** (whole - power_of)
                power_of = whole
            discounted = amount * (power * partial[fraction] if fraction else power)
            value += discounted
            slope -= time * discounted
        return value, slope / base


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
    Newton iteration (bisection when a step leaves the bracket) converges to 1e-20 a month."""
    if principal_fen <= 0:
        raise ValueError(f"principal_fen must be positive, got {principal_fen}")
    flows = list(cashflows)
    if any(amount < 0 for _, amount in flows):
        raise ValueError("cash flows paid by the borrower cannot be negative")
    if any(on < disbursement_date for on, _ in flows):
        raise ValueError("a cash flow is dated before the disbursement")
    with localcontext(DECIMAL_CONTEXT):
        timed = _timed(disbursement_date, flows, day_count)
        if not any((whole or remainder) and amount > 0 for whole, remainder, amount in timed):
            raise ValueError("no repayment after the disbursement date")
        discounting = _Discounting(timed, day_count)
        principal = Decimal(principal_fen)

        def excess_and_slope(rate: Decimal) -> tuple[Decimal, Decimal]:
            # f(i) = Σ a·(1+i)^−t − P, decreasing in i, and f'(i).
            value, slope = discounting.value_and_slope(rate)
            return value - principal, slope

        low, high = Decimal("-0.99"), Decimal("0.05")
        while excess_and_slope(high)[0] > 0:
            low, high = high, high * 2
            if high > 1000:
                raise ValueError("annualized cost rate beyond 12,000% a year")
        # First-order guess from Σa·(1 − i·t) = P; Newton takes it from there.
        weighted = sum((whole + fraction) * amount for whole, fraction, amount in discounting.flows)
        rate = (sum(amount for _, _, amount in discounting.flows) - principal) / weighted
        if not low < rate < high:
            rate = (low + high) / 2
        for _ in range(200):
            value, slope = excess_and_slope(rate)
            if value > 0:
                low = rate
            else:
                high = rate
            step = value / slope if slope else _ZERO
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
    A date's time is measured along the dates of the flows valued together (the APR's measure),
    so it is not additive across calls: value a difference of two sets of flows in one call,
    the second negated, e.g. the restructuring loss ``present_value(old + [(d, -a) for new])``;
    each date then gets one discount factor. The result is an unrounded Decimal (34 digits), so
    it is rounded only once."""
    if annual_discount_rate <= -12:
        raise ValueError("annual discount rate must be above -1200%")
    with localcontext(DECIMAL_CONTEXT):
        timed = _timed(valuation_date, cashflows, day_count)
        return _Discounting(timed, day_count).value_and_slope(annual_discount_rate / _TWELVE)[0]
