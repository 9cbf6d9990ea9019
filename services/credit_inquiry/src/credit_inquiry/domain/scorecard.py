"""A points-based scorecard: every feature value falls in one bin, every bin carries points.

Plain Python, exact arithmetic (``Decimal``). The score is ``base_score`` plus the points of
each feature's bin; ``base_score`` sits at ``base_odds`` (good:bad) and every
``points_to_double_odds`` (PDO) points double the odds, so the odds a score implies are
``base_odds * 2 ** ((score - base_score) / PDO)``.

Explanations (PIPL Art.24): a feature *lowers* the score by ``best_points - points``, what its
best bin would have given minus what it gave. The reason codes are the features that lost the
most points, worst first (ties in model order). A feature whose value is unavailable (its report
section was not authorized) gives 0 points, loses nothing and yields no reason code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any, Final

MAX_REASON_CODES: Final = 4
UNAVAILABLE_LABEL: Final = "not available (section not authorized, or nothing to measure)"


def _label(lower: Decimal | None, upper: Decimal | None) -> str:
    low = "-inf" if lower is None else str(lower)
    high = "+inf" if upper is None else str(upper)
    return f"[{low}, {high})"


@dataclass(frozen=True)
class Bin:
    """``[lower, upper)``; ``None`` is open on that side."""

    lower: Decimal | None
    upper: Decimal | None
    points: int

    def __post_init__(self) -> None:
        if self.lower is not None and self.upper is not None and self.upper <= self.lower:
            raise ValueError("a bin's upper bound must be above its lower bound")

    @property
    def label(self) -> str:
        return _label(self.lower, self.upper)

    def contains(self, value: Decimal) -> bool:
        return (self.lower is None or value >= self.lower) and (
            self.upper is None or value < self.upper
        )


@dataclass(frozen=True)
class Feature:
    name: str
    reason_code: str
    explanation: str
    bins: tuple[Bin, ...]

    def __post_init__(self) -> None:
        if not self.bins:
            raise ValueError(f"feature {self.name} has no bins")
        if self.bins[0].lower is not None or self.bins[-1].upper is not None:
            raise ValueError(f"feature {self.name}: bins must cover every value (open ends)")
        for left, right in zip(self.bins, self.bins[1:], strict=False):
            if left.upper is None or left.upper != right.lower:
                raise ValueError(f"feature {self.name}: bins must be contiguous, ascending")

    @property
    def best_points(self) -> int:
        return max(b.points for b in self.bins)

    def bin_for(self, value: Decimal) -> Bin:
        for candidate in self.bins:
            if candidate.contains(value):
                return candidate
        raise AssertionError("contiguous open-ended bins cover every value")  # pragma: no cover


@dataclass(frozen=True)
class Contribution:
    feature: str
    value: Decimal | None
    bin_label: str
    points: int
    best_points: int
    reason_code: str
    explanation: str

    @property
    def points_lost(self) -> int:
        return self.best_points - self.points


@dataclass(frozen=True)
class ScoreResult:
    score: int
    model_version: str
    reason_codes: tuple[str, ...]
    contributions: tuple[Contribution, ...]
    implied_odds: Decimal


@dataclass(frozen=True)
class ScoringModel:
    model_version: str
    base_score: int
    base_odds: Decimal
    points_to_double_odds: Decimal
    features: tuple[Feature, ...]

    def __post_init__(self) -> None:
        if self.base_odds <= 0 or self.points_to_double_odds <= 0:
            raise ValueError("base odds and PDO must be positive")
        names = [f.name for f in self.features]
        if len(names) != len(set(names)):
            raise ValueError("feature names must be unique")

    def implied_odds(self, score: int) -> Decimal:
        """Good:bad odds at ``score``, rounded to 4 places."""
        with localcontext() as ctx:
            ctx.prec = 28
            exponent = Decimal(score - self.base_score) / self.points_to_double_odds
            odds = self.base_odds * (Decimal(2) ** exponent)
        return odds.quantize(Decimal("0.0001"))

    def score(self, values: Mapping[str, Decimal | None]) -> ScoreResult:
        """Score the feature ``values`` (missing or None = unavailable)."""
        contributions: list[Contribution] = []
        for feature in self.features:
            value = values.get(feature.name)
            if value is None:
                contributions.append(
                    Contribution(feature.name, None, UNAVAILABLE_LABEL, 0, 0,
                                 feature.reason_code, feature.explanation)
                )
                continue
            chosen = feature.bin_for(value)
            contributions.append(
                Contribution(feature.name, value, chosen.label, chosen.points,
                             feature.best_points, feature.reason_code, feature.explanation)
            )
        total = self.base_score + sum(c.points for c in contributions)
        losers = sorted(
            (c for c in contributions if c.points_lost > 0),
            key=lambda c: -c.points_lost,  # stable: ties keep model order
        )
        return ScoreResult(
            score=total,
            model_version=self.model_version,
            reason_codes=tuple(c.reason_code for c in losers[:MAX_REASON_CODES]),
            contributions=tuple(contributions),
            implied_odds=self.implied_odds(total),
        )

    # --- configuration (JSON) -------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringModel:
        """A model from its JSON form (see :data:`DEFAULT_MODEL_JSON`); bounds are strings."""

        def bound(text: Any) -> Decimal | None:
            return None if text is None or text == "" else Decimal(str(text))

        def points(value: Any, what: str) -> int:
            # Whole points only: a fitted model's 12.7 must be rounded by whoever fits it, not
            # truncated here without a word.
            number = Decimal(str(value))
            if number != number.to_integral_value():
                raise ValueError(f"{what} must be a whole number of points, got {value}")
            return int(number)

        return cls(
            model_version=str(data["model_version"]),
            base_score=points(data["base_score"], "base_score"),
            base_odds=Decimal(str(data["base_odds"])),
            points_to_double_odds=Decimal(str(data["points_to_double_odds"])),
            features=tuple(
                Feature(
                    name=str(f["feature"]),
                    reason_code=str(f["reason_code"]),
                    explanation=str(f["explanation"]),
                    bins=tuple(
                        Bin(bound(b.get("lower")), bound(b.get("upper")),
                            points(b["points"], f"feature {f['feature']}: points"))
                        for b in f["bins"]
                    ),
                )
                for f in data["features"]
            ),
        )


def _bins(edges: Sequence[str], points: Sequence[int]) -> list[dict[str, Any]]:
    """Bins from inner edges: ``edges=[1, 3]`` and three points give (-inf, 1), [1, 3),
    [3, +inf)."""
    bounds: list[str | None] = [None, *edges, None]
    return [
        {"lower": bounds[i], "upper": bounds[i + 1], "points": points[i]}
        for i in range(len(points))
    ]


# The built-in model. Bins follow common credit-scoring practice (delinquency dominates, then
# multi-lending and utilization); points are illustrative, not fitted on real outcomes.
DEFAULT_MODEL_JSON: Final[dict[str, Any]] = {
    "model_version": "scorecard-2025.1",
    "base_score": 600,
    "base_odds": "50",
    "points_to_double_odds": "20",
    "features": [
        {"feature": "worst_status_24_months", "reason_code": "RC_DELINQUENCY_SEVERITY",
         "explanation": "A repayment was seriously late in the last 24 months.",
         "bins": _bins(["1", "2", "3"], [30, 0, -30, -70])},
        {"feature": "overdue_months_24_months", "reason_code": "RC_OVERDUE_FREQUENCY",
         "explanation": "Repayments were late in several months of the last 24.",
         "bins": _bins(["1", "3", "6"], [20, 0, -20, -45])},
        {"feature": "accounts_currently_overdue", "reason_code": "RC_CURRENTLY_OVERDUE",
         "explanation": "At least one account is overdue now.",
         "bins": _bins(["1", "2"], [15, -35, -60])},
        {"feature": "revolving_utilization", "reason_code": "RC_UTILIZATION",
         "explanation": "A large share of revolving credit limits is in use.",
         "bins": _bins(["0.3", "0.7", "0.9"], [25, 5, -15, -35])},
        {"feature": "inquiries_last_1_month", "reason_code": "RC_INQUIRIES_1M",
         "explanation": "Several lenders queried the credit report in the last month.",
         "bins": _bins(["1", "3"], [10, 0, -25])},
        {"feature": "inquiries_last_3_months", "reason_code": "RC_INQUIRIES_3M",
         "explanation": "Many credit applications in the last 3 months (multi-lending).",
         "bins": _bins(["2", "4", "7"], [15, 0, -20, -45])},
        {"feature": "inquiries_last_6_months", "reason_code": "RC_INQUIRIES_6M",
         "explanation": "Many credit applications in the last 6 months.",
         "bins": _bins(["3", "6", "10"], [10, 0, -15, -30])},
        {"feature": "oldest_account_age_months", "reason_code": "RC_SHORT_HISTORY",
         "explanation": "The credit history is short.",
         "bins": _bins(["12", "36", "84"], [-20, 0, 15, 25])},
        {"feature": "public_records", "reason_code": "RC_PUBLIC_RECORDS",
         "explanation": "The report shows court judgments, enforcement, tax arrears or penalties.",
         "bins": _bins(["1", "2"], [10, -40, -70])},
    ],
}

DEFAULT_MODEL: Final = ScoringModel.from_dict(DEFAULT_MODEL_JSON)
