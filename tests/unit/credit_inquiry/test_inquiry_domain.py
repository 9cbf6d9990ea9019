"""Pure rules of the inquiry slice: resident ID validation, the scorecard (worked examples),
risk features, the record chain, the circuit breaker and the reuse rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from credit_inquiry.adapters.circuit_breaker import BreakerState, CircuitBreaker
from credit_inquiry.domain.consent import ConsentPurpose, ReportSection
from credit_inquiry.domain.identity import check_character, mobile_problem, resident_id_problem
from credit_inquiry.domain.inquiry import StoredRetrieval, inquiry_type_for, reusable
from credit_inquiry.domain.record_chain import GENESIS, ChainLink, chain_hash, verify_chain
from credit_inquiry.domain.report import (
    AccountFacts,
    InquiryFacts,
    ReportFacts,
    months_before,
    risk_features,
)
from credit_inquiry.domain.scorecard import DEFAULT_MODEL, Bin, Feature, ScoringModel

pytestmark = pytest.mark.unit
TODAY = date(2025, 6, 1)


def valid_id(first_17: str = "11010119900307123") -> str:
    return first_17 + check_character(first_17)


def test_resident_id_rules() -> None:
    assert check_character("11010519491231002") == "X"  # GB 11643 published example
    assert resident_id_problem("11010519491231002X", today=TODAY) is None
    assert resident_id_problem("11010519491231002x", today=TODAY) is None
    assert resident_id_problem("110105194912310021", today=TODAY) == "has a wrong check character"
    assert "birth date" in resident_id_problem(valid_id("11010119901332123"), today=TODAY)
    assert "birth date" in resident_id_problem(valid_id("11010120300101123"), today=TODAY)
    assert "region" in resident_id_problem(valid_id("99010119900307123"), today=TODAY)
    assert "region" in resident_id_problem(valid_id("11000019900307123"), today=TODAY)
    assert resident_id_problem("1234", today=TODAY) is not None
    assert mobile_problem("+86 138 1234 5678") is None
    assert mobile_problem("12812345678") is not None


def test_scorecard_worked_example() -> None:
    # A borrower with one 2-month delinquency (3 overdue months), 75% utilization, 4 hard
    # inquiries in 3 months (1 in the last month, 5 in 6), a 5-year history, no public records.
    values = {
        "worst_status_24_months": Decimal(2), "overdue_months_24_months": Decimal(3),
        "accounts_currently_overdue": Decimal(0), "revolving_utilization": Decimal("0.75"),
        "inquiries_last_1_month": Decimal(1), "inquiries_last_3_months": Decimal(4),
        "inquiries_last_6_months": Decimal(5), "oldest_account_age_months": Decimal(60),
        "public_records": Decimal(0),
    }
    result = DEFAULT_MODEL.score(values)
    # 600 - 30 - 20 + 15 - 15 + 0 - 20 + 0 + 15 + 10 = 555
    assert result.score == 555
    points = {c.feature: (c.points, c.points_lost) for c in result.contributions}
    assert points["worst_status_24_months"] == (-30, 60)
    assert points["revolving_utilization"] == (-15, 40)
    # Lost most: delinquency 60, overdue frequency 40, utilization 40, inquiries 3M 35.
    assert result.reason_codes == (
        "RC_DELINQUENCY_SEVERITY", "RC_OVERDUE_FREQUENCY", "RC_UTILIZATION", "RC_INQUIRIES_3M",
    )
    # 45 points below base at PDO 20: odds 50 * 2^(-45/20) = 10.5112...
    assert result.implied_odds == Decimal("10.5112")
    assert DEFAULT_MODEL.implied_odds(620) == Decimal("100.0000")


def test_clean_file_scores_best_and_has_no_reasons() -> None:
    best = {f.name: f.bins[[b.points for b in f.bins].index(f.best_points)].lower or Decimal(0)
            for f in DEFAULT_MODEL.features}
    result = DEFAULT_MODEL.score(best)
    assert result.reason_codes == ()
    assert result.score == 600 + sum(f.best_points for f in DEFAULT_MODEL.features)


def test_unavailable_features_give_no_points_and_no_reason() -> None:
    result = DEFAULT_MODEL.score({"public_records": Decimal(3)})
    assert result.score == 600 - 70 and result.reason_codes == ("RC_PUBLIC_RECORDS",)


def test_model_bins_must_cover_every_value() -> None:
    with pytest.raises(ValueError, match="contiguous"):
        Feature("x", "RC_X", "", (Bin(None, Decimal(1), 0), Bin(Decimal(2), None, 1)))
    with pytest.raises(ValueError, match="open ends"):
        Feature("x", "RC_X", "", (Bin(Decimal(0), None, 0),))
    model = ScoringModel.from_dict(
        {"model_version": "t-1", "base_score": 500, "base_odds": "20",
         "points_to_double_odds": "40",
         "features": [{"feature": "x", "reason_code": "RC_X", "explanation": "",
                       "bins": [{"upper": "1", "points": 5}, {"lower": "1", "points": -5}]}]}
    )
    assert model.score({"x": Decimal(3)}).score == 495


def test_risk_features_from_report_facts() -> None:
    facts = ReportFacts(
        as_of=TODAY,
        accounts=(
            AccountFacts("R2", "NORMAL", date(2019, 3, 10), 10_000_00, 6_000_00, 0,
                         "NNNN1N23NNNN************"),
            AccountFacts("R4", "OVERDUE", date(2022, 1, 1), 10_000_00, 9_000_00, 1, "NNN1"),
            AccountFacts("D1", "CLOSED", date(2015, 6, 2), 50_000_00, 0, 0, "CCCC"),
        ),
        public_records=1,
        inquiries=(
            InquiryFacts(date(2025, 5, 20), "LOAN_APPROVAL"),
            InquiryFacts(date(2025, 4, 1), "CREDIT_CARD_APPROVAL"),
            InquiryFacts(date(2025, 2, 1), "LOAN_APPROVAL"),
            InquiryFacts(date(2025, 5, 25), "POST_LOAN_MANAGEMENT"),  # soft: not counted
        ),
    )
    f = risk_features(facts)
    assert (f.inquiries_last_1_month, f.inquiries_last_3_months, f.inquiries_last_6_months) == (
        1, 2, 3,
    )
    assert f.worst_status_24_months == 3 and f.overdue_months_24_months == 4
    assert f.accounts_currently_overdue == 1
    assert f.revolving_utilization == Decimal("0.7500")
    assert f.oldest_account_age_months == 119  # 2015-06-02 .. 2025-06-01
    assert f.total_outstanding_fen == 15_000_00 and f.public_records == 1
    unauthorized = risk_features(ReportFacts(TODAY, None, None, None))
    assert unauthorized.score_values() == dict.fromkeys(unauthorized.score_values())
    assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)


def test_record_chain_detects_change_link_and_gap() -> None:
    links, previous = [], GENESIS
    for sequence in range(1, 5):
        content = {"sequence": sequence, "actor": "op-1"}
        record_hash = chain_hash(previous, content)
        links.append(ChainLink(sequence, content, record_hash, previous))
        previous = record_hash
    assert verify_chain(links, expected_previous=GENESIS, first_sequence=1).intact
    changed = list(links)
    changed[2] = ChainLink(3, {"sequence": 3, "actor": "evil"}, links[2].record_hash,
                           links[2].previous_hash)
    check = verify_chain(changed, expected_previous=GENESIS, first_sequence=1)
    assert (check.first_broken_sequence, check.broken_reason) == (3, "HASH_MISMATCH")
    rehashed = ChainLink(3, changed[2].content, chain_hash(links[1].record_hash,
                                                           changed[2].content),
                         links[1].record_hash)
    check = verify_chain([*links[:2], rehashed, links[3]], expected_previous=GENESIS,
                         first_sequence=1)
    assert (check.first_broken_sequence, check.broken_reason) == (4, "LINK_MISMATCH")
    check = verify_chain([links[0], links[2]], expected_previous=GENESIS, first_sequence=1)
    assert (check.first_broken_sequence, check.broken_reason) == (2, "SEQUENCE_GAP")


def test_circuit_breaker_states() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=10, clock=lambda: now[0])
    assert breaker.allow()
    breaker.record_failure()
    breaker.record_success()  # success resets the count
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    now[0] = 9.9
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow() and not breaker.allow()  # one probe only
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    now[0] = 20.0
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()


def test_reuse_rule_and_inquiry_type() -> None:
    at = datetime(2025, 6, 1, tzinfo=UTC)
    stored = StoredRetrieval(
        inquiry_id=__import__("uuid").uuid4(), report_id=__import__("uuid").uuid4(),
        sections=frozenset({ReportSection.SUMMARY, ReportSection.BASIC_INFO}),
        completed_at=at - timedelta(days=2),
    )
    post = ConsentPurpose.POST_LOAN_MANAGEMENT
    kwargs = {"sections": frozenset({ReportSection.SUMMARY}), "at": at}
    assert reusable(stored, purpose=post, window=timedelta(days=3), **kwargs)
    assert not reusable(stored, purpose=post, window=timedelta(days=2), **kwargs)
    assert not reusable(stored, purpose=ConsentPurpose.PRE_LOAN_APPROVAL,
                        window=timedelta(days=3), **kwargs)
    assert not reusable(stored, purpose=post, window=timedelta(days=3), at=at,
                        sections=frozenset({ReportSection.PUBLIC_RECORDS}))
    assert inquiry_type_for(ConsentPurpose.PRE_LOAN_APPROVAL).value == "HARD"
    assert inquiry_type_for(post).value == "SOFT"


def test_chain_of_is_stable_and_spreads_borrowers() -> None:
    from collections import Counter

    from credit_inquiry.domain.record_chain import RECORD_CHAINS, chain_of

    # Stored with each record, but a borrower's chain must never move between releases.
    assert [chain_of(b) for b in ("b-20", "b-21", "b-22")] == [6, 57, 3]
    counts = Counter(chain_of(f"borrower-{i}") for i in range(6400))
    assert set(counts) == set(range(RECORD_CHAINS))
    assert max(counts.values()) < 2 * 6400 / RECORD_CHAINS
