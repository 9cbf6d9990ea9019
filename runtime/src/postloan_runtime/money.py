"""Money and rates: amounts are integer fen (``int``), rates are ``Decimal``, never ``float``.

Rounding is always explicit. The default rule is **half-up to the fen** (四舍五入), which is what
Chinese consumer-loan contracts usually state; half-even (banker's rounding) and round-down
(truncation, e.g. for amounts in the borrower's favour) are available by name. Round once, at
the end of a computation (interest for a period = principal x annual rate x days / basis,
rounded once), not at each step.

Day count: the People's Bank of China rule is daily rate = annual rate / 360 (``ACT_360``);
some contracts use 365 (``ACT_365``). The basis is a parameter so the contract decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from enum import Enum
from typing import Final

__all__ = [
    "ROUND_DOWN",
    "ROUND_HALF_EVEN",
    "ROUND_HALF_UP",
    "CNY",
    "DayCount",
    "Money",
    "accrue_interest_fen",
    "allocate",
    "daily_rate",
    "fen_to_yuan",
    "parse_decimal",
    "parse_rate",
    "round_fen",
    "yuan_to_fen",
]

CNY: Final = "CNY"
FEN_PER_YUAN: Final = 100
ROUNDING_RULES: Final = frozenset({ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN})
DEFAULT_ROUNDING: Final = ROUND_HALF_UP

# Generous precision so intermediate products (fen x rate x days) stay exact before the one
# final rounding; int64 fen has 19 digits, rates rarely more than 10.
_CONTEXT: Final = Context(prec=60)
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_MAX_DECIMAL_LENGTH: Final = 64
_INT64_MAX: Final = 2**63 - 1


class DayCount(Enum):
    """Days in a year for turning an annual rate into a daily one."""

    ACT_360 = 360  # PBOC convention: daily rate = annual / 360 (the default)
    ACT_365 = 365


def _check_rule(rule: str) -> None:
    if rule not in ROUNDING_RULES:
        raise ValueError(
            f"rounding rule must be ROUND_HALF_UP, ROUND_HALF_EVEN or ROUND_DOWN, got {rule!r}"
        )


def _require_decimal(value: object, what: str) -> Decimal:
    # bool is an int: refuse it so True never becomes one fen.
    if isinstance(value, (float, bool)):
        raise TypeError(f"{what} must be a Decimal or int, never {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be finite")
        return value
    raise TypeError(f"{what} must be a Decimal or int, got {type(value).__name__}")


def round_fen(amount_fen: Decimal | int, rule: str = DEFAULT_ROUNDING) -> int:
    """Round an amount in (fractional) fen to whole fen with ``rule`` (default half-up).

    ``round_fen(Decimal("12.5"))`` is 13; with ``ROUND_HALF_EVEN`` 12; with ``ROUND_DOWN`` 12
    (towards zero, also for negative amounts).
    """
    _check_rule(rule)
    value = _require_decimal(amount_fen, "amount_fen")
    return int(value.quantize(Decimal(1), rounding=rule, context=_CONTEXT))


def yuan_to_fen(yuan: Decimal | int, rule: str | None = None) -> int:
    """Convert yuan to fen. Exact by default: more than two decimal places raise ValueError
    unless a rounding ``rule`` is given (then it rounds to the fen with that rule)."""
    value = _require_decimal(yuan, "yuan")
    fen = _CONTEXT.multiply(value, Decimal(FEN_PER_YUAN))
    if rule is None:
        if fen != fen.to_integral_value():
            raise ValueError("amount has fractions of a fen; pass a rounding rule")
        return int(fen)
    return round_fen(fen, rule)


def fen_to_yuan(fen: int) -> Decimal:
    """Fen as yuan with exactly two decimal places (``12345`` -> ``Decimal("123.45")``)."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, got {type(fen).__name__}")
    return _CONTEXT.divide(Decimal(fen), Decimal(FEN_PER_YUAN)).quantize(Decimal("0.01"))


