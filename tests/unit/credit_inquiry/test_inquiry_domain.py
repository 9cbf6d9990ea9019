"""Pure rules of the inquiry slice: resident ID validation, the scorecard (worked examples),
risk features, the record chain, the circuit breaker and the reuse rule."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import grpc
import pytest

from credit_inquiry.adapters.bureau import BureauSettings, GrpcSimulatorBureau
from credit_inquiry.adapters.circuit_breaker import BreakerState, CircuitBreaker
from credit_inquiry.domain.consent import ConsentPurpose, ReportSection
from credit_inquiry.domain.identity import (
    check_character,
    mobile_problem,
    name_problem,
    resident_id_problem,
)
from credit_inquiry.domain.inquiry import StoredRetrieval, inquiry_type_for, reusable
from credit_inquiry.domain.record_chain import GENESIS, ChainLink, chain_hash, verify_chain
from credit_inquiry.domain.report import (
    AccountFacts,
    InquiryFacts,
    ReportFacts,
    months_before,
    risk_features,
    whole_months_between,
)
from credit_inquiry.domain.scorecard import (
    DEFAULT_MODEL,
    DEFAULT_MODEL_JSON,
    Bin,
    Feature,
    ScoringModel,
)
from credit_inquiry.service_layer.inquiries import InquirySettings
from postloan_runtime.auth import ServiceIdentity, generate_dev_keys

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


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_resident_id_and_mobile_take_ascii_digits_only() -> None:
    # Python's \d matches any Unicode digit, and int() reads them: an ASCII province prefix
    # and check character around other digits used to pass every rule.
    number = valid_id()
    assert resident_id_problem(number, today=TODAY) is None
    for digits in (FULL_WIDTH, ARABIC_INDIC):
        mixed = number[:2] + number[2:17].translate(digits) + number[17]
        assert resident_id_problem(mixed, today=TODAY) == (
            "must be 17 digits followed by a digit or X"
        )
        assert mobile_problem("13" + "812345678".translate(digits)) is not None


def test_residence_permit_region_codes_are_accepted_other_bare_provinces_not() -> None:
    # 港澳台居民居住证 carry exactly 810000 / 820000 / 830000 as their region code.
    for region in ("810000", "820000", "830000"):
        assert resident_id_problem(valid_id(region + "19900307123"), today=TODAY) is None
    for region in ("110000", "310000", "710000", "840000", "830100"):
        problem = resident_id_problem(valid_id(region + "19900307123"), today=TODAY)
        assert problem == "must start with a plausible region code"


@pytest.mark.parametrize(
    "name", ["\x00张三", "张\x00三", "张\n三", "张\t三", "张三\x7f", "张\x85三"]
)
def test_name_with_control_characters_is_refused_without_echoing_it(name: str) -> None:
    problem = name_problem(name)
    assert problem == "must not contain control characters"
    assert name.strip() not in problem


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


def _cards(*cards: tuple[int, int]) -> ReportFacts:
    """A report of open R2 cards (limit fen, balance fen), paid as agreed."""
    return ReportFacts(TODAY, tuple(
        AccountFacts("R2", "NORMAL", date(2019, 3, 10), limit, balance, 0, "N" * 24)
        for limit, balance in cards), 0, ())


def test_utilization_edges_zero_limits_and_no_revolving_credit() -> None:
    # 29.9995% in use stays below the 0.3 edge (rounded down, not up into the next bin).
    assert risk_features(_cards((100_000_00, 29_999_50))).revolving_utilization == Decimal(
        "0.2999")
    assert risk_features(_cards((100_000_00, 30_000_00))).revolving_utilization == Decimal(
        "0.3000")
    # A balance on a zero limit is fully used, the worst bin; no revolving credit at all is
    # unavailable (no points, no reason), not the best bin.
    over = risk_features(_cards((0, 8_000_00)))
    assert over.revolving_utilization == Decimal("1.0000")
    assert DEFAULT_MODEL.score(over.score_values()).reason_codes[0] == "RC_UTILIZATION"
    none = risk_features(ReportFacts(TODAY, (), 0, ()))
    assert none.revolving_utilization is None and none.oldest_account_age_months == 0
    (utilization,) = (c for c in DEFAULT_MODEL.score(none.score_values()).contributions
                      if c.feature == "revolving_utilization")
    assert (utilization.value, utilization.points) == (None, 0)
    assert risk_features(_cards((0, 0))).revolving_utilization is None


def test_status_strings_count_only_the_24_months_to_the_report_month() -> None:
    def account(symbols: str, status_month: date | None, status: str = "NORMAL") -> AccountFacts:
        return AccountFacts("R2", status, date(2015, 1, 1), 10_000_00, 0, 0, symbols,
                            status_month)

    # TODAY is in 2025-06. A card closed in 2022-12 with a bad year behind it: its string ends
    # 30 months back, all of it before the window.
    closed_long_ago = account("NNNNNNNNNNNNNNNNN1234567", date(2022, 12, 1), "CLOSED")
    f = risk_features(ReportFacts(TODAY, (closed_long_ago,), 0, ()))
    assert (f.worst_status_24_months, f.overdue_months_24_months) == (0, 0)
    # Closed 10 months back with a 2 in its last month: inside the window.
    closed_lately = account("NNNNNNNNNNNNNNNNNNNNNNN2", date(2024, 8, 1), "CLOSED")
    f = risk_features(ReportFacts(TODAY, (closed_lately,), 0, ()))
    assert (f.worst_status_24_months, f.overdue_months_24_months) == (2, 1)
    # Two accounts late in the same month: one month overdue, not two.
    same_month = account("NNNNNNNNNNNNNNNNNNNN1NNN", None)
    f = risk_features(ReportFacts(TODAY, (same_month, same_month), 0, ()))
    assert (f.worst_status_24_months, f.overdue_months_24_months) == (1, 1)


def test_account_age_counts_clamped_anniversaries() -> None:
    assert whole_months_between(date(2020, 2, 29), date(2021, 2, 28)) == 12
    assert whole_months_between(date(2020, 2, 29), date(2021, 2, 27)) == 11
    assert whole_months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert whole_months_between(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert whole_months_between(date(2015, 6, 2), date(2025, 6, 1)) == 119
    assert whole_months_between(date(2025, 6, 2), date(2025, 6, 1)) == 0


def test_a_model_file_with_fractional_points_is_refused() -> None:
    data = json.loads(json.dumps(DEFAULT_MODEL_JSON))  # a deep copy to change
    data["features"][0]["bins"][0]["points"] = 12.7
    with pytest.raises(ValueError, match="whole number of points"):
        ScoringModel.from_dict(data)
    data["features"][0]["bins"][0]["points"] = "12.0"  # integral: accepted as 12
    assert ScoringModel.from_dict(data).features[0].bins[0].points == 12


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


@pytest.fixture
async def half_open_bureau(
    tmp_path: Path,
) -> AsyncIterator[tuple[GrpcSimulatorBureau, list[float]]]:
    """The gRPC adapter with a breaker that opened at 0 and is half-open at 11 (the channel
    is never used: the tests hand ``_call`` their own attempt)."""
    generate_dev_keys(tmp_path)
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=lambda: now[0])
    never: asyncio.Event = asyncio.Event()

    async def sleep_forever(_: float) -> None:
        await never.wait()

    bureau = GrpcSimulatorBureau(
        BureauSettings(address="127.0.0.1:9", max_attempts=3),
        ServiceIdentity("credit-inquiry", tmp_path / "credit-inquiry.pem"),
        breaker=breaker, sleep=sleep_forever,
    )
    breaker.record_failure()
    now[0] = 11.0
    assert breaker.state is BreakerState.HALF_OPEN
    try:
        yield bureau, now
    finally:
        await bureau.close()


def _unavailable() -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(
        grpc.StatusCode.UNAVAILABLE, grpc.aio.Metadata(), grpc.aio.Metadata(), "down"
    )


@pytest.mark.parametrize("where", ["in the call", "in the backoff sleep"])
async def test_a_cancelled_probe_hands_the_probe_back(half_open_bureau, where: str) -> None:
    bureau, _ = half_open_bureau
    started = asyncio.Event()

    async def attempt(timeout: float) -> None:
        started.set()
        if where == "in the backoff sleep":
            raise _unavailable()  # retryable: the adapter sleeps (forever here) before retrying
        await asyncio.Event().wait()

    probe = asyncio.create_task(bureau._call("query_report", attempt))
    await started.wait()
    await asyncio.sleep(0)
    probe.cancel()  # the client cancelled, or its deadline ended the handler
    with pytest.raises(asyncio.CancelledError):
        await probe
    # A cancellation says nothing about the bureau: still half-open, and a new probe may go.
    assert bureau.breaker.state is BreakerState.HALF_OPEN
    assert bureau.breaker.allow() and not bureau.breaker.allow()


async def test_a_probe_ending_in_an_unexpected_exception_counts_as_failed(
    half_open_bureau,
) -> None:
    bureau, now = half_open_bureau

    async def attempt(timeout: float) -> None:
        raise RuntimeError("not a gRPC error")

    with pytest.raises(RuntimeError):
        await bureau._call("query_report", attempt)
    assert bureau.breaker.state is BreakerState.OPEN  # the failed probe opens it again
    now[0] = 21.0
    assert bureau.breaker.allow()  # the next reset timeout lets a new probe through


def test_reuse_rule_and_inquiry_type() -> None:
    at = datetime(2025, 6, 1, tzinfo=UTC)
    both = frozenset({ReportSection.SUMMARY, ReportSection.BASIC_INFO})
    stored = StoredRetrieval(
        inquiry_id=uuid.uuid4(), report_id=uuid.uuid4(), sections=both,
        completed_at=at - timedelta(days=2), purge_after=at + timedelta(days=88),
    )
    post = ConsentPurpose.POST_LOAN_MANAGEMENT
    kwargs = {"sections": both, "at": at}
    assert reusable(stored, purpose=post, window=timedelta(days=3), **kwargs)
    assert not reusable(stored, purpose=post, window=timedelta(days=2), **kwargs)
    assert not reusable(stored, purpose=ConsentPurpose.PRE_LOAN_APPROVAL,
                        window=timedelta(days=3), **kwargs)
    assert not reusable(stored, purpose=post, window=timedelta(days=3), at=at,
                        sections=frozenset({ReportSection.PUBLIC_RECORDS}))
    assert inquiry_type_for(ConsentPurpose.PRE_LOAN_APPROVAL).value == "HARD"
    assert inquiry_type_for(post).value == "SOFT"


def test_reuse_needs_exactly_the_sections_asked_for() -> None:
    # A report holding more sections than asked would hand over a score and features computed
    # from sections the current consent may not cover.
    at = datetime(2025, 6, 1, tzinfo=UTC)
    stored = StoredRetrieval(
        inquiry_id=uuid.uuid4(), report_id=uuid.uuid4(),
        sections=frozenset({ReportSection.SUMMARY, ReportSection.CREDIT_TRANSACTIONS}),
        completed_at=at - timedelta(days=1), purge_after=at + timedelta(days=89),
    )
    post = ConsentPurpose.POST_LOAN_MANAGEMENT
    for asked in (
        frozenset({ReportSection.SUMMARY}),
        frozenset({ReportSection.SUMMARY, ReportSection.PUBLIC_RECORDS}),
        frozenset(ReportSection),
    ):
        assert not reusable(stored, purpose=post, sections=asked, at=at, window=timedelta(days=7))
    assert reusable(stored, purpose=post, sections=stored.sections, at=at,
                    window=timedelta(days=7))


def test_a_report_past_its_retention_is_not_reused() -> None:
    at = datetime(2025, 6, 1, tzinfo=UTC)
    stored = StoredRetrieval(
        inquiry_id=uuid.uuid4(), report_id=uuid.uuid4(),
        sections=frozenset({ReportSection.SUMMARY}),
        completed_at=at - timedelta(days=1), purge_after=at,
    )
    assert not reusable(stored, purpose=ConsentPurpose.POST_LOAN_MANAGEMENT,
                        sections=stored.sections, at=at, window=timedelta(days=7))
    assert reusable(stored, purpose=ConsentPurpose.POST_LOAN_MANAGEMENT,
                    sections=stored.sections, at=at - timedelta(microseconds=1),
                    window=timedelta(days=7))


@pytest.mark.parametrize(
    ("window", "retention"),
    [(timedelta(days=90), timedelta(days=90)), (timedelta(days=400), timedelta(days=365))],
)
def test_settings_refuse_a_reuse_window_not_shorter_than_retention(window, retention) -> None:
    with pytest.raises(ValueError, match="POSTLOAN_INQUIRY_REUSE_WINDOW_HOURS") as refused:
        InquirySettings(reuse_window=window, report_retention=retention)
    assert "POSTLOAN_REPORT_RETENTION_DAYS" in str(refused.value)
    InquirySettings(reuse_window=retention - timedelta(hours=1), report_retention=retention)


def test_settings_from_env_fail_at_start_up_on_a_reuse_window_too_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTLOAN_INQUIRY_REUSE_WINDOW_HOURS", str(24 * 30))
    monkeypatch.setenv("POSTLOAN_REPORT_RETENTION_DAYS", "30")
    with pytest.raises(SystemExit) as refused:
        InquirySettings.from_env()
    message = str(refused.value.code)
    assert "POSTLOAN_INQUIRY_REUSE_WINDOW_HOURS" in message
    assert "POSTLOAN_REPORT_RETENTION_DAYS" in message
    monkeypatch.setenv("POSTLOAN_REPORT_RETENTION_DAYS", "31")
    assert InquirySettings.from_env().report_retention == timedelta(days=31)


def test_chain_of_is_stable_and_spreads_borrowers() -> None:
    from collections import Counter

    from credit_inquiry.domain.record_chain import RECORD_CHAINS, chain_of

    # Stored with each record, but a borrower's chain must never move between releases.
    assert [chain_of(b) for b in ("b-20", "b-21", "b-22")] == [6, 57, 3]
    counts = Counter(chain_of(f"borrower-{i}") for i in range(6400))
    assert set(counts) == set(range(RECORD_CHAINS))
    assert max(counts.values()) < 2 * 6400 / RECORD_CHAINS
