"""The schedule engine against independent computations (exact rationals, the closed-form
annuity, numpy-financial) and its properties, calendar rules and validation."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from datetime import date, timedelta
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    localcontext,
)
from fractions import Fraction
from pathlib import Path

import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lending_reference import reference_schedule

import postloan_runtime.lending as lending
from postloan_runtime.lending import (
    DayCount,
    Installment,
    RepaymentMethod,
    ScheduleError,
    build_schedule,
    first_due_date,
    rebuild_schedule,
    remaining_schedule,
    validate_schedule,
)
from postloan_runtime.lending.schedule import _LINEAR_BIAS, _RATIO_ROUNDERS

pytestmark = pytest.mark.unit

EQ_INST = RepaymentMethod.EQUAL_INSTALLMENT
EQ_PRIN = RepaymentMethod.EQUAL_PRINCIPAL
INT_FIRST = RepaymentMethod.INTEREST_FIRST

principals = st.integers(min_value=1_000, max_value=50_000_000)
# Rates 0 .. 24% in basis points of a basis point (4 decimal places), as lenders quote them.
rates = st.integers(min_value=0, max_value=2_400).map(lambda bp: Decimal(bp) / 10_000)
terms = st.integers(min_value=1, max_value=60)
methods = st.sampled_from(list(RepaymentMethod))
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
due_days = st.integers(min_value=1, max_value=31)
thorough = settings(
    max_examples=1_200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def near_half_fen(x: float) -> bool:
    """Whether a float lies within 1e-6 fen of a half fen. Float errors here are below 1e-8 fen
    (values under 1e8 fen, relative error ~1e-15), so anywhere else rounding the float and the
    exact value must agree to the fen; at a tie they may differ by one."""
    return abs(x - math.floor(x) - 0.5) < 1e-6


def float_half_up(x: float) -> int:
    return math.floor(x + 0.5)


# --- the engine equals the independent exact computation, to the fen ------------------------


@thorough
@given(principals, rates, terms, methods, dates, due_days, st.integers(0, 20))
def test_schedule_equals_exact_rational_reference(
    principal: int,
    rate: Decimal,
    term: int,
    method: RepaymentMethod,
    disbursed: date,
    due_day: int,
    min_days: int,
) -> None:
    """Tolerance 0: the reference applies the documented rules with exact rationals."""
    schedule = build_schedule(
        principal, rate, term, method, disbursed, due_day, min_first_period_days=min_days
    )
    expected = reference_schedule(
        principal, Fraction(rate), term, method.value, disbursed, due_day, min_days
    )
    assert [(i.due_date, i.principal_fen, i.interest_fen) for i in schedule] == expected


@settings(max_examples=1_000, deadline=None, derandomize=True, database=None)
@given(principals, rates.filter(lambda r: r > 0), terms, dates)
def test_equal_installment_equals_numpy_financial(
    principal: int, rate: Decimal, term: int, disbursed: date
) -> None:
    """A = round(npf.pmt) and each period's interest = round(npf.ipmt) on the opening balance
    (the one-period re-amortisation of what is left), principal = A - interest, the last
    installment takes what is left. Together these determine the whole schedule, so it is
    checked completely. Tolerance 0 fen, 1 fen only where the float lies within 1e-6 fen of a
    half-fen tie (see near_half_fen)."""
    due_day = min(disbursed.day, 28)
    disbursed = disbursed.replace(day=due_day)  # a regular first period
    schedule = build_schedule(principal, rate, term, EQ_INST, disbursed, due_day)
    r = float(rate) / 12
    pmt = float(npf.pmt(r, term, -principal))
    amount = schedule[0].total_fen
    # The closed-form annuity computed here independently, in exact rationals: tolerance 0.
    exact_r = Fraction(rate) / 12
    growth = (1 + exact_r) ** term
    closed_form = math.floor(principal * exact_r * growth / (growth - 1) + Fraction(1, 2))
    assert abs(closed_form - float_half_up(pmt)) <= (1 if near_half_fen(pmt) else 0)
    if amount != closed_form:
        # Documented exception: A is lowered (fen by fen) only when the rounded A would repay
        # the whole principal before the last period (tiny P / n).
        assert amount < closed_form and principal / term < 100
        assert _final_balance(principal, exact_r, term, amount + 1) < 0
    for k, item in enumerate(schedule, start=1):
        remaining = term - k + 1
        ipmt = float(npf.ipmt(r, 1, remaining, -item.opening_balance_fen))
        assert abs(item.interest_fen - float_half_up(ipmt)) <= (1 if near_half_fen(ipmt) else 0)
        if k < term:
            assert item.principal_fen == amount - item.interest_fen
        else:
            assert item.principal_fen == item.opening_balance_fen
    # Against the unrounded annuity of the same (rounded) A: interest rounding errors of at most
    # half a fen a period, compounded, bound the drift of the balance.
    for k, item in enumerate(schedule, start=1):
        exact_balance = -float(npf.fv(r, k, -amount, principal)) if k < term else 0.0
        bound = 0.5 * ((1 + r) ** k - 1) / r + 1e-6 if k < term else 0.0
        assert abs(item.closing_balance_fen - exact_balance) <= bound


@settings(max_examples=800, deadline=None, derandomize=True, database=None)
@given(principals, rates, terms, dates)
def test_equal_principal_and_interest_first_equal_closed_forms(
    principal: int, rate: Decimal, term: int, disbursed: date
) -> None:
    """Closed forms in floats: level part round(P / n); interest_k = round((P - (k-1)·q)·r);
    interest-first interest round(P·r). Tolerance 0 fen, 1 at a float half-fen tie."""
    due_day = min(disbursed.day, 28)
    disbursed = disbursed.replace(day=due_day)
    r = float(rate) / 12
    schedule = build_schedule(principal, rate, term, EQ_PRIN, disbursed, due_day)
    level = float_half_up(principal / term)
    if term > 1 and level * (term - 1) > principal:
        level = principal // (term - 1)
    for k, item in enumerate(schedule, start=1):
        expected_part = level if k < term else principal - level * (term - 1)
        assert item.principal_fen == expected_part
        interest = (principal - (k - 1) * level) * r
        assert abs(item.interest_fen - float_half_up(interest)) <= near_half_fen(interest)
    schedule = build_schedule(principal, rate, term, INT_FIRST, disbursed, due_day)
    interest = principal * r
    for item in schedule:
        assert abs(item.interest_fen - float_half_up(interest)) <= near_half_fen(interest)
    assert [i.principal_fen for i in schedule] == [0] * (term - 1) + [principal]


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=1_000, deadline=None, derandomize=True, database=None)
@given(principals, rates, terms, methods, dates, due_days)
def test_schedule_properties(
    principal: int,
    rate: Decimal,
    term: int,
    method: RepaymentMethod,
    disbursed: date,
    due_day: int,
) -> None:
    schedule = build_schedule(principal, rate, term, method, disbursed, due_day)
    assert len(schedule) == term
    assert sum(i.principal_fen for i in schedule) == principal
    assert validate_schedule(principal, schedule, disbursed) == []
    for item in schedule:
        assert min(item[2:]) >= 0  # amounts and balances never negative
        assert item.total_fen == item.principal_fen + item.interest_fen
        assert item.due_date.day == min(due_day, _month_length(item.due_date))
    assert schedule[-1].closing_balance_fen == 0
    assert schedule[-1].principal_fen == schedule[-1].opening_balance_fen  # absorbs rounding
    dues = [i.due_date for i in schedule]
    assert all(a < b for a, b in zip(dues, dues[1:], strict=False))
    if method is EQ_INST and rate > 0 and term > 2:
        # Equal totals except the first (a broken period charges other interest) and the last.
        assert len({i.total_fen for i in schedule[1:-1]}) == 1
        assert schedule[0].principal_fen == schedule[1].total_fen - _month_interest(principal, rate)
    if method is EQ_PRIN or (method is EQ_INST and rate == 0):
        assert len({i.principal_fen for i in schedule[:-1]}) <= 1
    if method is INT_FIRST:
        assert all(i.principal_fen == 0 for i in schedule[:-1])


def _final_balance(principal: int, r: Fraction, term: int, amount: int) -> int:
    """Balance before the last period when every earlier period pays ``amount``."""
    balance = principal
    for _ in range(term - 1):
        balance -= amount - math.floor(balance * r + Fraction(1, 2))
    return balance


def _month_length(day: date) -> int:
    return ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day


def _month_interest(balance: int, rate: Decimal) -> int:
    return math.floor(Fraction(balance) * Fraction(rate) / 12 + Fraction(1, 2))


def test_worked_example_equal_installment() -> None:
    """10,000 yuan at 18% over 12 months: A = 916.80 yuan, the last 916.81."""
    schedule = build_schedule(1_000_000, Decimal("0.18"), 12, EQ_INST, date(2024, 1, 15))
    assert [i.total_fen for i in schedule] == [91_680] * 11 + [91_681]
    assert schedule[0] == Installment(
        1, date(2024, 2, 15), 76_680, 15_000, 91_680, 1_000_000, 923_320
    )
    assert sum(i.interest_fen for i in schedule) == 100_161


def test_zero_rate_loans() -> None:
    for method in RepaymentMethod:
        schedule = build_schedule(1_000_001, Decimal("0"), 3, method, date(2024, 1, 15))
        assert all(i.interest_fen == 0 for i in schedule)
        assert sum(i.principal_fen for i in schedule) == 1_000_001
    schedule = build_schedule(1_000_001, Decimal("0.00"), 3, EQ_INST, date(2024, 1, 15))
    assert [i.total_fen for i in schedule] == [333_334, 333_334, 333_333]
    schedule = build_schedule(1_000, Decimal("0"), 60, EQ_INST, date(2024, 1, 15))
    # round(1000 / 60) = 17 would over-repay (59 × 17 > 1000): the level part drops to 16.
    assert {i.principal_fen for i in schedule[:-1]} == {16} and schedule[-1].principal_fen == 56


def test_tiny_principal_per_period_lowers_the_installment() -> None:
    schedule = build_schedule(1_000, Decimal("0.0001"), 60, EQ_INST, date(2024, 1, 15))
    assert validate_schedule(1_000, schedule) == []
    assert schedule[0].total_fen == 16 and schedule[-1].principal_fen >= 0


# --- calendar rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disbursed", "due_day", "expected"),
    [
        (date(2023, 1, 31), 31, [date(2023, 2, 28), date(2023, 3, 31), date(2023, 4, 30)]),
        (date(2024, 1, 31), 31, [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]),
        (date(2024, 1, 30), 30, [date(2024, 2, 29), date(2024, 3, 30), date(2024, 4, 30)]),
        (date(2023, 12, 15), 29, [date(2024, 1, 29), date(2024, 2, 29), date(2024, 3, 29)]),
        (date(2022, 12, 15), 29, [date(2023, 1, 29), date(2023, 2, 28), date(2023, 3, 29)]),
        (date(2024, 11, 30), 5, [date(2024, 12, 5), date(2025, 1, 5), date(2025, 2, 5)]),
    ],
)
def test_due_dates_clamp_to_month_end(disbursed: date, due_day: int, expected: list[date]) -> None:
    schedule = build_schedule(300_000, Decimal("0.12"), 3, EQ_INST, disbursed, due_day)
    assert [i.due_date for i in schedule] == expected


@pytest.mark.parametrize(
    ("disbursed", "due_day", "regular", "days"),
    [
        (date(2024, 1, 15), 15, True, 31),
        (date(2023, 1, 31), 31, True, 28),  # Jan 31 → Feb 28 is one month
        (date(2023, 1, 31), 28, True, 28),  # … and so is the due day 28 in a non-leap year
        (date(2024, 1, 31), 28, False, 28),  # in a leap year Feb 29 is the anniversary
        (date(2023, 2, 28), 31, True, 31),  # a month end to a month end
        (date(2023, 2, 28), 30, True, 30),
        (date(2024, 2, 10), 1, False, 20),  # leap February: 20 days
        (date(2023, 2, 10), 1, False, 19),
        (date(2024, 3, 5), 20, False, 46),
    ],
)
def test_first_period_regular_or_broken(
    disbursed: date, due_day: int, regular: bool, days: int
) -> None:
    principal, rate = 10_000_000, Decimal("0.18")
    schedule = build_schedule(principal, rate, 6, EQ_PRIN, disbursed, due_day)
    assert (schedule[0].due_date - disbursed).days == days
    monthly = principal * Fraction(rate) / 12
    daily = principal * Fraction(rate) * days / 360
    expected = monthly if regular else daily
    assert schedule[0].interest_fen == math.floor(expected + Fraction(1, 2))


def test_broken_period_day_count_is_a_parameter() -> None:
    disbursed = date(2024, 3, 5)  # to Apr 20: 46 days
    act_360 = build_schedule(3_650_000, Decimal("0.12"), 3, INT_FIRST, disbursed, 20)
    act_365 = build_schedule(
        3_650_000, Decimal("0.12"), 3, INT_FIRST, disbursed, 20, day_count=DayCount.ACT_365
    )
    assert act_360[0].interest_fen == 55_967  # 55,966.67

    assert act_365[0].interest_fen == 3_650_000 * 12 * 46 // 36_500  # 55200 exactly
    assert act_360[1:] == act_365[1:]


def test_broken_first_period_keeps_the_annuity_principal() -> None:
    regular = build_schedule(1_000_000, Decimal("0.18"), 12, EQ_INST, date(2024, 1, 20), 20)
    broken = build_schedule(1_000_000, Decimal("0.18"), 12, EQ_INST, date(2024, 1, 20), 5)
    assert [i.principal_fen for i in broken] == [i.principal_fen for i in regular]
    assert broken[0].interest_fen == 8_000  # Jan 20 → Feb 5: 16 days at 18% / 360 on 10,000 yuan
    assert [i.total_fen for i in broken[1:]] == [i.total_fen for i in regular[1:]]


def test_first_due_date_rule() -> None:
    assert first_due_date(date(2024, 1, 31), 1) == date(2024, 2, 1)
    assert first_due_date(date(2024, 1, 31), 1, min_first_period_days=10) == date(2024, 3, 1)
    assert first_due_date(date(2024, 1, 3), 25) == date(2024, 2, 25)  # not Jan 25
    assert first_due_date(date(2024, 12, 20), 31) == date(2025, 1, 31)


# --- rounding ---------------------------------------------------------------------------------

ALL_MODES = [
    ROUND_HALF_UP,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_UP,
    ROUND_CEILING,
    ROUND_05UP,
]


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 10**15), st.integers(1, 10**8), st.sampled_from(ALL_MODES))
def test_exact_ratio_rounding_equals_decimal(num: int, den: int, mode: str) -> None:
    with localcontext() as ctx:
        ctx.prec = 60
        expected = int((Decimal(num) / Decimal(den)).quantize(Decimal(1), rounding=mode))
    assert _RATIO_ROUNDERS[mode](num, den) == expected
    if mode in _LINEAR_BIAS:
        a, b = _LINEAR_BIAS[mode]
        assert (2 * num + a * den + b) // (2 * den) == expected


EXACT_RULES: dict[str, Callable[[Fraction], int]] = {
    ROUND_HALF_UP: lambda x: math.floor(x + Fraction(1, 2)),
    ROUND_HALF_EVEN: round,  # round() of a Fraction is exact and ties to even
    ROUND_DOWN: math.floor,
    ROUND_UP: math.ceil,
}


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(principals, rates, terms, methods, dates, due_days, st.sampled_from(list(EXACT_RULES)))
def test_other_rounding_rules_equal_exact_reference(
    principal: int,
    rate: Decimal,
    term: int,
    method: RepaymentMethod,
    disbursed: date,
    due_day: int,
    rounding: str,
) -> None:
    schedule = build_schedule(principal, rate, term, method, disbursed, due_day, rounding=rounding)
    expected = reference_schedule(
        principal,
        Fraction(rate),
        term,
        method.value,
        disbursed,
        due_day,
        rnd=EXACT_RULES[rounding],
    )
    assert [(i.due_date, i.principal_fen, i.interest_fen) for i in schedule] == expected
    assert validate_schedule(principal, schedule, disbursed) == []


def test_rounding_rule_is_a_parameter() -> None:
    # 100 fen at 6%: one month's interest is exactly half a fen.
    for mode, expected in [(ROUND_HALF_UP, 1), (ROUND_HALF_EVEN, 0), (ROUND_DOWN, 0)]:
        schedule = build_schedule(
            100, Decimal("0.06"), 1, INT_FIRST, date(2024, 1, 15), rounding=mode
        )
        assert schedule[0].interest_fen == expected
    for mode in ALL_MODES:
        for method in RepaymentMethod:
            schedule = build_schedule(
                987_654, Decimal("0.1799"), 24, method, date(2024, 1, 31), 10, rounding=mode
            )
            assert validate_schedule(987_654, schedule) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"principal_fen": 0},
        {"principal_fen": -5},
        {"principal_fen": 10.5},
        {"annual_rate": Decimal("-0.01")},
        {"annual_rate": 0.18},
        {"annual_rate": Decimal("NaN")},
        {"term": 0},
        {"term": 601},
        {"due_day": 0},
        {"due_day": 32},
        {"rounding": "ROUND_SOMETIMES"},
        {"method": "BALLOON"},
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {
        "principal_fen": 1_000_000,
        "annual_rate": Decimal("0.18"),
        "term": 12,
        "method": EQ_INST,
        "disbursement_date": date(2024, 1, 15),
    }
    arguments.update(kwargs)
    with pytest.raises(ScheduleError):
        build_schedule(**arguments)  # type: ignore[arg-type]


# --- validation of supplied schedules ---------------------------------------------------------


def _good() -> list[Installment]:
    return build_schedule(1_200_000, Decimal("0.12"), 4, EQ_PRIN, date(2024, 1, 10))


@pytest.mark.parametrize(
    ("tamper", "needle"),
    [
        (lambda s: s[:-1], "sum to"),
        (
            lambda s: [s[0]._replace(interest_fen=-1, total_fen=s[0].principal_fen - 1), *s[1:]],
            "interest_fen is negative",
        ),
        (lambda s: [s[0]._replace(total_fen=s[0].total_fen + 1), *s[1:]], "total"),
        (lambda s: [s[0], s[1]._replace(due_date=s[0].due_date), *s[2:]], "not after the previous"),
        (
            lambda s: [s[1]._replace(sequence=1), s[0]._replace(sequence=2), *s[2:]],
            "not after the previous",
        ),
        (lambda s: [s[0]._replace(due_date=date(2024, 1, 5)), *s[1:]], "disbursement"),
        (lambda s: [s[0], s[1]._replace(opening_balance_fen=1), *s[2:]], "opening balance"),
        (lambda s: [*s[:-1], s[-1]._replace(closing_balance_fen=7)], "closing balance"),
        (lambda s: [s[0]._replace(sequence=3), *s[1:]], "sequence numbers"),
        (lambda s: [], "no installments"),
    ],
)
def test_validate_schedule_catches_each_problem(tamper, needle: str) -> None:  # type: ignore[no-untyped-def]
    assert validate_schedule(1_200_000, _good(), date(2024, 1, 10)) == []
    problems = validate_schedule(1_200_000, tamper(_good()), date(2024, 1, 10))
    assert any(needle in p for p in problems), problems


def test_validate_schedule_reports_negative_principal_part() -> None:
    schedule = _good()
    bad = [
        schedule[0]._replace(
            principal_fen=-10,
            total_fen=schedule[0].interest_fen - 10,
            closing_balance_fen=1_200_010,
        ),
        *schedule[1:],
    ]
    problems = validate_schedule(1_200_000, bad)
    assert any("principal_fen is negative" in p for p in problems)
    assert any("sum to" in p for p in problems)


# --- restructuring ----------------------------------------------------------------------------


def test_remaining_and_rebuilt_schedule_for_a_term_extension() -> None:
    old = build_schedule(2_400_000, Decimal("0.15"), 24, EQ_INST, date(2024, 1, 15))
    left = remaining_schedule(old, date(2024, 6, 15))
    assert left[0].sequence == 6 and left[0].due_date == date(2024, 7, 15)
    outstanding = left[0].opening_balance_fen
    new = rebuild_schedule(
        outstanding, Decimal("0.12"), 36, date(2024, 6, 15), EQ_INST, first_sequence=6
    )
    assert [i.sequence for i in new] == list(range(6, 42))
    assert sum(i.principal_fen for i in new) == outstanding
    assert new[0].total_fen < left[0].total_fen  # a longer term and a lower rate pay less
    assert (
        validate_schedule(outstanding, [i._replace(sequence=k) for k, i in enumerate(new, 1)]) == []
    )


def test_reinstallment_of_the_overdue_amount() -> None:
    plan = rebuild_schedule(123_457, Decimal("0"), 6, date(2024, 3, 31), EQ_PRIN, due_day=31)
    assert [i.due_date.day for i in plan] == [30, 31, 30, 31, 31, 30]
    assert sum(i.principal_fen for i in plan) == 123_457


# --- purity -----------------------------------------------------------------------------------


def test_engine_imports_no_grpc_protobuf_or_sqlalchemy() -> None:
    forbidden = ("grpc", "google", "sqlalchemy")
    for source in Path(lending.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not [n for n in names if n.split(".")[0] in forbidden], (source, names)