def parse_decimal(text: str) -> Decimal:
    """Parse a ``DecimalValue`` string: optional sign, digits, optional point and digits.
    Refuses exponents (``1e3``), ``NaN``, ``Infinity``, blanks, ``.5`` and ``5.``
    with ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"decimal text must be a str, got {type(text).__name__}")
    if len(text) > _MAX_DECIMAL_LENGTH or not _PLAIN_DECIMAL.fullmatch(text):
        raise ValueError("not a plain decimal number (digits with an optional point, no exponent)")
    return Decimal(text)


def parse_rate(text: str) -> Decimal:
    """Parse a rate written as a decimal fraction (``"0.2400"`` is 24% a year). Refuses what
    :func:`parse_decimal` refuses, and negative rates."""
    rate = parse_decimal(text)
    if rate < 0:
        raise ValueError("a rate cannot be negative")
    return rate


def daily_rate(annual_rate: Decimal, day_count: DayCount = DayCount.ACT_360) -> Decimal:
    """The daily rate for an annual rate: ``annual / 360`` (default) or ``annual / 365``.
    Not rounded; round the final amount, not the rate."""
    rate = _require_decimal(annual_rate, "annual_rate")
    return _CONTEXT.divide(rate, Decimal(day_count.value))


def accrue_interest_fen(
    principal_fen: int,
    annual_rate: Decimal,
    days: int,
    *,
    day_count: DayCount = DayCount.ACT_360,
    rule: str = DEFAULT_ROUNDING,
) -> int:
    """Simple interest in fen on ``principal_fen`` for ``days`` days at ``annual_rate``:
    ``principal x annual_rate x days / basis``, rounded once with ``rule``."""
    if isinstance(principal_fen, bool) or not isinstance(principal_fen, int):
        raise TypeError("principal_fen must be an int")
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be an int")
    rate = _require_decimal(annual_rate, "annual_rate")
    exact = _CONTEXT.divide(
        _CONTEXT.multiply(_CONTEXT.multiply(Decimal(principal_fen), rate), Decimal(days)),
        Decimal(day_count.value),
    )
    return round_fen(exact, rule)


def allocate(total_fen: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Split ``total_fen`` in proportion to ``weights`` so the parts sum exactly to the total
    (largest-remainder method). Each part is the floor of its exact share; the fen left over go
    one each to the largest remainders, ties to the earlier weight. A negative total is split
    as its absolute value and negated. Weights are non-negative ints or Decimals (no floats)
    with a positive sum.
    """
    if isinstance(total_fen, bool) or not isinstance(total_fen, int):
        raise TypeError("total_fen must be an int")
    if not weights:
        raise ValueError("allocate needs at least one weight")
    exact_weights = [_require_decimal(w, "weight") for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("weights cannot be negative")
    weight_sum = sum(exact_weights, Decimal(0))
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total_fen < 0 else 1
    total = abs(total_fen)
    shares = [
        _CONTEXT.divide(_CONTEXT.multiply(Decimal(total), w), weight_sum) for w in exact_weights
    ]
    parts = [int(share.to_integral_value(rounding=ROUND_DOWN)) for share in shares]
    leftover = total - sum(parts)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return [sign * p for p in parts]


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: integer ``fen`` (minor units) and an ISO 4217 ``currency``.

    Arithmetic refuses to mix currencies (ValueError) and refuses floats (TypeError). Multiply
    only by ints; scale by a Decimal rate with :meth:`scale`, which rounds explicitly.
    """

    fen: int
    currency: str = CNY

    def __post_init__(self) -> None:
        if isinstance(self.fen, bool) or not isinstance(self.fen, int):
            raise TypeError(f"Money.fen must be an int, never {type(self.fen).__name__}")
        if not (isinstance(self.currency, str) and re.fullmatch(r"[A-Z]{3}", self.currency)):
            raise ValueError("currency must be a three-letter ISO 4217 code")
        if abs(self.fen) > _INT64_MAX:
            raise ValueError("amount exceeds the int64 range of minor units")

    @classmethod
    def zero(cls, currency: str = CNY) -> Money:
        return cls(0, currency)

    @classmethod
    def of_yuan(cls, yuan: Decimal | int | str, currency: str = CNY) -> Money:
        """``Money.of_yuan("123.45")`` is 12345 fen; more than two decimals raise ValueError."""
        value = parse_decimal(yuan) if isinstance(yuan, str) else yuan
        return cls(yuan_to_fen(value), currency)

    @property
    def yuan(self) -> Decimal:
        return fen_to_yuan(self.fen)

    def _same_currency(self, other: object) -> Money:
        if not isinstance(other, Money):
            if isinstance(other, float):
                raise TypeError("cannot combine Money with a float")
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"cannot mix currencies {self.currency} and {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + self._same_currency(other).fen, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - self._same_currency(other).fen, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.fen, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.fen), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("Money multiplies by int only; use scale() for a Decimal rate")
        return Money(self.fen * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.fen < self._same_currency(other).fen

    def __le__(self, other: Money) -> bool:
        return self.fen <= self._same_currency(other).fen

    def __gt__(self, other: Money) -> bool:
        return self.fen > self._same_currency(other).fen

    def __ge__(self, other: Money) -> bool:
        return self.fen >= self._same_currency(other).fen

    def __bool__(self) -> bool:
        return self.fen != 0

    def scale(self, factor: Decimal | int, rule: str = DEFAULT_ROUNDING) -> Money:
        """This amount times ``factor`` (e.g. a penalty rate), rounded to the fen by ``rule``."""
        exact = _CONTEXT.multiply(Decimal(self.fen), _require_decimal(factor, "factor"))
        return Money(round_fen(exact, rule), self.currency)

    def allocate(self, weights: Sequence[int | Decimal]) -> list[Money]:
        """Split into parts proportional to ``weights`` that sum exactly (see :func:`allocate`)."""
        return [Money(part, self.currency) for part in allocate(self.fen, weights)]

    def is_positive(self) -> bool:
        return self.fen > 0

    def is_negative(self) -> bool:
        return self.fen < 0

    def __str__(self) -> str:
        return f"{self.yuan} {self.currency}"
