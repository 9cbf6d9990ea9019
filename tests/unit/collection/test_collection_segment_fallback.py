"""The risk segment of a case no segment matches: the last by priority (as the set-based
retier in the case repository does), never none, so every case gets a tier."""

from __future__ import annotations

import pytest

from collection.domain.strategies import RiskSegment, risk_segment_for

pytestmark = pytest.mark.unit

GOOD = RiskSegment("GOOD", 700, None, None, None, 1)
FAIR = RiskSegment("FAIR", 500, 699, None, None, 2)
POOR = RiskSegment("POOR", 1, 499, None, None, 3)
SMALL = RiskSegment("SMALL", None, None, None, 50_000, 1)


def test_no_score_and_only_scored_segments_gives_the_last_by_priority() -> None:
    assert risk_segment_for([POOR, GOOD, FAIR], None, 1_000) is POOR


def test_no_segment_of_the_balance_gives_the_last_by_priority() -> None:
    big = RiskSegment("BIG_GOOD", 700, None, 100_000, None, 2)
    assert risk_segment_for([big, SMALL], 600, 60_000) is big


def test_equal_priorities_fall_back_to_the_last_code() -> None:
    a = RiskSegment("A", 700, None, None, None, 5)
    b = RiskSegment("B", 700, None, None, None, 5)
    assert risk_segment_for([b, a], 100, 1_000) is b
    assert risk_segment_for([b, a], 800, 1_000) is a  # a match still takes the first
