"""Strategy rules as worked examples: band validation (overlap, gap, open end, unknown
segment), segment choice, and the champion/challenger draw (share, stability)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from collection.domain.cases import PromiseState, promise_outcome, promise_required_fen
from collection.domain.strategies import (
    Arm,
    RiskSegment,
    StrategyDefinition,
    Tier,
    TierRule,
    Treatment,
    choose_arm,
    next_tier,
    risk_segment_for,
    validate_strategy,
)
from postloan_runtime.errors import FailedPrecondition

pytestmark = pytest.mark.unit

LOW = RiskSegment("LOW_RISK", 650, None, None, None, 1)
ANY = RiskSegment("STANDARD", None, None, None, None, 2)


def rule(lo: int, hi: int | None, segment: str = "STANDARD", tier: Tier = Tier.EARLY) -> TierRule:
    return TierRule(lo, hi, segment, tier, (Treatment.SMS,))


def strategy(*rules: TierRule, segments=(ANY,)) -> StrategyDefinition:
    return StrategyDefinition("s", "", tuple(segments), tuple(rules), ())


def refusal(definition: StrategyDefinition) -> FailedPrecondition:
    with pytest.raises(FailedPrecondition) as error:
        validate_strategy(definition)
    return error.value


def test_bands_covering_one_upwards_pass() -> None:
    validate_strategy(strategy(rule(1, 30), rule(31, 90), rule(91, None)))


def test_overlap_names_both_bands() -> None:
    error = refusal(strategy(rule(1, 30), rule(30, None)))
    assert error.reason == "BANDS_OVERLAP"
    assert error.metadata == {"risk_segment": "STANDARD", "bands": "1-30,30-∞"}


def test_gap_names_the_missing_days() -> None:
    error = refusal(strategy(rule(1, 30), rule(36, None)))
    assert error.reason == "BANDS_GAP" and error.metadata["bands"] == "31-35"
    assert refusal(strategy(rule(2, None))).metadata["bands"] == "1-1"
    assert refusal(strategy(rule(1, 30))).metadata["bands"] == "31-∞"
    # Every segment needs its own full set of bands.
    error = refusal(strategy(rule(1, None), segments=(ANY, LOW)))
    assert error.metadata == {"risk_segment": "LOW_RISK", "bands": "1-∞"}


def test_unknown_segment() -> None:
    assert refusal(strategy(rule(1, None, segment="VIP"))).reason == "UNKNOWN_RISK_SEGMENT"


def test_segment_choice_by_priority_and_missing_score() -> None:
    assert risk_segment_for([LOW, ANY], 700, 1_000) is LOW
    assert risk_segment_for([LOW, ANY], 600, 1_000) is ANY
    assert risk_segment_for([LOW, ANY], None, 1_000) is ANY  # no score: unbounded only


def test_challenger_share_and_stability() -> None:
    ids = [uuid.UUID(int=i * 7919 + 1) for i in range(20_000)]
    arms = [choose_arm(i, Decimal("0.2")) for i in ids]
    share = arms.count(Arm.CHALLENGER) / len(ids)
    assert 0.19 <= share <= 0.21
    assert arms == [choose_arm(i, Decimal("0.2")) for i in ids]  # same id, same arm
    assert choose_arm(ids[0], None) is Arm.CHAMPION


def test_escalation_order() -> None:
    assert next_tier(Tier.EARLY) is Tier.MIDDLE and next_tier(Tier.WRITE_OFF) is None


def test_promise_threshold_and_deadline() -> None:
    day = dt.date(2025, 6, 5)
    assert promise_required_fen(1001, Decimal("0.9")) == 901
    kept = promise_outcome(amount_fen=1001, paid_fen=901, threshold=Decimal("0.9"),
                           promised_date=day, grace_days=2, today=day)
    assert kept is PromiseState.KEPT
    still_open = promise_outcome(amount_fen=1001, paid_fen=900, threshold=Decimal("0.9"),
                                 promised_date=day, grace_days=2, today=day + dt.timedelta(2))
    assert still_open is PromiseState.OPEN
    broken = promise_outcome(amount_fen=1001, paid_fen=900, threshold=Decimal("0.9"),
                             promised_date=day, grace_days=2, today=day + dt.timedelta(3))
    assert broken is PromiseState.BROKEN
