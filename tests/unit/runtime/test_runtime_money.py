"""Money in fen, Decimal rates, explicit rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_DOWN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postloan_runtime.money import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    DayCount,
    Money,
    accrue_interest_fen,
    allocate,
    daily_rate,
    fen_to_yuan,
    parse_decimal,
    parse_rate,
    round_fen,
    yuan_to_fen,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("amount", "half_up", "half_even", "down"),
    [
        ("12.5", 13, 12, 12),
        ("13.5", 14, 14, 13),
        ("12.4999", 12, 12, 12),
        ("12.51", 13, 13, 12),
        ("-12.5", -13, -12, -12),
        ("0.5", 1, 0, 0),
        ("7", 7, 7, 7),
    ],
)
def test_round_fen_applies_the_named_rule(
    amount: str, half_up: int, half_even: int, down: int
) -> None:
    value = Decimal(amount)
    assert round_fen(value) == half_up  # the default is half-up
    assert round_fen(value, ROUND_HALF_UP) == half_up
    assert round_fen(value, ROUND_HALF_EVEN) == half_even
    assert round_fen(value, ROUND_DOWN) == down


def test_round_fen_refuses_unknown_rules_and_floats() -> None:
    with pytest.raises(ValueError):
        round_fen(Decimal("1.5"), ROUND_HALF_DOWN)
    with pytest.raises(TypeError):
        round_fen(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        round_fen(Decimal("NaN"))


def test_yuan_and_fen_convert_exactly() -> None:
    assert yuan_to_fen(Decimal("123.45")) == 12345
    assert yuan_to_fen(7) == 700
    assert fen_to_yuan(12345) == Decimal("123.45")
    assert str(fen_to_yuan(-5)) == "-0.05"
    with pytest.raises(ValueError, match="fractions of a fen"):
        yuan_to_fen(Decimal("0.005"))
    assert yuan_to_fen(Decimal("0.005"), ROUND_HALF_UP) == 1
    assert yuan_to_fen(Decimal("0.005"), ROUND_HALF_EVEN) == 0
    with pytest.raises(TypeError):
        yuan_to_fen(1.23)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fen_to_yuan(1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["1e3", "1E-2", "NaN", "nan", "Infinity", "-inf", "", " 1", "1 ", ".5", "5.", "1,5",
             "0x10", "1_000", "١٢", "1\n", "--1"]
)
def test_parse_decimal_refuses_anything_but_plain_notation(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)
    with pytest.raises(ValueError):
        parse_rate(text)


def test_parse_rate_keeps_scale_and_refuses_negative() -> None:
    assert parse_rate("0.2400") == Decimal("0.24")
    assert str(parse_rate("0.2400")) == "0.2400"
    assert parse_rate("+0.1") == Decimal("0.1")
    with pytest.raises(ValueError):
        parse_rate("-0.01")
    with pytest.raises(ValueError):
        parse_rate("1" * 100)
    with pytest.raises(TypeError):
        parse_rate(0.24)  # type: ignore[arg-type]


def test_daily_rate_uses_360_by_default() -> None:
    assert daily_rate(Decimal("0.36")) == Decimal("0.001")
    assert daily_rate(Decimal("0.365"), DayCount.ACT_365) == Decimal("0.001")


def test_interest_is_rounded_once_at_the_end() -> None:
    # 10,000.00 yuan at 24% for 30 days on ACT/360: 1,000,000 x 0.24 x 30 / 360 = 20,000 fen.
    assert accrue_interest_fen(1_000_000, Decimal("0.24"), 30) == 20_000
    # 333 fen x 0.18 x 1 / 360 = 0.1665 fen -> 0 (half-up rounds 0.1665 down).
    assert accrue_interest_fen(333, Decimal("0.18"), 1) == 0
    # 1,000 fen x 0.0365 x 15 / 365 = 1.5 fen: half-up 2, half-even 2, down 1.
    args = (1000, Decimal("0.0365"), 15)
    assert accrue_interest_fen(*args, day_count=DayCount.ACT_365) == 2
    assert accrue_interest_fen(*args, day_count=DayCount.ACT_365, rule=ROUND_DOWN) == 1


def test_allocate_examples() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [Decimal("0.5"), Decimal("0.25"), Decimal("0.25")]) == [5, 3, 2]
    assert allocate(5, [0, 1]) == [0, 5]
    assert allocate(0, [3, 4]) == [0, 0]
    with pytest.raises(ValueError):
        allocate(10, [])
    with pytest.raises(ValueError):
        allocate(10, [0, 0])
    with pytest.raises(ValueError):
        allocate(10, [1, -1])
    with pytest.raises(TypeError):
        allocate(10, [0.5, 0.5])  # type: ignore[list-item]


weights = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)


@given(total=st.integers(min_value=-(10**15), max_value=10**15), ws=weights)
def test_allocate_sums_exactly_and_stays_within_one_fen_of_the_exact_share(
    total: int, ws: list[int]
) -> None:
    parts = allocate(total, ws)
    assert sum(parts) == total
    assert len(parts) == len(ws)
    for part, weight in zip(parts, ws, strict=True):
        exact = Decimal(abs(total)) * weight / sum(ws)
        assert abs(Decimal(abs(part)) - exact) < 1
        if weight == 0:
            assert part == 0


@given(
    total=st.integers(min_value=0, max_value=10**12),
    ws=st.lists(
        st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=12,
    ).filter(lambda ws: sum(ws) > 0),
)
def test_allocate_with_decimal_weights_sums_exactly(total: int, ws: list[Decimal]) -> None:
    assert sum(allocate(total, ws)) == total


@given(amount=st.integers(min_value=-(10**15), max_value=10**15))
def test_yuan_round_trip(amount: int) -> None:
    assert yuan_to_fen(fen_to_yuan(amount)) == amount


def test_money_refuses_floats_and_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(Decimal("100"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)
    with pytest.raises(TypeError):
        Money(100) * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(100) + 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(100) + 1  # type: ignore[operator]
    with pytest.raises(ValueError, match="mix currencies"):
        Money(100, "CNY") + Money(100, "USD")
    with pytest.raises(ValueError, match="mix currencies"):
        _ = Money(100, "CNY") < Money(100, "USD")
    with pytest.raises(ValueError):
        Money(1, "cny")
    with pytest.raises(TypeError):
        Money(100).scale(0.1)  # type: ignore[arg-type]


def test_money_arithmetic() -> None:
    a, b = Money(1050), Money(250)
    assert a + b == Money(1300)
    assert a - b == Money(800)
    assert -a == Money(-1050)
    assert a * 3 == 3 * a == Money(3150)
    assert b < a and a >= b
    assert Money.of_yuan("10.50") == a
    assert a.yuan == Decimal("10.50")
    assert str(a) == "10.50 CNY"
    assert a.scale(Decimal("0.0005")) == Money(1)  # 0.525 fen -> 1 (half-up)
    assert a.scale(Decimal("0.0005"), ROUND_DOWN) == Money(0)
    assert sum(Money(1000).allocate([1, 2]), Money.zero()) == Money(1000)
    assert not Money.zero()
    with pytest.raises(ValueError):
        Money.of_yuan("1.001")
    with pytest.raises(ValueError):
        Money(2**63)
