"""The annualized cost rate (APR, IRR method) and present values."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postloan_runtime.lending import (
    Cashflow,
    DayCount,
    RepaymentMethod,
    annualized_cost_rate,
    build_schedule,
    cashflows_of,
    months_between,
    present_value,
    whole_months_or_days,
)
from postloan_runtime.lending.cashflow import _timed

pytestmark = pytest.mark.unit

D = Decimal


def test_apr_is_exact_where_the_irr_is_known() -> None:
    # Interest-only at 1.5% a month: the monthly IRR is exactly 1.5%, the APR exactly 18%.
    schedule = build_schedule(
        1_000_000, D("0.18"), 12, RepaymentMethod.INTEREST_FIRST, date(2024, 1, 15)
    )
    apr = annualized_cost_rate(1_000_000, date(2024, 1, 15), cashflows_of(schedule))
    assert apr == D("0.180000000000")
    # 1,000,000 fen back as 1,020,100 after two months: (1.01)^2, so 12% a year.
    assert annualized_cost_rate(
        1_000_000, date(2024, 1, 31), [(date(2024, 3, 31), 1_020_100)]
    ) == D("0.120000000000")
    # 15 days are half a month (ACT/360): (1 + i)^0.5 = 1.01, i = 2.01% a month.
    apr = annualized_cost_rate(1_000_000, date(2024, 1, 1), [(date(2024, 1, 16), 1_010_000)])
    assert apr == D("0.241200000000")


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    st.integers(20_000_000, 50_000_000),
    st.integers(100, 2_400).map(lambda bp: D(bp) / 10_000),
    st.integers(1, 60),
    st.sampled_from(list(RepaymentMethod)),
    st.dates(date(2001, 1, 1), date(2039, 12, 31)),
)
def test_apr_of_a_standard_schedule_is_its_nominal_rate(
    principal: int, rate: Decimal, term: int, method: RepaymentMethod, disbursed: date
) -> None:
    """Regular periods, no fee: the APR differs from the nominal rate only by the fen rounding
    of the installments, below 1e-6 for principals of 200,000 yuan and more."""
    schedule = build_schedule(principal, rate, term, method, disbursed)
    apr = annualized_cost_rate(principal, disbursed, cashflows_of(schedule))
    assert abs(apr - rate) < D("1e-6")
    # … and discounting the schedule at its own APR gives back the principal.
    value = present_value(cashflows_of(schedule), apr, disbursed)
    assert abs(value - principal) < 1


@pytest.mark.parametrize("due_day", [1, 5, 28, 31])
def test_apr_of_a_broken_first_period_stays_near_nominal(due_day: int) -> None:
    disbursed = date(2024, 1, 20)
    schedule = build_schedule(
        30_000_000, D("0.18"), 36, RepaymentMethod.EQUAL_INSTALLMENT, disbursed, due_day
    )
    apr = annualized_cost_rate(30_000_000, disbursed, cashflows_of(schedule))
    # Simple daily interest for the part month against compounding: well below 1e-4.
    assert abs(apr - D("0.18")) < D("1e-4")


def test_fees_raise_the_apr_above_the_nominal_rate() -> None:
    disbursed = date(2024, 3, 10)
    schedule = build_schedule(
        1_000_000, D("0.18"), 12, RepaymentMethod.EQUAL_INSTALLMENT, disbursed
    )
    flows = cashflows_of(schedule)
    nominal = annualized_cost_rate(1_000_000, disbursed, flows)
    upfront_fee = annualized_cost_rate(1_000_000 - 30_000, disbursed, flows)  # 3% withheld
    monthly_fee = annualized_cost_rate(
        1_000_000, disbursed, flows + [Cashflow(f.on, 2_000) for f in flows]
    )
    assert nominal < upfront_fee and nominal < monthly_fee
    # 3% withheld from a 1-year amortising loan (average balance about half the principal)
    # adds about 5.5 points; 0.2% a month on the original principal about 4.
    assert D("0.23") < upfront_fee < D("0.24")
    assert D("0.22") < monthly_fee < D("0.23")


def test_apr_input_errors() -> None:
    with pytest.raises(ValueError):
        annualized_cost_rate(0, date(2024, 1, 1), [(date(2024, 2, 1), 100)])
    with pytest.raises(ValueError):
        annualized_cost_rate(100, date(2024, 1, 1), [(date(2023, 12, 1), 200)])
    with pytest.raises(ValueError):
        annualized_cost_rate(100, date(2024, 1, 1), [(date(2024, 2, 1), -5)])
    with pytest.raises(ValueError):
        annualized_cost_rate(100, date(2024, 1, 1), [])


def test_apr_below_zero_when_less_is_repaid() -> None:
    apr = annualized_cost_rate(1_000_000, date(2024, 1, 1), [(date(2025, 1, 1), 900_000)])
    assert apr < 0


def test_present_value() -> None:
    flows = [(date(2024, 2, 15), 101_000), (date(2024, 3, 15), 102_010)]
    assert present_value(flows, D("0"), date(2024, 1, 15)) == 203_010
    assert present_value(flows, D("0.12"), date(2024, 1, 15)) == 200_000
    # Arrears (due on or before the valuation date) count at face value.
    with_arrears = [(date(2024, 1, 1), 5_000), *flows]
    assert present_value(with_arrears, D("0.12"), date(2024, 1, 15)) == 205_000


def test_restructuring_npv_loss() -> None:
    """A term extension at a lower rate loses value when discounted at the old rate."""
    start = date(2024, 6, 15)
    old = build_schedule(1_000_000, D("0.18"), 12, RepaymentMethod.EQUAL_INSTALLMENT, start)
    new = build_schedule(1_000_000, D("0.10"), 36, RepaymentMethod.EQUAL_INSTALLMENT, start)
    rate = D("0.18")
    loss = present_value(
        cashflows_of(old) + [(on, -fen) for on, fen in cashflows_of(new)], rate, start
    )
    assert D(90_000) < loss < D(130_000)


def test_a_difference_of_flows_is_valued_in_one_call() -> None:
    """Times run along the dates valued together: the old schedule's 04-15 is a month after its
    03-15 (1 + 5/30 months from 03-10), a new schedule starting 04-15 alone would put it 36 days
    (1.2 months) away. Valued together, the flow they share cancels at one discount factor and
    what is left is the 03-15 flow at its own time."""
    valued_on, rate = date(2025, 3, 10), D("0.10")
    old = [(date(2025, 3, 15), 100_000), (date(2025, 4, 15), 100_000)]
    new = [(date(2025, 4, 15), 100_000)]
    together = present_value(old + [(on, -fen) for on, fen in new], rate, valued_on)
    assert together == present_value(old[:1], rate, valued_on)
    apart = present_value(old, rate, valued_on) - present_value(new, rate, valued_on)
    assert abs(apart - together) > 20  # what the two-call difference got wrong: 27 fen here


def test_months_between() -> None:
    assert months_between(date(2023, 1, 31), date(2023, 2, 28)) == 1
    assert months_between(date(2024, 1, 31), date(2024, 2, 28)) == D(28) / 30
    assert months_between(date(2023, 2, 28), date(2023, 3, 31)) == 1
    assert months_between(date(2024, 1, 20), date(2024, 2, 29)) == D(40) / 30
    assert months_between(date(2024, 1, 15), date(2024, 2, 20), DayCount.ACT_365) == (
        D(36 * 12) / 365
    )
    assert months_between(date(2024, 1, 15), date(2026, 1, 15)) == 24
    with pytest.raises(ValueError):
        months_between(date(2024, 2, 1), date(2024, 1, 1))


@pytest.mark.parametrize(
    ("principal", "rate", "term", "method", "disbursed", "due_day", "day_count", "apr", "pv"),
    [
        (1_200_000, "0.18", 12, RepaymentMethod.EQUAL_INSTALLMENT, date(2024, 1, 20), 5,
         DayCount.ACT_360, "0.182188619604", "1261894.813961393245254260616870762"),
        (5_000_000, "0.0435", 36, RepaymentMethod.EQUAL_PRINCIPAL, date(2024, 2, 29), 15,
         DayCount.ACT_365, "0.043690646901", "4751789.757020838908439947457501926"),
        (300_000, "0.2399", 6, RepaymentMethod.INTEREST_FIRST, date(2023, 12, 31), 28,
         DayCount.ACT_360, "0.248873630456", "324175.6734424219898154074885138250"),
    ],
)
def test_broken_period_results_are_unchanged_to_the_last_digit(
    principal: int, rate: str, term: int, method: RepaymentMethod, disbursed: date,
    due_day: int, day_count: DayCount, apr: str, pv: str,
) -> None:
    """Figures of the Fraction-based time measure this module first had, digit for digit
    (Decimal repr, scale included): computing the times with integer division changed none."""
    flows = cashflows_of(build_schedule(principal, D(rate), term, method, disbursed, due_day))
    assert repr(annualized_cost_rate(principal - 1234, disbursed, flows, day_count=day_count)) \
        == repr(D(apr))
    assert repr(present_value(flows + [(disbursed, 777)], D("0.08"),
                              disbursed + timedelta(days=3), day_count=day_count)) == repr(D(pv))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.dates(date(2001, 1, 1), date(2039, 12, 31)),
    st.lists(st.tuples(st.integers(-40, 2_000), st.integers(0, 10**9)), min_size=1, max_size=30),
    st.sampled_from(list(DayCount)),
)
def test_cash_flow_times_are_the_exact_month_counts(
    start: date, offsets: list[tuple[int, int]], day_count: DayCount
) -> None:
    """Whole months plus r / days_per_year of a month, as Fraction arithmetic on the summed
    steps of months_between's exact form gives them."""
    flows = [(start + timedelta(days=days), amount) for days, amount in offsets]
    by_date: dict[date, int] = {}
    for on, amount in flows:
        by_date[on] = by_date.get(on, 0) + amount
    expected = []
    months, days, previous = 0, 0, start
    for on in sorted(by_date):
        if on > previous:
            step = whole_months_or_days(previous, on)
            months, days, previous = months + step[0], days + step[1], on
        exact = months + Fraction(days * 12, day_count.days_per_year)
        expected.append((exact, by_date[on]))
    timed = _timed(start, flows, day_count)
    assert [(whole + Fraction(r, day_count.days_per_year), amount)
            for whole, r, amount in timed] == expected
    assert all(0 <= r < day_count.days_per_year for _, r, _ in timed)
