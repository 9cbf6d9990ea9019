"""Delinquency rules: days past due, buckets, the five-category classification and penalty
interest. Plain Python (no grpc, no sqlalchemy); the daily cycle's set-based SQL is generated
from the same policy objects (see ``adapters/daily_cycle_sql.py``) and tested against these
functions.

Definitions (amounts in fen, dates are business dates):

* An installment of the schedule in force is **past due** on business date ``D`` when it is not
  fully paid, ``D > due_date + grace_days`` and what is still unpaid on it (principal +
  interest + penalty, waived penalty excluded) is above the **tolerance**. Within the grace
  period, or with arrears at or below the tolerance, it is merely *due*.
* Its **days past due** are counted from the due date: ``(D - due_date).days`` (grace days
  delay when arrears start to count, not the clock).
* A loan's days past due are those of its oldest past-due installment; 0 when none.
* Penalty interest accrues per installment on its unpaid principal at
  ``min(penalty rate, max(rate cap - current annual rate, 0))`` (so interest plus penalty
  stays within the cap), ACT/360, for every calendar day from the due date (once the grace
  period is over, the grace days accrue too). What accrues is kept exactly, as
  **principal-days** (unpaid principal fen x days), and the penalty is rounded **half-up to the
  fen once, on the cumulative total** (``penalty_for_principal_days``): running the daily cycle
  every day or every few days gives the same fen. Backdated postings and reversals recompute
  it by value date (``monitoring.domain.penalty``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from monitoring.domain.loans import DEFAULT_RATE_CAP, Classification

__all__ = [
    "Bucket",
    "BucketSet",
    "CLASSIFICATION_ORDER",
    "ClassificationThresholds",
    "DEFAULT_BUCKETS",
    "DEFAULT_TOLERANCE_FEN",
    "DelinquencyPolicy",
    "InstallmentArrears",
    "PENALTY_DAY_BASIS",
    "classify",
    "days_past_due",
    "effective_penalty_rate",
    "installment_days_past_due",
    "is_past_due",
    "oldest_past_due",
    "penalty_accrual_days",
    "penalty_for_days",
    "penalty_for_principal_days",
    "penalty_increment",
]

# Arrears of at most this many fen on an installment do not make it past due (a borrower who
# paid 0.50 short is not delinquent). Configurable per deployment.
DEFAULT_TOLERANCE_FEN: Final = 100
PENALTY_DAY_BASIS: Final = 360  # PBOC convention: daily rate = annual rate / 360

# Best first: comparisons ("no better than the floor") use this order.
CLASSIFICATION_ORDER: Final = (
    Classification.NORMAL,
    Classification.SPECIAL_MENTION,
    Classification.SUBSTANDARD,
    Classification.DOUBTFUL,
    Classification.LOSS,
)


@dataclass(frozen=True)
class Bucket:
    """A delinquency bucket: loans with ``min_days <= days past due <= max_days`` (``max_days``
    None = no upper bound)."""

    code: str
    min_days: int
    max_days: int | None

    def contains(self, days: int) -> bool:
        return days >= self.min_days and (self.max_days is None or days <= self.max_days)


@dataclass(frozen=True)
class BucketSet:
    """An ordered set of buckets covering 0..infinity without gaps or overlaps; the first is the
    current bucket (it must start at 0)."""

    buckets: tuple[Bucket, ...]

    def __post_init__(self) -> None:
        if not self.buckets or self.buckets[0].min_days != 0:
            raise ValueError("the first bucket must start at 0 days past due")
        for before, after in zip(self.buckets, self.buckets[1:], strict=False):
            if before.max_days is None or after.min_days != before.max_days + 1:
                raise ValueError(f"buckets {before.code} and {after.code} leave a gap or overlap")
        if self.buckets[-1].max_days is not None:
            raise ValueError("the last bucket must be open-ended")
        codes = [b.code for b in self.buckets]
        if len(set(codes)) != len(codes):
            raise ValueError("bucket codes must be unique")

    @property
    def current(self) -> str:
        return self.buckets[0].code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(b.code for b in self.buckets)

    def bucket_for(self, days_past_due: int) -> str:
        """The code of the bucket holding ``days_past_due`` (>= 0)."""
        if days_past_due < 0:
            raise ValueError("days past due cannot be negative")
        for bucket in self.buckets:
            if bucket.contains(days_past_due):
                return bucket.code
        raise AssertionError("bucket set is not exhaustive")  # pragma: no cover - validated

    @classmethod
    def from_bounds(cls, spec: str) -> BucketSet:
        """Parse ``"M0:0,M1:1,M2:31,…,M7+:181"`` (code:first day past due, in order)."""
        pairs: list[tuple[str, int]] = []
        for part in spec.split(","):
            code, _, first_day = part.strip().partition(":")
            if not code or not first_day.strip().isdigit():
                raise ValueError(f"bad bucket spec {part!r}; expected CODE:FIRST_DAY")
            pairs.append((code.strip(), int(first_day)))
        buckets = []
        for index, (code, start) in enumerate(pairs):
            end = pairs[index + 1][1] - 1 if index + 1 < len(pairs) else None
            buckets.append(Bucket(code, start, end))
        return cls(tuple(buckets))


DEFAULT_BUCKETS: Final = BucketSet(
    (
        Bucket("M0", 0, 0),
        Bucket("M1", 1, 30),
        Bucket("M2", 31, 60),
        Bucket("M3", 61, 90),
        Bucket("M4", 91, 120),
        Bucket("M5", 121, 150),
        Bucket("M6", 151, 180),
        Bucket("M7+", 181, None),
    )
)


@dataclass(frozen=True)
class ClassificationThresholds:
    """First day past due of each worse category (days past due -> five categories). Defaults
    follow the 2023 NFRA/PBOC asset risk classification measures for retail loans: any arrears
    at least special mention, over 90 days substandard, over 270 doubtful, over 360 loss."""

    special_mention_from: int = 1
    substandard_from: int = 91
    doubtful_from: int = 271
    loss_from: int = 361

    def __post_init__(self) -> None:
        bounds = (self.special_mention_from, self.substandard_from, self.doubtful_from,
                  self.loss_from)
        if bounds[0] < 1 or any(a >= b for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValueError("classification thresholds must be increasing and start at >= 1")

    @property
    def ladder(self) -> tuple[tuple[int, Classification], ...]:
        """(first day, category) from the worst down."""
        return (
            (self.loss_from, Classification.LOSS),
            (self.doubtful_from, Classification.DOUBTFUL),
            (self.substandard_from, Classification.SUBSTANDARD),
            (self.special_mention_from, Classification.SPECIAL_MENTION),
        )


@dataclass(frozen=True)
class DelinquencyPolicy:
    """Deployment settings of delinquency: tolerance (fen), buckets, classification thresholds
    and the rate cap that bounds penalty interest."""

    tolerance_fen: int = DEFAULT_TOLERANCE_FEN
    buckets: BucketSet = DEFAULT_BUCKETS
    classification: ClassificationThresholds = field(default_factory=ClassificationThresholds)
    rate_cap: Decimal = DEFAULT_RATE_CAP

    def __post_init__(self) -> None:
        if self.tolerance_fen < 0:
            raise ValueError("tolerance must be >= 0 fen")


@dataclass(frozen=True)
class InstallmentArrears:
    """What the rules need of one installment of the schedule in force (fen)."""

    due_date: dt.date
    unpaid_fen: int  # principal + interest + penalty still unpaid, waived penalty excluded
    settled: bool = False


def is_past_due(
    item: InstallmentArrears, business_date: dt.date, *, grace_days: int, tolerance_fen: int
) -> bool:
    """Past due: unsettled, beyond the grace period and with arrears above the tolerance."""
    return (
        not item.settled
        and business_date > item.due_date + dt.timedelta(days=grace_days)
        and item.unpaid_fen > tolerance_fen
    )


def installment_days_past_due(
    item: InstallmentArrears, business_date: dt.date, *, grace_days: int, tolerance_fen: int
) -> int:
    """Days past due of one installment (counted from its due date), 0 unless past due."""
    if not is_past_due(item, business_date, grace_days=grace_days, tolerance_fen=tolerance_fen):
        return 0
    return (business_date - item.due_date).days


def days_past_due(
    installments: Iterable[InstallmentArrears],
    business_date: dt.date,
    *,
    grace_days: int,
    tolerance_fen: int = DEFAULT_TOLERANCE_FEN,
) -> int:
    """A loan's days past due on ``business_date``: those of its oldest past-due installment of
    the schedule in force; 0 when none is past due."""
    return max(
        (
            installment_days_past_due(
                i, business_date, grace_days=grace_days, tolerance_fen=tolerance_fen
            )
            for i in installments
        ),
        default=0,
    )


def classify(
    days: int,
    thresholds: ClassificationThresholds = ClassificationThresholds(),  # noqa: B008 - frozen
    *,
    floor: Classification | None = None,
) -> Classification:
    """The five-category classification for ``days`` past due, no better than ``floor`` (set by
    restructuring during an observation period)."""
    result = Classification.NORMAL
    for first_day, category in thresholds.ladder:
        if days >= first_day:
            result = category
            break
    if floor is not None and CLASSIFICATION_ORDER.index(floor) > CLASSIFICATION_ORDER.index(
        result
    ):
        return floor
    return result


def effective_penalty_rate(
    penalty_annual_rate: Decimal, current_annual_rate: Decimal, rate_cap: Decimal
) -> Decimal:
    """The penalty rate actually charged: the contract's, cut so that interest plus penalty do
    not exceed the cap (never negative)."""
    headroom = max(rate_cap - current_annual_rate, Decimal(0))
    return min(penalty_annual_rate, headroom)


def penalty_for_principal_days(principal_days: int, annual_rate: Decimal) -> int:
    """Penalty interest (fen) on ``principal_days`` (unpaid principal fen x days) at
    ``annual_rate``, ACT/360, rounded half-up to the fen once. Applied to an installment's
    cumulative principal-days, never per run, so rounding does not depend on how the days were
    split into daily-cycle runs."""
    if principal_days <= 0 or annual_rate <= 0:
        return 0
    exact = Decimal(principal_days) * annual_rate / PENALTY_DAY_BASIS
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def penalty_increment(
    principal_days: int, principal_days_added: int, annual_rate: Decimal
) -> int:
    """What one daily-cycle run adds to an installment's penalty (fen) when it adds
    ``principal_days_added`` to the ``principal_days`` accrued before: the penalty of the new
    total less the penalty of the old one (the cycle's SQL does the same)."""
    return penalty_for_principal_days(
        principal_days + principal_days_added, annual_rate
    ) - penalty_for_principal_days(principal_days, annual_rate)


def penalty_for_days(
    unpaid_principal_fen: int, annual_rate: Decimal, days: int
) -> int:
    """Penalty interest (fen) on ``unpaid_principal_fen`` at ``annual_rate`` for ``days`` days,
    ACT/360, rounded half-up to the fen once."""
    if unpaid_principal_fen <= 0 or days <= 0:
        return 0
    return penalty_for_principal_days(unpaid_principal_fen * days, annual_rate)


def penalty_accrual_days(
    due_date: dt.date,
    accrued_through: dt.date | None,
    business_date: dt.date,
    *,
    grace_days: int,
) -> int:
    """Days of penalty to accrue on ``business_date`` for an installment past due beyond grace:
    from the day after ``accrued_through`` (or from the due date when nothing accrued yet) up to
    and including ``business_date``; 0 within the grace period."""
    if business_date <= due_date + dt.timedelta(days=grace_days):
        return 0
    start = max(accrued_through or due_date, due_date)
    return max((business_date - start).days, 0)


def oldest_past_due(
    installments: Sequence[InstallmentArrears],
    business_date: dt.date,
    *,
    grace_days: int,
    tolerance_fen: int = DEFAULT_TOLERANCE_FEN,
) -> InstallmentArrears | None:
    """The oldest past-due installment, or None."""
    due = [
        i for i in installments
        if is_past_due(i, business_date, grace_days=grace_days, tolerance_fen=tolerance_fen)
    ]
    return min(due, key=lambda i: i.due_date) if due else None
