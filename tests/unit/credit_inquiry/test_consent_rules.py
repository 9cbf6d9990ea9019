"""The consent aggregate: state at an instant and covers(), against worked examples (window
edges included) and a property over random grant/revoke/clock moves."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_inquiry.domain.consent import (
    Consent,
    ConsentChannel,
    ConsentEvidence,
    ConsentPurpose,
    ConsentState,
    CoverageRefusal,
    ReportSection,
    RevocationReason,
    ValidityWindow,
)
from credit_inquiry.domain.events import ConsentGranted, ConsentRevoked
from postloan_runtime.errors import FailedPrecondition

pytestmark = pytest.mark.unit

SIGNED = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
FROM = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
UNTIL = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
POST_LOAN = ConsentPurpose.POST_LOAN_MANAGEMENT
SUMMARY = frozenset({ReportSection.SUMMARY})


def make_consent(
    purposes=frozenset({POST_LOAN}),
    sections=frozenset({ReportSection.SUMMARY, ReportSection.CREDIT_TRANSACTIONS}),
    valid_from=FROM,
    valid_until=UNTIL,
) -> Consent:
    return Consent.grant(
        consent_id=uuid.uuid4(),
        borrower_id="b-1",
        purposes=purposes,
        sections=sections,
        channel=ConsentChannel.MOBILE_APP,
        evidence=ConsentEvidence("a" * 64, min(SIGNED, valid_from), "ekyc-1"),
        validity=ValidityWindow(valid_from, valid_until),
        granted_at=FROM,
        granted_by="op-1",
    )


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (FROM - timedelta(microseconds=1), ConsentState.PENDING),
        (FROM, ConsentState.ACTIVE),  # valid_from is inclusive
        (UNTIL - timedelta(microseconds=1), ConsentState.ACTIVE),
        (UNTIL, ConsentState.EXPIRED),  # valid_until is exclusive
        (UNTIL + timedelta(days=400), ConsentState.EXPIRED),
    ],
)
def test_state_follows_the_window_edges(at, state):
    assert make_consent().state_at(at) is state


def test_covers_worked_examples():
    consent = make_consent()
    mid = datetime(2025, 6, 1, tzinfo=UTC)
    assert consent.covers(POST_LOAN, SUMMARY, mid) is None
    assert consent.covers(POST_LOAN, frozenset(), mid) is None
    assert consent.covers(ConsentPurpose.PRE_LOAN_APPROVAL, SUMMARY, mid) is (
        CoverageRefusal.PURPOSE_NOT_COVERED
    )
    asks = frozenset({ReportSection.SUMMARY, ReportSection.PUBLIC_RECORDS})
    assert consent.covers(POST_LOAN, asks, mid) is CoverageRefusal.SCOPE_NOT_COVERED
    assert consent.covers(POST_LOAN, SUMMARY, UNTIL) is CoverageRefusal.CONSENT_EXPIRED
    assert consent.covers(POST_LOAN, SUMMARY, UNTIL - timedelta(microseconds=1)) is None
    assert consent.covers(POST_LOAN, SUMMARY, FROM - timedelta(seconds=1)) is (
        CoverageRefusal.CONSENT_NOT_YET_VALID
    )
    # State wins over purpose and scope.
    assert consent.covers(ConsentPurpose.PRE_LOAN_APPROVAL, asks, UNTIL) is (
        CoverageRefusal.CONSENT_EXPIRED
    )


def test_revocation_is_immediate_and_recorded_once():
    consent = make_consent()
    at = datetime(2025, 6, 1, 12, tzinfo=UTC)
    consent.revoke(reason=RevocationReason.BORROWER_WITHDREW, at=at, revoked_by="op-2")
    assert consent.state_at(at) is ConsentState.REVOKED
    assert consent.state_at(at - timedelta(microseconds=1)) is ConsentState.ACTIVE
    assert consent.covers(POST_LOAN, SUMMARY, at) is CoverageRefusal.CONSENT_REVOKED
    # Revoked wins over expired.
    assert consent.covers(POST_LOAN, SUMMARY, UNTIL) is CoverageRefusal.CONSENT_REVOKED
    with pytest.raises(FailedPrecondition) as refused:
        consent.revoke(reason=RevocationReason.OTHER, at=at, revoked_by="op-2", note="again")
    assert refused.value.reason == "CONSENT_ALREADY_REVOKED"
    events = consent.collect_events()
    assert [type(e) for e in events] == [ConsentGranted, ConsentRevoked]
    assert events[1].revoked_at == at and events[1].reason is RevocationReason.BORROWER_WITHDREW
    assert consent.collect_events() == []


def test_a_recorded_revocation_refuses_a_check_dated_before_it():
    # A revocation is recorded at the instant it is made, so a check that reads it runs after
    # it, even when that check read its clock earlier (it waited for the row). The historical
    # state is unchanged: ACTIVE before the revocation.
    consent = make_consent()
    revoked_at = datetime(2025, 6, 1, 12, tzinfo=UTC)
    consent.revoke(reason=RevocationReason.BORROWER_WITHDREW, at=revoked_at, revoked_by="op-2")
    earlier = revoked_at - timedelta(seconds=1)
    assert consent.covers(POST_LOAN, SUMMARY, earlier) is CoverageRefusal.CONSENT_REVOKED
    assert consent.covers(POST_LOAN, SUMMARY, FROM - timedelta(days=1)) is (
        CoverageRefusal.CONSENT_REVOKED
    )
    assert consent.state_at(earlier) is ConsentState.ACTIVE


def test_an_expired_consent_can_still_be_revoked():
    consent = make_consent()
    consent.revoke(reason=RevocationReason.RELATIONSHIP_ENDED, at=UNTIL, revoked_by="op")
    assert consent.state_at(UNTIL) is ConsentState.REVOKED


@pytest.mark.parametrize(
    "build",
    [
        lambda: ValidityWindow(FROM, FROM),
        lambda: ValidityWindow(UNTIL, FROM),
        lambda: ValidityWindow(datetime(2025, 1, 1), UNTIL),  # naive
        lambda: ConsentEvidence("A" * 64, SIGNED, "ref"),  # upper-case hex
        lambda: ConsentEvidence("a" * 63, SIGNED, "ref"),
        lambda: ConsentEvidence("a" * 64, SIGNED, " "),
        lambda: make_consent(purposes=frozenset()),
        lambda: make_consent(sections=frozenset()),
    ],
)
def test_invariants_refuse_malformed_values(build):
    with pytest.raises(ValueError):
        build()


# --- property: covers() says None only for an active consent covering purpose and scope ------

purposes_st = st.frozensets(st.sampled_from(ConsentPurpose), min_size=1)
sections_st = st.frozensets(st.sampled_from(ReportSection), min_size=1)
moves = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.integers(min_value=0, max_value=400 * 24 * 3600)),
        st.tuples(st.just("revoke"), st.sampled_from(RevocationReason)),
        st.tuples(
            st.just("ask"),
            st.tuples(
                st.sampled_from(ConsentPurpose),
                st.frozensets(st.sampled_from(ReportSection)),
            ),
        ),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(
    purposes=purposes_st,
    sections=sections_st,
    start_offset=st.integers(min_value=-10 * 24 * 3600, max_value=10 * 24 * 3600),
    length=st.integers(min_value=1, max_value=365 * 24 * 3600),
    steps=moves,
)
def test_covers_never_lets_through_what_it_must_not(purposes, sections, start_offset, length,
                                                   steps):
    now = FROM
    valid_from = FROM + timedelta(seconds=start_offset)
    consent = make_consent(
        purposes=purposes,
        sections=sections,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(seconds=length),
    )
    revoked_at = None
    for kind, arg in steps:
        if kind == "advance":
            now += timedelta(seconds=arg)
        elif kind == "revoke":
            if revoked_at is None:
                consent.revoke(reason=arg, at=now, revoked_by="op")
                revoked_at = now
            else:
                with pytest.raises(FailedPrecondition):
                    consent.revoke(reason=arg, at=now, revoked_by="op")
        else:
            purpose, asked = arg
            verdict = consent.covers(purpose, asked, now)
            active = (
                revoked_at is None
                and consent.validity.valid_from <= now < consent.validity.valid_until
            )
            should_cover = active and purpose in purposes and asked <= sections
            assert (verdict is None) == should_cover
            if revoked_at is not None:
                assert verdict is CoverageRefusal.CONSENT_REVOKED
            elif now >= consent.validity.valid_until:
                assert verdict is CoverageRefusal.CONSENT_EXPIRED
