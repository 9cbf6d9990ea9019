"""Tiering strategies as data: risk segments (score × outstanding principal), days-past-due bands
per segment mapped to a tier and its treatments; the validation every version passes; and the
deterministic champion/challenger draw.

Plain Python (no grpc, protobuf or sqlalchemy). Amounts are integer fen; scores are integers.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from postloan_runtime.errors import FailedPrecondition


class Tier(StrEnum):
    """Collection tiers, from the mildest treatment to write-off."""

    EARLY = "EARLY"
    MIDDLE = "MIDDLE"
    LATE = "LATE"
    WRITE_OFF = "WRITE_OFF"

    @property
    def rank(self) -> int:
        return TIER_ORDER.index(self)


TIER_ORDER: Final = (Tier.EARLY, Tier.MIDDLE, Tier.LATE, Tier.WRITE_OFF)


def next_tier(tier: Tier) -> Tier | None:
    """The tier one step up, or None at the highest tier."""
    return TIER_ORDER[tier.rank + 1] if tier.rank + 1 < len(TIER_ORDER) else None


def higher_tier(a: Tier, b: Tier | None) -> Tier:
    return a if b is None or a.rank >= b.rank else b


class Treatment(StrEnum):
    SMS = "SMS"
    APP_PUSH = "APP_PUSH"
    IVR = "IVR"
    AGENT_CALL = "AGENT_CALL"
    EMAIL = "EMAIL"
    LAWYER_LETTER = "LAWYER_LETTER"
    FIELD_VISIT = "FIELD_VISIT"
    LITIGATION = "LITIGATION"
    PROPERTY_PRESERVATION = "PROPERTY_PRESERVATION"
    ENFORCEMENT = "ENFORCEMENT"
    NEGATIVE_CREDIT_REPORTING = "NEGATIVE_CREDIT_REPORTING"
    AGENCY_PLACEMENT = "AGENCY_PLACEMENT"
    WRITE_OFF = "WRITE_OFF"


class Arm(StrEnum):
    CHAMPION = "CHAMPION"
    CHALLENGER = "CHALLENGER"


class Reasons:
    """FAILED_PRECONDITION reasons of StrategyService, as documented in collection.proto."""

    BANDS_OVERLAP = "BANDS_OVERLAP"
    BANDS_GAP = "BANDS_GAP"
    UNKNOWN_RISK_SEGMENT = "UNKNOWN_RISK_SEGMENT"
    IS_CHALLENGER = "IS_CHALLENGER"
    IS_CHAMPION = "IS_CHAMPION"
    NO_CHAMPION = "NO_CHAMPION"


@dataclass(frozen=True)
class RiskSegment:
    """Scores inclusive on both ends; outstanding principal from inclusive to exclusive (fen).
    None means unbounded. The segment with the lowest ``priority`` that matches applies (none
    matching: the last by priority, see :func:`risk_segment_for`)."""

    code: str
    min_score: int | None
    max_score: int | None
    min_outstanding_fen: int | None
    max_outstanding_fen: int | None
    priority: int

    def matches(self, score: int | None, outstanding_fen: int) -> bool:
        if score is None and (self.min_score is not None or self.max_score is not None):
            return False
        if self.min_score is not None and score is not None and score < self.min_score:
            return False
        if self.max_score is not None and score is not None and score > self.max_score:
            return False
        if self.min_outstanding_fen is not None and outstanding_fen < self.min_outstanding_fen:
            return False
        return self.max_outstanding_fen is None or outstanding_fen < self.max_outstanding_fen


@dataclass(frozen=True)
class TierRule:
    """Days past due from ``min_days_past_due`` to ``max_days_past_due`` inclusive (None: no
    upper bound) in ``risk_segment`` → ``tier`` with ``treatments`` in order of use."""

    min_days_past_due: int
    max_days_past_due: int | None
    risk_segment: str
    tier: Tier
    treatments: tuple[Treatment, ...]

    @property
    def band(self) -> str:
        upper = "" if self.max_days_past_due is None else str(self.max_days_past_due)
        return f"{self.min_days_past_due}-{upper or '∞'}"

    def covers(self, days_past_due: int) -> bool:
        return self.min_days_past_due <= days_past_due and (
            self.max_days_past_due is None or days_past_due <= self.max_days_past_due
        )


@dataclass(frozen=True)
class StrategyDefinition:
    name: str
    description: str
    risk_segments: tuple[RiskSegment, ...]
    tier_rules: tuple[TierRule, ...]
    pre_due_treatments: tuple[Treatment, ...]


def validate_strategy(definition: StrategyDefinition) -> None:
    """Refuse a strategy whose rules name an unknown segment (UNKNOWN_RISK_SEGMENT) or whose
    bands, per segment, overlap (BANDS_OVERLAP) or leave days past due from 1 upwards uncovered
    (BANDS_GAP). The message and metadata name the segment and the bands concerned."""
    codes = {s.code for s in definition.risk_segments}
    unknown = sorted({r.risk_segment for r in definition.tier_rules} - codes)
    if unknown:
        raise FailedPrecondition(
            Reasons.UNKNOWN_RISK_SEGMENT,
            f"tier rules name risk segments the strategy does not define: {', '.join(unknown)}",
            metadata={"risk_segments": ",".join(unknown)},
        )
    for segment in sorted(definition.risk_segments, key=lambda s: s.priority):
        rules = sorted(
            (r for r in definition.tier_rules if r.risk_segment == segment.code),
            key=lambda r: r.min_days_past_due,
        )
        _check_bands(segment.code, rules)


def _check_bands(segment: str, rules: Sequence[TierRule]) -> None:
    expected = 1  # the next day past due that must be covered
    previous: TierRule | None = None
    for rule in rules:
        if previous is not None and (
            previous.max_days_past_due is None
            or rule.min_days_past_due <= previous.max_days_past_due
        ):
            raise FailedPrecondition(
                Reasons.BANDS_OVERLAP,
                f"risk segment {segment}: days-past-due bands {previous.band} and {rule.band} "
                "overlap",
                metadata={"risk_segment": segment, "bands": f"{previous.band},{rule.band}"},
            )
        if rule.min_days_past_due > expected:
            missing = f"{expected}-{rule.min_days_past_due - 1}"
            raise FailedPrecondition(
                Reasons.BANDS_GAP,
                f"risk segment {segment}: days past due {missing} are not covered by any band",
                metadata={"risk_segment": segment, "bands": missing},
            )
        previous = rule
        if rule.max_days_past_due is not None:
            expected = rule.max_days_past_due + 1
    if previous is None or previous.max_days_past_due is not None:
        missing = f"{expected}-∞"
        raise FailedPrecondition(
            Reasons.BANDS_GAP,
            f"risk segment {segment}: days past due {missing} are not covered by any band",
            metadata={"risk_segment": segment, "bands": missing},
        )


def risk_segment_for(
    segments: Sequence[RiskSegment], score: int | None, outstanding_fen: int
) -> RiskSegment | None:
    """The first segment by priority that matches; when none does, the last by priority (so
    every case gets a tier: validation does not require a catch-all segment). None only when
    there are no segments. The case repository's RETIER_SQL applies the same rule."""
    ordered = sorted(segments, key=lambda s: (s.priority, s.code))
    for segment in ordered:
        if segment.matches(score, outstanding_fen):
            return segment
    return ordered[-1] if ordered else None


def rule_for(rules: Sequence[TierRule], segment: str, days_past_due: int) -> TierRule | None:
    for rule in rules:
        if rule.risk_segment == segment and rule.covers(max(days_past_due, 1)):
            return rule
    return None


# The draw is made in basis points of the case id's SHA-256, so the same case always lands in
# the same arm (a retried event or a replay cannot move it) and shares are exact to 0.01%.
ARM_DRAW_SCALE: Final = 10_000


def arm_draw(case_id: uuid.UUID) -> int:
    """0..9999, uniform over case ids, fixed per case id."""
    digest = hashlib.sha256(case_id.bytes).digest()
    return int.from_bytes(digest[:8], "big") % ARM_DRAW_SCALE


def choose_arm(case_id: uuid.UUID, challenger_share: Decimal | None) -> Arm:
    """CHALLENGER for a ``challenger_share`` fraction of case ids, CHAMPION otherwise."""
    if challenger_share is None or challenger_share <= 0:
        return Arm.CHAMPION
    threshold = int(challenger_share * ARM_DRAW_SCALE)
    return Arm.CHALLENGER if arm_draw(case_id) < threshold else Arm.CHAMPION
